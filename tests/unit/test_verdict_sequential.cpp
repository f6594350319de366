#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "stats/inference.hpp"
#include "stats/rank_interval.hpp"
#include "verdict/sequential.hpp"

using namespace zkbench;
using verdict::Verdict;

namespace {

// Deterministic pseudo-noise: relative offsets cycling through a fixed pattern (mean 0).
double jitter(int i, double scale) {
  static const double pattern[] = {0.8, -1.1, 0.3, -0.4, 1.2, -0.9, 0.1, 0.6, -0.6, 0.0};
  return 1.0 + scale * pattern[i % 10];
}

// One value for side 0 (baseline) or 1 (candidate), `index` counting that side's runs from 0.
using Sampler = std::function<double(int side, int index)>;

Sampler sampler(double base, double factor, double noise) {
  return [=](int side, int index) {
    const double center = side == 0 ? base : base * factor;
    return center * jitter(index + (side == 0 ? 0 : 3), noise);
  };
}

// The run loop's order (A B, B A, ...) with the decider as its stop rule, as measure::run_benchmarks runs it.
verdict::AbOutcome run_pairs(const Sampler& sample, const verdict::Policy& policy, const verdict::AbOptions& options,
                             std::string* order = nullptr, const std::string& metric = "time") {
  verdict::AbDecider decider(metric, policy, options);
  std::vector<double> baseline;
  std::vector<double> candidate;
  for (int pair = 0; pair < decider.max_pairs(); ++pair) {
    for (const int side : {pair % 2, 1 - pair % 2}) {
      auto& values = side == 0 ? baseline : candidate;
      values.push_back(sample(side, static_cast<int>(values.size())));
      if (order != nullptr) {
        *order += side == 0 ? 'A' : 'B';
      }
    }
    if (decider.look(baseline, candidate)) {
      break;
    }
  }
  return decider.outcome(baseline, candidate);
}

const verdict::Policy k_generic = *verdict::preset("generic");

verdict::AbOptions sequential_options() {
  verdict::AbOptions o;
  o.strategy = verdict::Strategy::sequential;
  o.sequential = verdict::sequential_options(k_generic, 3, 20);
  return o;
}

// The first look at which the plan lets a claim be made.
int first_claim(const verdict::SequentialOptions& o) {
  for (int n = o.min_runs; n <= o.max_runs; ++n) {
    if (verdict::look_level(n, o) > 0) {
      return n;
    }
  }
  return -1;
}

// Half of each side's runs slowed by `hit` (the baseline's even runs, the candidate's odd ones: a busy
// neighbour hitting one run of each round), the candidate `factor` x the baseline.
std::pair<std::vector<double>, std::vector<double>> alternating_hits(int n, double factor, double hit) {
  std::vector<double> base;
  std::vector<double> cand;
  for (int i = 0; i < n; ++i) {
    base.push_back((i % 2 == 0 ? 1.0 + hit : 1.0) * jitter(i, 0.01));
    cand.push_back((i % 2 == 1 ? 1.0 + hit : 1.0) * factor * jitter(i + 3, 0.01));
  }
  return {base, cand};
}

} // namespace

TEST(VerdictSequential, spending_plan_sums_to_alpha_and_spends_nothing_where_ranks_cannot_reach) {
  for (const auto pairing : {verdict::Pairing::unpaired, verdict::Pairing::paired}) {
    for (const int inputs : {1, 2, 4}) {
      auto o = verdict::sequential_options(k_generic, 3, 20, inputs);
      o.pairing = pairing;
      EXPECT_DOUBLE_EQ(o.alpha, k_generic.p_threshold / inputs);
      double total = 0;
      for (int n = o.min_runs; n <= o.max_runs; ++n) {
        total += verdict::look_level(n, o);
      }
      EXPECT_LE(total, o.alpha * (1 + 1e-12)); // the union bound: at most alpha over all looks
      EXPECT_GE(total, o.alpha * (1 - 1e-12)); // and all of it is spent
      // The first claim look can reach its level: 1 / C(2n, n) (paired: 2^-n) is within it.
      const int first = first_claim(o);
      ASSERT_GT(first, o.min_runs);
      const double reachable = pairing == verdict::Pairing::paired ? std::pow(0.5, first) : [&] {
        double p = 1;
        for (int i = 1; i <= first; ++i) {
          p *= static_cast<double>(i) / (first + i);
        }
        return p;
      }();
      EXPECT_LE(reachable, verdict::look_level(first, o));
    }
  }
  // One input, unpaired: claim looks at 5, 8, 12, 18 pairs (each 1.5 times the last), 0.025 / 4 each, which
  // 1 / C(10, 5) = 0.004 reaches (1 / C(8, 4) = 0.014 at 4 pairs would not); the final look has 0.025.
  const auto one = verdict::sequential_options(k_generic, 3, 20);
  EXPECT_EQ(first_claim(one), 5);
  for (int n = 3; n <= 20; ++n) {
    const bool claim = n == 5 || n == 8 || n == 12 || n == 18;
    EXPECT_DOUBLE_EQ(verdict::look_level(n, one), n == 20 ? 0.025 : claim ? 0.025 / 4 : 0.0) << n;
  }
  // Four inputs: alpha 1.25%; from 5 pairs (4 claim looks, 0.156% each) 1 / C(10, 5) = 0.397% is out of
  // reach, from 6 pairs (6, 9, 14: 0.208% each) 1 / C(12, 6) = 0.108% is not.
  EXPECT_EQ(first_claim(verdict::sequential_options(k_generic, 3, 20, 4)), 6);
}

