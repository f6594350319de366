#include <limits>
#include <cmath>

#include <gtest/gtest.h>

#include "verdict/decide.hpp"

using namespace zkbench;
using verdict::Verdict;

namespace {

// A sample around `center` with a fixed small spread (relative +-0.5%): CV well under 10%.
std::vector<double> around(double center, int n = 10, double spread = 0.005) {
  std::vector<double> xs;
  for (int i = 0; i < n; ++i) {
    const double offset = (i % 2 == 0 ? 1.0 : -1.0) * spread * (1.0 + 0.1 * i);
    xs.push_back(center * (1.0 + offset));
  }
  return xs;
}

verdict::Policy generic() {
  return *verdict::preset("generic");
}

core::Benchmark bench(const std::string& name, const std::vector<double>& times) {
  core::Benchmark b;
  b.command = name;
  for (std::size_t i = 0; i < times.size(); ++i) {
    core::Run r;
    r.index = static_cast<int>(i);
    r.wall_s = times[i];
    b.runs.push_back(r);
  }
  return b;
}

} // namespace

TEST(VerdictDecide, large_significant_improvement_is_keep) {
  const auto m = verdict::compare_metric("time", around(100), around(90), generic());
  EXPECT_EQ(m.decision.verdict, Verdict::keep) << m.decision.reason;
  EXPECT_NEAR(m.change, -0.10, 1e-3);
  ASSERT_TRUE(m.ci_lo && m.ci_hi);
  EXPECT_LT(*m.ci_lo, m.change);
  EXPECT_GT(*m.ci_hi, m.change);
}

TEST(VerdictDecide, improvement_between_maybe_and_keep_is_maybe) {
  const auto m = verdict::compare_metric("time", around(100), around(97), generic());
  EXPECT_EQ(m.decision.verdict, Verdict::maybe) << m.decision.reason;
}

TEST(VerdictDecide, zkvm_policy_keeps_three_percent_plus) {
  const auto m = verdict::compare_metric("time", around(100), around(96), *verdict::preset("zkvm"));
  EXPECT_EQ(m.decision.verdict, Verdict::keep) << m.decision.reason;
  const auto g = verdict::compare_metric("time", around(100), around(96), generic());
  EXPECT_EQ(g.decision.verdict, Verdict::maybe) << g.decision.reason;
}

TEST(VerdictDecide, small_improvement_is_discard) {
  const auto m = verdict::compare_metric("time", around(100), around(99), generic());
  EXPECT_EQ(m.decision.verdict, Verdict::discard) << m.decision.reason;
  EXPECT_FALSE(m.decision.regression);
}

TEST(VerdictDecide, significant_slowdown_is_a_regression) {
  const auto m = verdict::compare_metric("time", around(100), around(104), generic());
  EXPECT_EQ(m.decision.verdict, Verdict::discard);
  EXPECT_TRUE(m.decision.regression) << m.decision.reason;
}

TEST(VerdictDecide, large_but_not_significant_improvement_is_maybe) {
  const std::vector<double> base{100, 80, 120, 100};
  const std::vector<double> cand{85, 105, 80, 90};
  verdict::Policy p = generic();
  p.cv_limit = 1.0; // not the flaky path
  const auto m = verdict::compare_metric("time", base, cand, p);
  EXPECT_EQ(m.decision.verdict, Verdict::maybe) << m.decision.reason;
  EXPECT_NE(m.decision.reason.find("not significant"), std::string::npos);
}