TEST(VerdictSequential, clear_improvement_stops_at_the_first_look_that_can_claim_with_keep) {
  const auto o = sequential_options();
  const auto out = run_pairs(sampler(1.0, 0.5, 0.01), k_generic, o);
  EXPECT_EQ(out.decision.verdict, Verdict::keep) << out.decision.reason;
  EXPECT_TRUE(out.stopped_early);
  EXPECT_EQ(static_cast<int>(out.baseline.size()), first_claim(o.sequential));
  ASSERT_FALSE(out.trace.empty());
  EXPECT_LT(out.trace.back().hi, -0.02);
  EXPECT_NEAR(out.trace.back().change, -0.5, 0.02);
  // The deciding look is the comparison's figures: one interval.
  EXPECT_DOUBLE_EQ(out.comparison.change, out.trace.back().change);
  ASSERT_TRUE(out.comparison.ci_hi);
  EXPECT_DOUBLE_EQ(*out.comparison.ci_hi, out.trace.back().hi);
  EXPECT_NE(out.comparison.interval.find("Hodges–Lehmann"), std::string::npos) << out.comparison.interval;
}

// The joint futility's ingredients (workflow::evaluate_checkout): each input's estimate, standard error and
// horizon as its own futility reads them. A quiet sample projects to its budget; one scattered beyond cv_limit
// to max_runs, as its rule's futility does; the drift is futility_z standard errors of the rest of the way.
TEST(VerdictSequential, futility_reach_projects_a_quiet_sample_to_its_budget_and_a_scattered_one_to_max_runs) {
  verdict::SequentialOptions o = verdict::sequential_options(k_generic, 3, 40);
  o.budget_runs = 20;
  std::vector<double> b, c, wide_b, wide_c;
  for (int i = 0; i < 6; ++i) {
    b.push_back(jitter(i, 0.01));
    c.push_back(0.9 * jitter(i + 3, 0.01));
    wide_b.push_back(jitter(i, 0.5));
    wide_c.push_back(jitter(i + 3, 0.5));
  }
  const auto quiet = verdict::futility_reach(b, c, k_generic, o);
  ASSERT_TRUE(quiet);
  EXPECT_EQ(quiet->runs, 6);
  EXPECT_EQ(quiet->horizon, 20);
  EXPECT_NEAR(quiet->estimate, std::log(0.9), 0.02);
  EXPECT_GT(quiet->se, 0.0);
  EXPECT_NEAR(quiet->optimism, o.futility_z * quiet->se * std::sqrt(1.0 - 6.0 / 20.0), 1e-12);
  const auto scattered = verdict::futility_reach(wide_b, wide_c, k_generic, o);
  ASSERT_TRUE(scattered);
  EXPECT_EQ(scattered->horizon, 40);
  EXPECT_GT(scattered->se, 5 * quiet->se);
  // No log scale, no reach.
  wide_c[2] = 0.0;
  EXPECT_FALSE(verdict::futility_reach(wide_b, wide_c, k_generic, o));
}

TEST(VerdictSequential, no_change_rules_out_keep_early) {
  const auto out = run_pairs(sampler(1.0, 1.0, 0.005), k_generic, sequential_options());
  EXPECT_EQ(out.decision.verdict, Verdict::discard) << out.decision.reason;
  EXPECT_FALSE(out.decision.regression);
  EXPECT_TRUE(out.stopped_early);
  EXPECT_LE(out.baseline.size(), 6u);
}

TEST(VerdictSequential, never_stops_before_min_runs) {
  auto o = sequential_options();
  o.sequential.min_runs = 9;
  const auto out = run_pairs(sampler(1.0, 0.5, 0.01), k_generic, o);
  EXPECT_EQ(out.baseline.size(), 9u);
  EXPECT_EQ(out.candidate.size(), 9u);
  EXPECT_EQ(out.decision.verdict, Verdict::keep);
}

TEST(VerdictSequential, interval_narrows_and_covers_the_estimate) {
  auto o = sequential_options();
  o.sequential.futility = false;
  o.sequential.max_runs = 12;
  const auto out = run_pairs(sampler(1.0, 0.97, 0.02), k_generic, o);
  ASSERT_GE(out.trace.size(), 2u);
  for (const auto& look : out.trace) {
    EXPECT_LE(look.lo, look.change);
    EXPECT_GE(look.hi, look.change);
  }
  const auto& first_bounded = out.trace.at(static_cast<std::size_t>(first_claim(o.sequential) - o.sequential.min_runs));
  EXPECT_TRUE(std::isfinite(first_bounded.hi));
  EXPECT_LT(out.trace.back().hi - out.trace.back().lo, first_bounded.hi - first_bounded.lo);
  EXPECT_TRUE(out.trace.back().stop);
}

TEST(VerdictSequential, at_max_runs_decides_and_does_not_claim_unsupported_keep) {
  auto o = sequential_options();
  o.sequential.futility = false;
  o.sequential.max_runs = 4;
  const auto out = run_pairs(sampler(1.0, 0.94, 0.04), k_generic, o);
  EXPECT_EQ(out.baseline.size(), 4u);
  EXPECT_FALSE(out.stopped_early);
  EXPECT_NE(out.decision.verdict, Verdict::keep) << out.decision.reason;
}

TEST(VerdictSequential, very_noisy_without_effect_is_inconclusive_early) {
  const auto out = run_pairs(sampler(1.0, 1.0, 0.3), k_generic, sequential_options());
  EXPECT_EQ(out.decision.verdict, Verdict::inconclusive) << out.decision.reason;
  EXPECT_NE(out.decision.reason.find("too noisy"), std::string::npos) << out.decision.reason;
  EXPECT_NE(out.decision.reason.find("robust CV"), std::string::npos) << out.decision.reason;
  EXPECT_LT(out.baseline.size(), 20u);
}

TEST(VerdictSequential, a_possible_gain_too_noisy_to_settle_is_inconclusive) {
  // 15% faster, but each side scatters by about 30%: not KEEP, and not a DISCARD of a possible gain.
  const auto out = run_pairs(sampler(1.0, 0.85, 0.3), k_generic, sequential_options());
  EXPECT_EQ(out.decision.verdict, Verdict::inconclusive) << out.decision.reason;
  EXPECT_NE(out.decision.reason.find("too noisy"), std::string::npos) << out.decision.reason;
}

TEST(VerdictSequential, a_sample_scattered_beyond_cv_limit_needs_the_whole_interval_beyond_keep) {
  // 12% faster, each side scattered by a robust CV of about 11%: at the claim look of 18 pairs the interval
  // of all runs lies below -2% but not below -5% (its upper bound -3.5%). On a scatter beyond cv_limit that is
  // no KEEP.
  std::vector<double> b;
  std::vector<double> c;
  for (int i = 0; i < 18; ++i) {
    b.push_back(jitter(i, 0.12));
    c.push_back(0.88 * jitter(i + 3, 0.12));
  }
  const auto o = verdict::sequential_options(k_generic, 3, 20);
  const auto noisy = verdict::sequential_look(b, c, k_generic, o);
  ASSERT_LT(noisy.look.hi, -0.02);
  ASSERT_GT(noisy.look.hi, -0.05);
  EXPECT_NE(noisy.decision.verdict, Verdict::keep) << noisy.decision.reason;
  auto tolerant = k_generic;
  tolerant.cv_limit = 0.2; // the policy's key decides how much scatter a KEEP on the MAYBE bound tolerates
  const auto kept = verdict::sequential_look(b, c, tolerant, o);
  EXPECT_EQ(kept.decision.verdict, Verdict::keep) << kept.decision.reason;
  // A scattered sample whose whole interval lies beyond the KEEP threshold is KEEP all the same.
  EXPECT_EQ(run_pairs(sampler(1.0, 0.6, 0.3), k_generic, sequential_options()).decision.verdict, Verdict::keep);
}

TEST(VerdictSequential, a_burst_on_a_few_baseline_runs_makes_no_keep) {
  // No change; a load burst slows baseline runs 2..4 by 40% (and one candidate run). Welch on these
  // runs gives a mean change near -13%; the ranks see three slow runs and no more.
  const Sampler burst = [](int side, int index) {
    double t = jitter(index + (side == 0 ? 0 : 3), 0.01);
    if ((side == 0 && index >= 2 && index <= 4) || (side == 1 && index == 3)) {
      t *= 1.4;
    }
    return t;
  };
  const auto out = run_pairs(burst, k_generic, sequential_options());
  EXPECT_NE(out.decision.verdict, Verdict::keep) << out.decision.reason;
  EXPECT_NE(out.decision.verdict, Verdict::maybe) << out.decision.reason;
  EXPECT_FALSE(out.decision.regression);
}

TEST(VerdictSequential, a_regression_is_established_by_the_interval) {
  const auto out = run_pairs(sampler(1.0, 1.3, 0.01), k_generic, sequential_options());
  EXPECT_EQ(out.decision.verdict, Verdict::discard) << out.decision.reason;
  EXPECT_TRUE(out.decision.regression) << out.decision.reason;
  EXPECT_GT(out.trace.back().lo, 0.0);
}

TEST(VerdictSequential, paired_analysis_decides_the_same_clear_cases) {
  auto o = sequential_options();
  o.sequential.pairing = verdict::Pairing::paired;
  EXPECT_EQ(run_pairs(sampler(1.0, 0.5, 0.01), k_generic, o).decision.verdict, Verdict::keep);
  EXPECT_EQ(run_pairs(sampler(1.0, 1.0, 0.005), k_generic, o).decision.verdict, Verdict::discard);
  EXPECT_NE(run_pairs(sampler(1.0, 0.5, 0.01), k_generic, o).comparison.interval.find("paired"), std::string::npos);
}