TEST(VerdictDecide, deterministic_metric_decides_by_exact_change) {
  const std::vector<double> base(5, 1'000'000);
  const std::vector<double> keep(5, 998'500);   // -0.15%
  const std::vector<double> same(5, 999'500);   // -0.05%
  const std::vector<double> worse(5, 1'002'000); // +0.2%
  const auto k = verdict::compare_metric("steps", base, keep, generic());
  EXPECT_TRUE(k.deterministic);
  EXPECT_EQ(k.decision.verdict, Verdict::keep);
  EXPECT_NE(k.decision.reason.find("deterministic"), std::string::npos);
  EXPECT_EQ(verdict::compare_metric("steps", base, same, generic()).decision.verdict, Verdict::discard);
  const auto w = verdict::compare_metric("steps", base, worse, generic());
  EXPECT_EQ(w.decision.verdict, Verdict::discard);
  EXPECT_TRUE(w.decision.regression);
}

TEST(VerdictDecide, flaky_asks_for_more_runs_then_is_inconclusive) {
  std::vector<double> noisy{100, 130, 80, 120, 70, 110, 90, 140, 60, 100};
  const auto first = verdict::compare_metric("time", noisy, noisy, generic());
  EXPECT_EQ(first.decision.verdict, Verdict::inconclusive);
  EXPECT_EQ(first.decision.more_runs, 20);
  std::vector<double> twenty = noisy;
  twenty.insert(twenty.end(), noisy.begin(), noisy.end());
  const auto second = verdict::compare_metric("time", twenty, twenty, generic());
  EXPECT_EQ(second.decision.verdict, Verdict::inconclusive);
  EXPECT_EQ(second.decision.more_runs, 0);
  EXPECT_NE(second.decision.reason.find("still flaky"), std::string::npos);
}

TEST(VerdictDecide, flaky_with_outliers_is_decided_after_dropping_them) {
  auto base = around(100, 20);
  auto cand = around(90, 20);
  base[3] = 300; // one wild run per side makes CV > 10%
  cand[5] = 270;
  const auto m = verdict::compare_metric("time", base, cand, generic());
  EXPECT_EQ(m.dropped_outliers, 2u);
  EXPECT_EQ(m.decision.verdict, Verdict::keep) << m.decision.reason;
}

TEST(VerdictDecide, empty_side_is_inconclusive) {
  const auto m = verdict::compare_metric("time", {}, around(1), generic());
  EXPECT_EQ(m.decision.verdict, Verdict::inconclusive);
}

TEST(VerdictDecide, failed_candidate_run_is_reject) {
  auto cand = bench("c", around(90));
  cand.runs[2].status = core::RunStatus::failed;
  cand.runs[2].exit_code = 1;
  const auto c = verdict::compare_benchmarks(bench("b", around(100)), cand, generic());
  EXPECT_EQ(c.decision.verdict, Verdict::reject) << c.decision.reason;
}

TEST(VerdictDecide, timed_out_or_too_slow_candidate_is_kill) {
  auto cand = bench("c", around(90));
  cand.runs[0].status = core::RunStatus::timed_out;
  EXPECT_EQ(verdict::compare_benchmarks(bench("b", around(100)), cand, generic()).decision.verdict, Verdict::kill);
  const auto slow = verdict::compare_benchmarks(bench("b", around(100)), bench("c", around(112)), generic());
  EXPECT_EQ(slow.decision.verdict, Verdict::kill);
  EXPECT_TRUE(slow.decision.regression);
  // zkvm allows 1.15x
  const auto zk = verdict::compare_benchmarks(bench("b", around(100)), bench("c", around(112)), *verdict::preset("zkvm"));
  EXPECT_EQ(zk.decision.verdict, Verdict::discard);
}

TEST(VerdictDecide, primary_metric_chooses_the_deterministic_one) {
  auto base = bench("b", around(100));
  auto cand = bench("c", around(100.5));
  for (auto& r : base.runs) {
    r.metrics["steps"] = 1'000'000.0;
  }
  for (auto& r : cand.runs) {
    r.metrics["steps"] = 997'000.0;
  }
  auto p = generic();
  p.primary_metric = "steps";
  const auto c = verdict::compare_benchmarks(base, cand, p);
  ASSERT_EQ(c.metrics.size(), 2u);
  EXPECT_EQ(c.decision.verdict, Verdict::keep) << c.decision.reason;
  EXPECT_NE(c.decision.reason.find("steps: deterministic"), std::string::npos);
}

TEST(VerdictDecide, inputs_combine_by_weight) {
  auto p = generic();
  auto a = verdict::compare_benchmarks(bench("b", around(100)), bench("in1", around(90)), p);
  auto b = verdict::compare_benchmarks(bench("b", around(100)), bench("in2", around(99)), p);
  a.weight = 3;
  b.weight = 1;
  const std::vector both{a, b};
  const auto d = verdict::combine_inputs(both, p);
  EXPECT_EQ(d.verdict, Verdict::keep) << d.reason; // (3*-10 + -1) / 4 = -7.75%
  b.weight = 27;
  const std::vector heavy{a, b};
  EXPECT_EQ(verdict::combine_inputs(heavy, p).verdict, Verdict::discard); // (3*-10 + 27*-1) / 30 = -1.9%
}

TEST(VerdictDecide, any_input_regressing_over_five_percent_is_discard) {
  auto p = generic();
  p.timeout_multiplier = 2.0;
  const auto a = verdict::compare_benchmarks(bench("b", around(100)), bench("in1", around(70)), p);
  const auto b = verdict::compare_benchmarks(bench("b", around(100)), bench("in2", around(106)), p);
  const std::vector both{a, b};
  const auto d = verdict::combine_inputs(both, p);
  EXPECT_EQ(d.verdict, Verdict::discard);
  EXPECT_TRUE(d.regression);
  EXPECT_NE(d.reason.find("in2"), std::string::npos);
}

TEST(VerdictDecide, all_inconclusive_inputs_are_inconclusive) {
  const std::vector<double> noisy{100, 130, 80, 120, 70, 110, 90, 140, 60, 100};
  const auto a = verdict::compare_benchmarks(bench("b", noisy), bench("in1", noisy), generic());
  const std::vector both{a, a};
  EXPECT_EQ(verdict::combine_inputs(both, generic()).verdict, Verdict::inconclusive);
}

// Inputs paused at a joint look (workflow::evaluate_checkout) are INCONCLUSIVE on their own but not ended so:
// their joint interval decides.
TEST(VerdictDecide, paused_inputs_are_decided_by_their_joint_interval) {
  auto p = generic();
  auto a = verdict::compare_benchmarks(bench("b", around(100)), bench("in1", around(85)), p);
  a.decision = {Verdict::inconclusive, false, "sequential: not settled"};
  a.change = -0.15;
  for (auto& m : a.metrics) {
    m.ci_lo = -0.2;
    m.ci_hi = -0.1;
    m.change = -0.15;
  }
  std::vector both{a, a};
  both[1].command = "in2";
  EXPECT_EQ(verdict::combine_inputs(both, p).verdict, Verdict::inconclusive); // ended so: every input is
  both[0].paused = true;
  both[1].paused = true;
  const auto d = verdict::combine_inputs(both, p);
  EXPECT_EQ(d.verdict, Verdict::keep) << d.reason;
}

// Beside two busy loops, one command on both sides (a no-op), 20 runs each of CPU time (s): four baseline
// runs slowed by bursts of load moved its mean 5.4% while the medians are 2.4% apart. Welch's t and the
// rank test both reject equal distributions (bursts shift ranks too), so the fixed rule said KEEP -5.13%.
TEST(VerdictDecide, a_mean_moved_by_a_few_slowed_runs_of_one_side_is_not_keep) {
  const std::vector<double> base{0.121022, 0.122613, 0.119303, 0.128109, 0.122049, 0.124671, 0.126440,
                                  0.123985, 0.122539, 0.126677, 0.131057, 0.143368, 0.161760, 0.125743,
                                  0.124023, 0.141269, 0.148514, 0.129545, 0.122651, 0.125803};
  const std::vector<double> cand{0.120053, 0.123374, 0.119801, 0.119870, 0.120715, 0.122769, 0.122833,
                                  0.134382, 0.120278, 0.124759, 0.123192, 0.118634, 0.120399, 0.124820,
                                  0.124026, 0.121706, 0.125247, 0.126160, 0.124072, 0.121130};
  const auto m = verdict::compare_metric("time", base, cand, generic());
  EXPECT_NEAR(m.change, -0.0513, 5e-4);
  ASSERT_TRUE(m.welch_p && m.mwu_p);
  EXPECT_LT(*m.welch_p, 0.05);
  EXPECT_NE(m.decision.verdict, Verdict::keep) << m.decision.reason;
  EXPECT_EQ(m.decision.verdict, Verdict::maybe) << m.decision.reason;
  EXPECT_NE(m.decision.reason.find("the median moved"), std::string::npos) << m.decision.reason;
}

// Four of ten candidate runs slowed by 25% (a burst), the other six as the baseline's: the mean is 10%
// higher and Welch's t rejects, but the ranks do not establish a slowdown of the typical run: DISCARD, never
// flagged as a regression.
TEST(VerdictDecide, a_slowdown_of_a_few_runs_is_not_flagged_as_a_regression) {
  std::vector<double> cand = around(100);
  for (const int i : {1, 4, 6, 9}) {
    cand[static_cast<std::size_t>(i)] = 125;
  }
  verdict::Policy p = generic();
  p.cv_limit = 1.0; // not the flaky path
  const auto m = verdict::compare_metric("time", around(100), cand, p);
  ASSERT_TRUE(m.welch_p && m.mwu_p);
  EXPECT_LT(*m.welch_p, 0.05);
  EXPECT_GT(*m.mwu_p, 0.05);
  EXPECT_EQ(m.decision.verdict, Verdict::discard) << m.decision.reason;
  EXPECT_FALSE(m.decision.regression) << m.decision.reason;
  EXPECT_NE(m.decision.reason.find("ranks do not establish"), std::string::npos) << m.decision.reason;
}

// Three runs per side cannot show anything to the rank test (its smallest two-sided p-value is 0.1): no
// claim, however far apart the means.
TEST(VerdictDecide, three_runs_per_side_are_too_few_for_a_claim) {
  const auto m = verdict::compare_metric("time", around(100, 3), around(80, 3), generic());
  EXPECT_EQ(m.decision.verdict, Verdict::maybe) << m.decision.reason;
  const auto four = verdict::compare_metric("time", around(100, 4), around(80, 4), generic());
  EXPECT_EQ(four.decision.verdict, Verdict::keep) << four.decision.reason;
}

TEST(VerdictDecide, clear_regression_is_not_hidden_by_flakiness) {
  const std::vector<double> base{10, 13, 9, 12, 8, 11, 10, 14, 9, 10}; // CV > 10%
  const std::vector<double> cand{20, 21, 20, 22, 19, 21, 20, 22, 21, 20};
  const auto m = verdict::compare_metric("time", base, cand, generic());
  EXPECT_EQ(m.decision.verdict, Verdict::discard) << m.decision.reason;
  EXPECT_TRUE(m.decision.regression);
  EXPECT_EQ(m.decision.more_runs, 0);
}

TEST(VerdictDecide, timeout_slack_keeps_jitter_of_short_runs_from_being_kill) {
  // 100 s -> 112 s is past 1.10x; with 20 s of slack the limit is 120 s: a regression, not a timeout.
  auto policy = generic();
  policy.timeout_min_slack_s = 20.0;
  const auto slowed = verdict::compare_benchmarks(bench("b", around(100)), bench("c", around(112)), policy);
  EXPECT_EQ(slowed.decision.verdict, Verdict::discard) << slowed.decision.reason;
  EXPECT_TRUE(slowed.decision.regression);
  const auto hung = verdict::compare_benchmarks(bench("b", around(100)), bench("c", around(125)), policy);
  EXPECT_EQ(hung.decision.verdict, Verdict::kill) << hung.decision.reason;
}

TEST(VerdictDecide, equal_values_are_deterministic_only_from_three_runs_per_side) {
  // One run each side, 0.1% apart: equal "samples" prove nothing yet.
  const auto one = verdict::compare_metric("steps", std::vector<double>{1000}, std::vector<double>{999}, generic());
  EXPECT_FALSE(one.deterministic);
  EXPECT_NE(one.decision.verdict, Verdict::keep) << one.decision.reason;
  const auto two = verdict::compare_metric("steps", std::vector<double>{1000, 1000}, std::vector<double>{900, 900}, generic());
  EXPECT_EQ(two.decision.verdict, Verdict::inconclusive) << two.decision.reason;
  EXPECT_EQ(two.decision.more_runs, 3);
  const auto three =
      verdict::compare_metric("steps", std::vector<double>{1000, 1000, 1000}, std::vector<double>{900, 900, 900}, generic());
  EXPECT_TRUE(three.deterministic);
  EXPECT_EQ(three.decision.verdict, Verdict::keep) << three.decision.reason;
}

TEST(VerdictDecide, a_repeating_figure_is_exact_only_when_declared_deterministic) {
  // A time parsed from a log in whole seconds repeats: equal runs, yet not an exact figure.
  const std::vector<double> base{5, 5, 5, 5};
  const std::vector<double> cand{4, 4, 4, 4};
  const auto coarse = verdict::compare_metric("prove_seconds", base, cand, generic());
  EXPECT_FALSE(coarse.deterministic);
  EXPECT_EQ(coarse.decision.verdict, Verdict::inconclusive) << coarse.decision.reason;
  EXPECT_NE(coarse.decision.reason.find("'prove_seconds' is not declared deterministic"), std::string::npos)
      << coarse.decision.reason;
  verdict::Policy declared = generic();
  declared.deterministic_metrics.push_back("prove_seconds");
  const auto exact = verdict::compare_metric("prove_seconds", base, cand, declared);
  EXPECT_TRUE(exact.deterministic);
  EXPECT_EQ(exact.decision.verdict, Verdict::keep) << exact.decision.reason;
}

TEST(VerdictDecide, an_interval_entirely_beyond_the_keep_threshold_is_keep_whatever_the_cv) {
  // CV ~14% on each side (above the 10% limit), but the candidate is about half as slow: clearly KEEP.
  const std::vector<double> base{100, 130, 80, 120, 90, 110, 95, 125, 85, 105};
  std::vector<double> cand;
  for (const double b : base) {
    cand.push_back(b * 0.5);
  }
  const auto m = verdict::compare_metric("time", base, cand, generic());
  ASSERT_TRUE(m.ci_hi.has_value());
  EXPECT_LT(*m.ci_hi, -0.05);
  EXPECT_EQ(m.decision.verdict, Verdict::keep) << m.decision.reason;
}

TEST(VerdictDecide, an_input_that_only_may_regress_asks_for_more_runs_instead_of_deciding) {
  auto p = generic();
  p.timeout_multiplier = 3.0;
  const std::vector<double> noisy{100, 130, 80, 120, 70, 110, 90, 140, 60, 100};
  std::vector<double> slower;
  for (const double x : noisy) {
    slower.push_back(x * 1.08);
  }
  const auto a = verdict::compare_benchmarks(bench("b", around(100)), bench("in1", around(90)), p);
  const auto b = verdict::compare_benchmarks(bench("b", noisy), bench("in2", slower), p); // +8%, not established
  ASSERT_EQ(b.decision.verdict, Verdict::inconclusive) << b.decision.reason;
  const std::vector both{a, b};
  const auto d = verdict::combine_inputs(both, p);
  EXPECT_EQ(d.verdict, Verdict::inconclusive) << d.reason;
  EXPECT_FALSE(d.regression);
  EXPECT_NE(d.reason.find("in2' may regress"), std::string::npos) << d.reason;
  EXPECT_NE(d.reason.find("more runs per side would likely settle it"), std::string::npos) << d.reason;
  EXPECT_GT(d.more_runs, 0);
}

TEST(VerdictDecide, no_improvement_is_not_called_an_improvement_below_the_threshold) {
  const auto m = verdict::compare_metric("time", around(100), around(100.3), generic());
  EXPECT_EQ(m.decision.verdict, Verdict::discard) << m.decision.reason;
  EXPECT_EQ(m.decision.reason.find("improvement below"), std::string::npos) << m.decision.reason;
}

namespace {

// An input as the sequential rule leaves it: the judged metric's deciding estimate and interval.
verdict::CommandComparison decided_input(const std::string& name, double change, std::optional<double> lo,
                                         std::optional<double> hi, Verdict verdict, const std::string& metric = "time") {
  verdict::CommandComparison c;
  c.command = name;
  c.metric = metric;
  c.change = change;
  c.decision = {verdict, false, "as judged"};
  verdict::MetricComparison m;
  m.metric = metric;
  m.change = change;
  m.ci_lo = lo;
  m.ci_hi = hi;
  m.interval = "sequential (test)";
  m.candidate.n = 8;
  c.metrics.push_back(m);
  return c;
}

} // namespace

TEST(VerdictDecide, an_inconclusive_input_keeps_the_joint_interval_open) {
  // Before issue 22: KEEP (one input KEEP, weighted estimate -12.5%). The second input's interval says
  // nothing, so the joint interval reaches far above the MAYBE threshold: no KEEP.
  const std::vector inputs{decided_input("in1", -0.20, -0.25, -0.15, Verdict::keep),
                           decided_input("in2", -0.05, -0.40, std::nullopt, Verdict::inconclusive)};
  const auto d = verdict::combine_inputs(inputs, generic());
  EXPECT_EQ(d.verdict, Verdict::inconclusive) << d.reason;
  EXPECT_NE(d.reason.find("+inf"), std::string::npos) << d.reason;
  const auto joint = verdict::joint_change(inputs);
  ASSERT_TRUE(joint);
  EXPECT_TRUE(std::isinf(joint->hi));
}

TEST(VerdictDecide, the_joint_interval_combines_the_inputs_distances_to_their_bounds_in_quadrature) {
  auto a = decided_input("in1", -0.20, -0.25, -0.15, Verdict::keep);
  auto b = decided_input("in2", -0.01, -0.04, 0.02, Verdict::discard);
  a.weight = 1;
  b.weight = 3;
  const std::vector inputs{a, b};
  const auto joint = verdict::joint_change(inputs);
  ASSERT_TRUE(joint);
  const double mean = (std::log(0.8) + 3 * std::log(0.99)) / 4;
  EXPECT_NEAR(joint->change, std::expm1(mean), 1e-12);
  EXPECT_NEAR(joint->lo, std::expm1(mean - std::hypot(std::log(0.8 / 0.75), 3 * std::log(0.99 / 0.96)) / 4), 1e-12);
  EXPECT_NEAR(joint->hi, std::expm1(mean + std::hypot(std::log(0.85 / 0.8), 3 * std::log(1.02 / 0.99)) / 4), 1e-12);
  // Narrower than the weighted mean of the bounds (session 14's joint interval), which it replaced.
  EXPECT_GT(joint->lo, std::expm1((std::log(0.75) + 3 * std::log(0.96)) / 4));
  EXPECT_LT(joint->hi, std::expm1((std::log(0.85) + 3 * std::log(1.02)) / 4));
  // Four inputs of equal weight and equal intervals: half the width of one (1 / sqrt(4)).
  const auto one = decided_input("x", -0.10, -0.15, -0.05, Verdict::keep);
  const std::vector four{one, one, one, one};
  const auto j4 = verdict::joint_change(four);
  ASSERT_TRUE(j4);
  EXPECT_NEAR(std::log1p(j4->lo), std::log(0.9) - std::log(0.9 / 0.85) / 2, 1e-12);
  EXPECT_NEAR(std::log1p(j4->hi), std::log(0.9) + std::log(0.95 / 0.9) / 2, 1e-12);
  // An input's missing bound leaves that side of the joint interval open.
  const std::vector open{a, decided_input("in2", -0.01, std::nullopt, 0.02, Verdict::inconclusive)};
  const auto jo = verdict::joint_change(open);
  ASSERT_TRUE(jo);
  EXPECT_LE(jo->lo, -1.0);
  EXPECT_TRUE(std::isfinite(jo->hi));
  // -6.1% [-8.7%, -3.6%]: KEEP (below -2%, estimate beyond -5%).
  EXPECT_EQ(verdict::combine_inputs(inputs, generic()).verdict, Verdict::keep);
  b.weight = 6; // -4.0% [-6.6%, -1.3%]: an established improvement of the MAYBE size
  const std::vector heavier{a, b};
  EXPECT_EQ(verdict::combine_inputs(heavier, generic()).verdict, Verdict::maybe)
      << verdict::combine_inputs(heavier, generic()).reason;
}

TEST(VerdictDecide, inputs_that_disagree_on_a_keep_are_not_discarded) {
  // bench/verdicts, a real 10% gain under contention episodes (session 15): three inputs KEEP, the fourth
  // DISCARDed by a futility look taken inside an episode with its interval open. The joint interval neither
  // establishes KEEP nor rules it out: before, DISCARD "no established improvement" (a lost gain); now
  // INCONCLUSIVE, naming the inputs that were KEEP.
  std::vector inputs{decided_input("a", 0.0077, std::nullopt, std::nullopt, Verdict::discard),
                     decided_input("b", -0.1237, -0.17, -0.08, Verdict::keep),
                     decided_input("c", -0.0902, -0.14, -0.04, Verdict::keep),
                     decided_input("d", -0.1074, -0.15, -0.06, Verdict::keep)};
  const auto d = verdict::combine_inputs(inputs, generic());
  EXPECT_EQ(d.verdict, Verdict::inconclusive) << d.reason;
  EXPECT_FALSE(d.regression);
  EXPECT_NE(d.reason.find("the inputs disagree ('b' -12.37%, 'c' -9.02%, 'd' -10.74% KEEP, 1 not)"), std::string::npos)
      << d.reason;
  // No input KEEP, the same open interval: DISCARD as before (KEEP not established, no input claims it).
  inputs[1].decision.verdict = Verdict::maybe;
  inputs[2].decision.verdict = Verdict::maybe;
  inputs[3].decision.verdict = Verdict::maybe;
  EXPECT_EQ(verdict::combine_inputs(inputs, generic()).verdict, Verdict::discard);
  // An input that established KEEP and one that rules it out, with the joint interval ruling KEEP out: DISCARD.
  const std::vector ruled_out{decided_input("a", 0.02, 0.01, 0.04, Verdict::discard),
                              decided_input("b", -0.055, -0.06, -0.05, Verdict::keep)};
  EXPECT_EQ(verdict::combine_inputs(ruled_out, generic()).verdict, Verdict::discard)
      << verdict::combine_inputs(ruled_out, generic()).reason;
}

TEST(VerdictDecide, a_regression_counts_on_the_metric_the_input_was_judged_on) {
  // The policy's primary metric is steps, but in2 was judged on time (its runs lacked steps). Its time interval
  // establishes +12%: that is the regression, even though a "steps" figure with an open interval is there too.
  auto p = generic();
  p.primary_metric = "steps";
  auto in2 = decided_input("in2", 0.12, 0.06, 0.18, Verdict::discard, "time");
  verdict::MetricComparison steps;
  steps.metric = "steps";
  steps.change = 0.0;
  in2.metrics.push_back(steps);
  const std::vector inputs{decided_input("in1", -0.20, -0.25, -0.15, Verdict::keep, "steps"), in2};
  const auto d = verdict::combine_inputs(inputs, p);
  EXPECT_EQ(d.verdict, Verdict::discard) << d.reason;
  EXPECT_TRUE(d.regression);
  EXPECT_NE(d.reason.find("in2' regresses +12.00% on time"), std::string::npos) << d.reason;
  // Not established by its deciding interval: no regression, whatever a fixed-rule figure would say.
  const std::vector open{decided_input("in1", -0.20, -0.25, -0.15, Verdict::keep),
                         decided_input("in2", 0.12, -0.10, 0.40, Verdict::inconclusive)};
  const auto o = verdict::combine_inputs(open, generic());
  EXPECT_FALSE(o.regression) << o.reason;
  EXPECT_NE(o.verdict, Verdict::keep);
}

TEST(VerdictDecide, an_interval_bounded_on_neither_side_reads_unbounded_not_minus_inf_to_plus_inf) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(verdict::bounds_text(-0.07, -0.0301), "[-7.00%, -3.01%]");
  EXPECT_EQ(verdict::bounds_text(-0.40, inf), "[-40.00%, +inf]");
  EXPECT_EQ(verdict::bounds_text(-1.0, 0.25), "[-inf, +25.00%]"); // -100% or below bounds nothing
  EXPECT_EQ(verdict::bounds_text(-inf, inf), "[unbounded]");
  // A joint change over inputs that futility stopped before any look bounded them (the demo's no-op).
  const std::vector inputs{decided_input("in1", -0.006, std::nullopt, std::nullopt, Verdict::discard),
                           decided_input("in2", 0.004, std::nullopt, std::nullopt, Verdict::discard)};
  const auto d = verdict::combine_inputs(inputs, generic());
  EXPECT_NE(d.reason.find("[unbounded]"), std::string::npos) << d.reason;
  EXPECT_EQ(d.reason.find("-inf"), std::string::npos) << d.reason;
}