TEST(VerdictSequential, deterministic_metric_stops_at_min_runs) {
  // "steps" is declared deterministic by every preset (issue 22, item 8): equal runs decide exactly.
  const auto out = run_pairs(sampler(1000, 0.99, 0.0), k_generic, sequential_options(), nullptr, "steps");
  EXPECT_EQ(out.baseline.size(), 3u);
  EXPECT_EQ(out.decision.verdict, Verdict::keep);
  EXPECT_NE(out.decision.reason.find("deterministic"), std::string::npos);
}

TEST(VerdictSequential, runs_alternate_abba) {
  std::string order;
  verdict::AbOptions o;
  o.runs = 3;
  run_pairs([](int, int) { return 1.0; }, k_generic, o, &order);
  EXPECT_EQ(order, "ABBAAB");
}

TEST(VerdictSequential, fixed_strategy_extends_flaky_results_to_twenty_runs) {
  verdict::AbOptions o;
  o.runs = 10;
  const auto out = run_pairs(sampler(1.0, 1.0, 0.3), k_generic, o);
  EXPECT_EQ(out.baseline.size(), 20u);
  EXPECT_EQ(out.decision.verdict, Verdict::inconclusive);
  EXPECT_EQ(out.comparison.interval, "95% Fieller");
}

TEST(VerdictSequential, trace_recomputes_the_looks_from_the_kept_runs) {
  const auto o = sequential_options();
  const auto out = run_pairs(sampler(1.0, 0.5, 0.01), k_generic, o);
  const auto trace = verdict::sequential_trace(out.baseline, out.candidate, k_generic, o.sequential);
  ASSERT_EQ(trace.size(), out.trace.size());
  for (std::size_t i = 0; i < trace.size(); ++i) {
    EXPECT_EQ(trace[i].runs, out.trace[i].runs);
    EXPECT_DOUBLE_EQ(trace[i].change, out.trace[i].change);
    EXPECT_DOUBLE_EQ(trace[i].lo, out.trace[i].lo);
    EXPECT_DOUBLE_EQ(trace[i].hi, out.trace[i].hi);
    EXPECT_DOUBLE_EQ(trace[i].level, out.trace[i].level);
  }
  EXPECT_TRUE(trace.back().stop);
  EXPECT_EQ(trace.front().runs, 3);
}

TEST(VerdictSequential, an_outcome_without_a_look_is_decided_by_the_sequential_rule) {
  // A resumed input whose pairs are all stored: the loop never asked the decider. The outcome looks at
  // the runs with the rule (never the fixed one) and shows its deciding interval.
  const auto o = sequential_options();
  const verdict::AbDecider decider("time", k_generic, o);
  std::vector<double> b;
  std::vector<double> c;
  const auto s = sampler(1.0, 0.5, 0.01);
  for (int i = 0; i < 8; ++i) {
    b.push_back(s(0, i));
    c.push_back(s(1, i));
  }
  const auto out = decider.outcome(b, c);
  EXPECT_EQ(out.decision.verdict, Verdict::keep) << out.decision.reason;
  EXPECT_NE(out.decision.reason.find("sequential"), std::string::npos);
  EXPECT_EQ(out.trace.back().runs, first_claim(o.sequential));
  EXPECT_NE(out.comparison.interval.find("Hodges–Lehmann"), std::string::npos);
}

TEST(VerdictSequential, trace_ends_at_the_first_stop_and_is_empty_below_min_runs) {
  const std::vector<double> base(8, 1000.0);
  const std::vector<double> cand(8, 500.0);
  const auto o = verdict::sequential_options(k_generic, 3, 20);
  const auto trace = verdict::sequential_trace(base, cand, k_generic, o);
  ASSERT_EQ(trace.size(), 1u); // deterministic: decided at min_runs
  EXPECT_EQ(trace[0].runs, 3);
  EXPECT_DOUBLE_EQ(trace[0].change, -0.5);
  EXPECT_TRUE(trace[0].stop);
  EXPECT_TRUE(verdict::sequential_trace(std::span(base).first(2), cand, k_generic, o).empty());
}

TEST(VerdictSequential, clearly_slower_needs_the_interval_not_one_slow_run) {
  const auto o = verdict::sequential_options(k_generic, 3, 20);
  std::vector<double> base;
  std::vector<double> slow;
  std::vector<double> one_cold;
  for (int i = 0; i < 10; ++i) {
    base.push_back(jitter(i, 0.01));
    slow.push_back(2.0 * jitter(i + 3, 0.01));
    one_cold.push_back((i == 0 ? 3.0 : 1.0) * jitter(i + 3, 0.01));
  }
  // KILL is claimed at an eighth of the look's level: not at the first claim look (5 pairs, where the
  // most extreme rank outcome has probability 1/252), at the next (8 pairs).
  const auto first = static_cast<std::size_t>(first_claim(o));
  EXPECT_EQ(first, 5U);
  EXPECT_FALSE(verdict::clearly_slower(std::span(base).first(first), std::span(slow).first(first), 1.1, o));
  EXPECT_GT(verdict::kill_level(8, o), 0.0);
  EXPECT_FALSE(verdict::clearly_slower(std::span(base).first(7), std::span(slow).first(7), 1.1, o));
  EXPECT_TRUE(verdict::clearly_slower(std::span(base).first(8), std::span(slow).first(8), 1.1, o));
  EXPECT_FALSE(verdict::clearly_slower(base, one_cold, 1.1, o));
}


// Half of each side's runs slowed 40% (a busy neighbour, anti-correlated within the round): the robust CV
// is far above cv_limit, and the first estimates are noise. Futility waits for half of max_runs there.
TEST(VerdictSequential, a_scattered_sample_is_not_given_up_as_too_noisy_before_half_the_runs) {
  const auto o = verdict::sequential_options(k_generic, 3, 20);
  const auto [base, cand] = alternating_hits(20, 0.9, 0.4);
  for (std::size_t n = 4; n < 10; ++n) {
    const auto look = verdict::sequential_look(std::span(base).first(n), std::span(cand).first(n), k_generic, o);
    EXPECT_FALSE(look.look.stop && look.decision.verdict == Verdict::inconclusive)
        << n << " pairs: " << look.decision.reason;
  }
}

// The spread futility projects from is the rank interval's: half the runs slowed 40% inflate a spread of
// the runs (1.4826 MAD) far more than the Hodges–Lehmann interval, which still reaches a 12% gain.
TEST(VerdictSequential, futility_reads_the_spread_of_the_shift_not_of_the_runs) {
  const auto o = verdict::sequential_options(k_generic, 3, 20);
  const auto [base, cand] = alternating_hits(20, 0.88, 0.4);
  for (std::size_t n = 3; n <= 20; ++n) {
    const auto look = verdict::sequential_look(std::span(base).first(n), std::span(cand).first(n), k_generic, o);
    if (look.look.stop) {
      EXPECT_EQ(look.decision.verdict, Verdict::keep) << n << " pairs: " << look.decision.reason;
      return;
    }
  }
  ADD_FAILURE() << "not decided within 20 pairs";
}

TEST(VerdictSequential, a_slowdown_beyond_the_kill_multiplier_waits_for_the_kill_look) {
  auto o = verdict::sequential_options(k_generic, 3, 20);
  std::vector<double> base;
  std::vector<double> slow;
  for (int i = 0; i < 8; ++i) {
    base.push_back(jitter(i, 0.01));
    slow.push_back(1.6 * jitter(i + 3, 0.01));
  }
  const std::size_t first = static_cast<std::size_t>(first_claim(o));
  // Without KILL (`ab`): a regression at the first claim look.
  const auto ab = verdict::sequential_look(std::span(base).first(first), std::span(slow).first(first), k_generic, o);
  ASSERT_TRUE(ab.look.stop);
  EXPECT_TRUE(ab.decision.regression);
  // With the workflow's KILL: no stop there; at 8 pairs clearly_slower claims it.
  o.kill_multiplier = k_generic.timeout_multiplier;
  EXPECT_FALSE(
      verdict::sequential_look(std::span(base).first(first), std::span(slow).first(first), k_generic, o).look.stop);
  EXPECT_TRUE(verdict::clearly_slower(base, slow, k_generic.timeout_multiplier, o));
  // A slowdown below the multiplier is still a regression at the first claim look.
  std::vector<double> bit_slower;
  for (int i = 0; i < 8; ++i) {
    bit_slower.push_back(1.05 * jitter(i + 3, 0.005));
  }
  const auto small =
      verdict::sequential_look(std::span(base).first(first), std::span(bit_slower).first(first), k_generic, o);
  EXPECT_TRUE(small.look.stop);
}

// The loop's budget ended with fewer uncontended pairs than max_runs (contended rounds left out): the
// last look there is is the final one, at the final level, instead of "not settled".
TEST(VerdictSequential, the_last_look_of_a_spent_budget_is_final) {
  verdict::AbOptions options = sequential_options();
  std::vector<double> base;
  std::vector<double> cand;
  for (int i = 0; i < 12; ++i) {
    base.push_back((i % 3 == 0 ? 1.3 : 1.0) * jitter(i, 0.06));
    cand.push_back((i % 3 == 1 ? 1.3 : 1.0) * 0.88 * jitter(i + 1, 0.06));
  }
  const verdict::AbDecider decider("time", k_generic, options);
  const verdict::AbOutcome open = decider.outcome(base, cand);
  EXPECT_EQ(open.decision.verdict, Verdict::inconclusive) << open.decision.reason;
  EXPECT_NE(open.decision.reason.find("not settled"), std::string::npos) << open.decision.reason;
  const verdict::AbOutcome spent = decider.outcome(base, cand, true);
  EXPECT_EQ(spent.decision.verdict, Verdict::keep) << spent.decision.reason;
  ASSERT_FALSE(spent.trace.empty());
  EXPECT_EQ(spent.trace.back().runs, 12);
  EXPECT_DOUBLE_EQ(spent.trace.back().level, verdict::look_level(20, options.sequential));
}

TEST(VerdictSequential, a_gain_under_load_that_slows_half_the_runs_is_keep_on_the_fastest_runs) {
  // 10% faster; a busy neighbour slows 11 of each side's 20 runs by 10-50%, in no pattern shared by the
  // sides. The interval of all runs spreads over the slowed runs and settles nothing; the fastest runs of
  // each side are the clean ones, and their interval lies below -2% at the claim look of 18 pairs.
  const auto slowed = [](int side, int i) {
    return (i * 7 + side * 3) % 20 < 11 ? 1.1 + 0.04 * ((i * 13 + side * 5) % 11) : 1.0;
  };
  const auto sample = [&](double factor) {
    std::pair<std::vector<double>, std::vector<double>> out;
    for (int i = 0; i < 20; ++i) {
      out.first.push_back(slowed(0, i) * jitter(i, 0.01));
      out.second.push_back(factor * slowed(1, i) * jitter(i + 3, 0.01));
    }
    return out;
  };
  const auto o = verdict::sequential_options(k_generic, 3, 20);
  const auto [base, cand] = sample(0.9);
  std::vector<double> lb;
  std::vector<double> lc;
  for (int i = 0; i < 20; ++i) {
    lb.push_back(std::log(base[i]));
    lc.push_back(std::log(cand[i]));
  }
  const auto all = stats::hodges_lehmann_unpaired(lb, lc, verdict::look_level(20, o) / 2);
  ASSERT_TRUE(all);
  EXPECT_GT(std::exp(all->hi) - 1, -0.02); // all runs alone: no KEEP even at max_runs
  const auto trace = verdict::sequential_trace(base, cand, k_generic, o);
  ASSERT_FALSE(trace.empty());
  EXPECT_EQ(trace.back().runs, 18);
  EXPECT_TRUE(trace.back().stop);
  EXPECT_EQ(trace.back().kept, 8);
  EXPECT_LT(trace.back().hi, -0.02);
  EXPECT_NEAR(trace.back().change, -0.10, 0.02);
  EXPECT_NE(verdict::interval_method(trace.back(), o).find("fastest 8 of 18"), std::string::npos);
  const auto final = verdict::sequential_look(base, cand, k_generic, o);
  EXPECT_EQ(final.decision.verdict, Verdict::keep) << final.decision.reason;
  // The same load without a change is no KEEP nor MAYBE, at any look.
  const auto [b0, c0] = sample(1.0);
  for (std::size_t n = 3; n <= 20; ++n) {
    const auto look = verdict::sequential_look(std::span(b0).first(n), std::span(c0).first(n), k_generic, o);
    EXPECT_NE(look.decision.verdict, Verdict::keep) << n << ": " << look.decision.reason;
    EXPECT_NE(look.decision.verdict, Verdict::maybe) << n << ": " << look.decision.reason;
  }
}

TEST(VerdictSequential, a_noisier_candidate_is_no_keep_on_its_fastest_runs) {
  // The candidate's runs scatter by 8%, the baseline's by 0.2% (a stored quiet baseline), the candidate's
  // median 4% faster (below KEEP's 5%): its fastest runs are 8-10% faster than the baseline's.
  std::vector<double> base;
  std::vector<double> cand;
  for (int i = 0; i < 20; ++i) {
    base.push_back(jitter(i, 0.002));
    cand.push_back(0.96 * jitter(i + 3, 0.08));
  }
  const auto o = verdict::sequential_options(k_generic, 3, 20);
  for (std::size_t n = 3; n <= 20; ++n) {
    const auto look = verdict::sequential_look(std::span(base).first(n), std::span(cand).first(n), k_generic, o);
    EXPECT_NE(look.decision.verdict, Verdict::keep) << n << ": " << look.decision.reason;
  }
}

TEST(VerdictSequential, a_candidate_that_scatters_more_is_no_keep_although_its_fastest_runs_look_alike) {
  // A change that adds variance: the candidate's runs scatter 2.5 x the baseline's (CV 12.5% against 5%,
  // normal quantiles in a fixed shuffled order) and its median is 6% faster. Its fastest 8 of 20 scatter
  // within 3 x the baseline's fastest (alike), but they lie 0.84 x 7.5% further below its median than the
  // baseline's do: read as they are, they put an 11% gain below -2% at 20 pairs, a KEEP the runs do not
  // show (all runs: no KEEP). Corrected for the difference in spread, the fastest runs claim no KEEP.
  std::vector<double> base;
  std::vector<double> cand;
  for (int i = 0; i < 20; ++i) {
    const auto z = [](int k) { return stats::normal_quantile((static_cast<double>(k) + 0.5) / 20.0); };
    base.push_back(std::exp(0.05 * z((7 * i + 3) % 20)));
    cand.push_back(0.94 * std::exp(0.125 * z((11 * i + 5) % 20)));
  }
  const auto o = verdict::sequential_options(k_generic, 3, 20);
  for (std::size_t n = 3; n <= 20; ++n) {
    const auto look = verdict::sequential_look(std::span(base).first(n), std::span(cand).first(n), k_generic, o);
    EXPECT_NE(look.decision.verdict, Verdict::keep) << n << ": " << look.decision.reason;
  }
}

TEST(VerdictSequential, a_no_op_under_load_is_discard_when_its_fastest_runs_are_clean) {
  // No change; a busy neighbour slows 11 of each side's 20 runs by 10-50%. All runs are scattered beyond
  // cv_limit, which alone gives INCONCLUSIVE "too noisy"; the fastest runs are clean and put KEEP out of
  // reach too, so the no-op is DISCARD, and never a regression.
  const auto slowed = [](int side, int i) {
    return (i * 7 + side * 3) % 20 < 11 ? 1.1 + 0.04 * ((i * 13 + side * 5) % 11) : 1.0;
  };
  std::vector<double> base;
  std::vector<double> cand;
  for (int i = 0; i < 20; ++i) {
    base.push_back(slowed(0, i) * jitter(i, 0.01));
    cand.push_back(slowed(1, i) * jitter(i + 3, 0.01));
  }
  const auto o = verdict::sequential_options(k_generic, 3, 20);
  const auto trace = verdict::sequential_trace(base, cand, k_generic, o);
  ASSERT_FALSE(trace.empty());
  ASSERT_TRUE(trace.back().stop);
  const auto k = static_cast<std::size_t>(trace.back().runs);
  const auto stop = verdict::sequential_look(std::span(base).first(k), std::span(cand).first(k), k_generic, o);
  EXPECT_EQ(stop.decision.verdict, Verdict::discard) << stop.decision.reason;
  EXPECT_FALSE(stop.decision.regression);
  EXPECT_NE(stop.decision.reason.find("fastest"), std::string::npos) << stop.decision.reason;
}

TEST(VerdictSequential, an_interval_never_widens_and_a_look_between_claim_looks_keeps_the_earlier_bounds) {
  // 4% faster at a scatter of about 8%: neither KEEP nor ruled out for many looks (futility off). Every claim
  // look's interval holds together with the others' (their levels sum to alpha), so each look shows the
  // intersection of them all: from the first claim look on, the bounds are finite at every look, claim look
  // or not, and never move outwards.
  auto o = sequential_options();
  o.sequential.futility = false;
  std::vector<double> base;
  std::vector<double> cand;
  for (int i = 0; i < 20; ++i) {
    base.push_back(jitter(i, 0.08));
    cand.push_back(0.96 * jitter(i + 3, 0.08));
  }
  const auto trace = verdict::sequential_trace(base, cand, k_generic, o.sequential);
  const int first = first_claim(o.sequential);
  ASSERT_GT(trace.back().runs, first + 1) << "the sample must stay unsettled past the first claim look";
  bool between = false;
  for (std::size_t i = 1; i < trace.size(); ++i) {
    const auto& look = trace[i];
    if (look.runs <= first) {
      continue;
    }
    EXPECT_TRUE(std::isfinite(look.lo) && std::isfinite(look.hi)) << look.runs;
    EXPECT_GE(look.lo, trace[i - 1].lo) << look.runs;
    EXPECT_LE(look.hi, trace[i - 1].hi) << look.runs;
    EXPECT_LE(look.lo, look.change);
    EXPECT_GE(look.hi, look.change);
    between = between || look.level == 0;
  }
  EXPECT_TRUE(between) << "a look between claim looks was checked";
  // A one-off look on other runs (the spent budget's look on every run) carries nothing: its own level only.
  auto once = o.sequential;
  once.carry = false;
  const auto alone = verdict::sequential_look(std::span(base).first(7), std::span(cand).first(7), k_generic, once);
  EXPECT_FALSE(std::isfinite(alone.look.lo)) << "7 pairs is no claim look of one input";
}

TEST(VerdictSequential, futility_does_not_read_a_candidate_whose_fastest_runs_are_slowed) {
  // 10% faster at a CV of 1%; a neighbour slows four of the candidate's first five runs by 30% alike (so its
  // runs look tight around the slowed value). All runs read +17%; the fastest two of the candidate are one
  // clean run and one slowed one, scattered far beyond the baseline's and beyond cv_limit: KEEP is not given
  // up on them, and once the load is gone the gain is KEEP.
  std::vector<double> base;
  std::vector<double> cand;
  for (int i = 0; i < 20; ++i) {
    base.push_back(jitter(i, 0.01));
    cand.push_back(0.9 * (i >= 1 && i <= 4 ? 1.3 : 1.0) * jitter(i + 3, 0.01));
  }
  const auto o = verdict::sequential_options(k_generic, 3, 20);
  const auto early = verdict::sequential_look(std::span(base).first(5), std::span(cand).first(5), k_generic, o);
  EXPECT_GT(early.look.change, 0.1);
  EXPECT_FALSE(early.look.stop) << early.decision.reason;
  const auto trace = verdict::sequential_trace(base, cand, k_generic, o);
  const auto k = static_cast<std::size_t>(trace.back().runs);
  const auto stop = verdict::sequential_look(std::span(base).first(k), std::span(cand).first(k), k_generic, o);
  EXPECT_EQ(stop.decision.verdict, Verdict::keep) << stop.decision.reason;
}

TEST(VerdictSequential, a_baseline_slowed_among_its_fastest_runs_does_not_withhold_the_candidates_keep) {
  // 10% faster; a neighbour slows 11 of each side's 20 runs by 10-50%, and half of the baseline's other runs
  // by 6%, so the baseline's fastest runs scatter several times more than the candidate's. A side that
  // scatters more has a faster lower tail: that favours no KEEP, so the fastest runs still settle the KEEP.
  const auto slowed = [](int side, int i) {
    return (i * 7 + side * 3) % 20 < 11 ? 1.1 + 0.04 * ((i * 13 + side * 5) % 11) : 1.0;
  };
  std::vector<double> base;
  std::vector<double> cand;
  int unslowed = 0;
  for (int i = 0; i < 20; ++i) {
    const double s = slowed(0, i);
    base.push_back(s * (s == 1.0 && unslowed++ % 2 == 1 ? 1.06 : 1.0) * jitter(i, 0.005));
    cand.push_back(0.9 * slowed(1, i) * jitter(i + 3, 0.005));
  }
  const auto o = verdict::sequential_options(k_generic, 3, 20);
  const auto trace = verdict::sequential_trace(base, cand, k_generic, o);
  ASSERT_FALSE(trace.empty());
  EXPECT_TRUE(trace.back().stop);
  EXPECT_GT(trace.back().kept, 0);
  // At 18 pairs the baseline's fastest 8 scatter ten times more than the candidate's (at 20 the two agree
  // again): the KEEP comes there, not only at the last look.
  EXPECT_LT(trace.back().runs, 20);
  const auto k = static_cast<std::size_t>(trace.back().runs);
  const auto stop = verdict::sequential_look(std::span(base).first(k), std::span(cand).first(k), k_generic, o);
  EXPECT_EQ(stop.decision.verdict, Verdict::keep) << stop.decision.reason;
}

TEST(VerdictSequential, a_budget_keeps_the_claim_looks_and_splits_the_final_share_with_the_extension) {
  // exp run's input: a budget of 20 pairs, up to 40 for a KEEP-sized estimate. The claim looks are those of a
  // 20-pair plan; the look at the budget and the look at 40 share the final look's 0.025; every level sums to
  // alpha.
  auto o = verdict::sequential_options(k_generic, 3, 40);
  o.budget_runs = 20;
  double total = 0;
  for (int n = 3; n <= 40; ++n) {
    const bool claim = n == 5 || n == 8 || n == 12 || n == 18;
    const double expected = n == 20 || n == 40 ? 0.0125 : claim ? 0.025 / 4 : 0.0;
    EXPECT_DOUBLE_EQ(verdict::look_level(n, o), expected) << n;
    total += verdict::look_level(n, o);
  }
  EXPECT_NEAR(total, o.alpha, 1e-12);
  // A loop whose budget ended early (contended rounds left out): at or before the budget the look at 40 is
  // never made, so that last look has the whole final share; beyond the budget, the extension's.
  o.last_look = 15;
  EXPECT_DOUBLE_EQ(verdict::look_level(15, o), 0.025);
  o.last_look = 30;
  EXPECT_DOUBLE_EQ(verdict::look_level(30, o), 0.0125);
  // No budget (or one at max_runs): the plan of max_runs alone.
  auto plain = verdict::sequential_options(k_generic, 3, 20);
  plain.budget_runs = 20;
  EXPECT_DOUBLE_EQ(verdict::look_level(20, plain), 0.025);
}

TEST(VerdictSequential, at_the_budget_only_a_keep_sized_estimate_goes_on) {
  verdict::AbOptions o = sequential_options();
  o.sequential.max_runs = 40;
  o.sequential.budget_runs = 20;
  // No change, scattered by about 15% (beyond cv_limit): unsettled at 20 pairs, its estimate nowhere near
  // the KEEP threshold, so the budget is its end.
  const auto noop = run_pairs(sampler(1.0, 1.0, 0.15), k_generic, o);
  EXPECT_EQ(noop.baseline.size(), 20u) << noop.decision.reason;
  EXPECT_NE(noop.decision.verdict, Verdict::keep) << noop.decision.reason;
  // A 10% gain as scattered: unsettled at 20 pairs with a KEEP-sized estimate, it goes on and settles KEEP.
  const auto gain = run_pairs(sampler(1.0, 0.9, 0.15), k_generic, o);
  EXPECT_GT(gain.baseline.size(), 20u) << gain.decision.reason;
  EXPECT_LE(gain.baseline.size(), 40u);
  EXPECT_EQ(gain.decision.verdict, Verdict::keep) << gain.decision.reason;
  // Without the extension (a budget of 20 pairs and no more) the same runs end INCONCLUSIVE at 20.
  const auto budget_only = run_pairs(sampler(1.0, 0.9, 0.15), k_generic, sequential_options());
  EXPECT_EQ(budget_only.baseline.size(), 20u) << budget_only.decision.reason;
  EXPECT_NE(budget_only.decision.verdict, Verdict::keep) << budget_only.decision.reason;
}
