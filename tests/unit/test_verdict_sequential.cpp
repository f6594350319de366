#include <cmath>
#include <map>
#include <vector>

#include <gtest/gtest.h>

#include "verdict/sequential.hpp"

using namespace zkbench;
using verdict::Verdict;

namespace {

// Deterministic pseudo-noise: relative offsets cycling through a fixed pattern (mean 0).
double jitter(int i, double scale) {
  static const double pattern[] = {0.8, -1.1, 0.3, -0.4, 1.2, -0.9, 0.1, 0.6, -0.6, 0.0};
  return 1.0 + scale * pattern[i % 10];
}

verdict::Sampler sampler(double base, double factor, double noise) {
  return [=](verdict::Side side, int index) -> Result<double> {
    const double center = side == verdict::Side::baseline ? base : base * factor;
    const int shift = side == verdict::Side::baseline ? 0 : 3;
    return center * jitter(index + shift, noise);
  };
}

verdict::AbOptions sequential_options() {
  verdict::AbOptions o;
  o.strategy = verdict::Strategy::sequential;
  return o;
}

const verdict::Policy k_generic = *verdict::preset("generic");

} // namespace

TEST(VerdictSequential, clear_improvement_stops_early_with_keep) {
  const auto out = verdict::run_ab(sampler(1.0, 0.5, 0.01), "time", k_generic, sequential_options());
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->decision.verdict, Verdict::keep) << out->decision.reason;
  EXPECT_TRUE(out->stopped_early);
  EXPECT_EQ(out->baseline.size(), 3u); // min runs, no earlier
  ASSERT_EQ(out->trace.size(), 1u);
  EXPECT_LT(out->trace.back().hi, -0.02);
}

TEST(VerdictSequential, no_change_rules_out_keep_early) {
  const auto out = verdict::run_ab(sampler(1.0, 1.0, 0.005), "time", k_generic, sequential_options());
  ASSERT_TRUE(out.has_value());
  EXPECT_NE(out->decision.verdict, Verdict::keep);
  EXPECT_EQ(out->decision.verdict, Verdict::discard) << out->decision.reason;
  EXPECT_TRUE(out->stopped_early);
}

TEST(VerdictSequential, never_stops_before_min_runs) {
  auto o = sequential_options();
  o.sequential.min_runs = 6;
  const auto out = verdict::run_ab(sampler(1.0, 0.5, 0.01), "time", k_generic, o);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->baseline.size(), 6u);
  EXPECT_EQ(out->candidate.size(), 6u);
}

TEST(VerdictSequential, interval_narrows_and_covers_the_estimate) {
  auto o = sequential_options();
  o.sequential.futility = false;
  o.sequential.max_runs = 12;
  const auto out = verdict::run_ab(sampler(1.0, 0.97, 0.02), "time", k_generic, o);
  ASSERT_TRUE(out.has_value());
  ASSERT_GE(out->trace.size(), 2u);
  for (const auto& look : out->trace) {
    EXPECT_LE(look.lo, look.change);
    EXPECT_GE(look.hi, look.change);
  }
  EXPECT_LT(out->trace.back().hi - out->trace.back().lo, out->trace.front().hi - out->trace.front().lo);
  EXPECT_TRUE(out->trace.back().stop);
}

TEST(VerdictSequential, at_max_runs_decides_and_does_not_claim_unsupported_keep) {
  auto o = sequential_options();
  o.sequential.futility = false;
  o.sequential.max_runs = 4;
  const auto out = verdict::run_ab(sampler(1.0, 0.94, 0.04), "time", k_generic, o);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->baseline.size(), 4u);
  EXPECT_FALSE(out->stopped_early);
  EXPECT_NE(out->decision.verdict, Verdict::keep) << out->decision.reason;
}

TEST(VerdictSequential, very_noisy_without_effect_is_inconclusive_early) {
  const auto out = verdict::run_ab(sampler(1.0, 1.0, 0.3), "time", k_generic, sequential_options());
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->decision.verdict, Verdict::inconclusive) << out->decision.reason;
  EXPECT_LT(out->baseline.size(), 20u);
}

TEST(VerdictSequential, deterministic_metric_stops_at_min_runs) {
  const auto out = verdict::run_ab(sampler(1000, 0.99, 0.0), "steps", k_generic, sequential_options());
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->baseline.size(), 3u);
  EXPECT_EQ(out->decision.verdict, Verdict::keep);
  EXPECT_NE(out->decision.reason.find("deterministic"), std::string::npos);
}

TEST(VerdictSequential, runs_alternate_abba) {
  std::string order;
  const verdict::Sampler record = [&](verdict::Side side, int) -> Result<double> {
    order += side == verdict::Side::baseline ? 'A' : 'B';
    return 1.0;
  };
  verdict::AbOptions o;
  o.runs = 3;
  ASSERT_TRUE(verdict::run_ab(record, "time", k_generic, o).has_value());
  EXPECT_EQ(order, "ABBAAB");
}

TEST(VerdictSequential, fixed_strategy_extends_flaky_results_to_twenty_runs) {
  verdict::AbOptions o;
  o.runs = 10;
  const auto out = verdict::run_ab(sampler(1.0, 1.0, 0.3), "time", k_generic, o);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->baseline.size(), 20u);
  EXPECT_EQ(out->decision.verdict, Verdict::inconclusive);
}

TEST(VerdictSequential, sampler_errors_stop_the_loop) {
  const verdict::Sampler failing = [](verdict::Side, int index) -> Result<double> {
    if (index == 2) {
      return make_error("cannot run");
    }
    return 1.0;
  };
  const auto out = verdict::run_ab(failing, "time", k_generic, sequential_options());
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().message, "cannot run");
}

TEST(VerdictSequential, trace_recomputes_the_looks_of_run_ab_from_the_kept_runs) {
  const auto out = verdict::run_ab(sampler(1.0, 0.5, 0.01), "time", k_generic, sequential_options());
  ASSERT_TRUE(out.has_value());
  const auto trace = verdict::sequential_trace(out->baseline, out->candidate, k_generic, {});
  ASSERT_EQ(trace.size(), out->trace.size());
  for (std::size_t i = 0; i < trace.size(); ++i) {
    EXPECT_EQ(trace[i].runs, out->trace[i].runs);
    EXPECT_DOUBLE_EQ(trace[i].change, out->trace[i].change);
    EXPECT_DOUBLE_EQ(trace[i].lo, out->trace[i].lo);
    EXPECT_DOUBLE_EQ(trace[i].hi, out->trace[i].hi);
  }
  EXPECT_TRUE(trace.back().stop);
  EXPECT_EQ(trace.front().runs, 3);
}

TEST(VerdictSequential, trace_ends_at_the_first_stop_and_is_empty_below_min_runs) {
  const std::vector<double> base(8, 1000.0);
  const std::vector<double> cand(8, 500.0);
  const auto trace = verdict::sequential_trace(base, cand, k_generic, {});
  ASSERT_EQ(trace.size(), 1u); // deterministic: decided at min_runs
  EXPECT_EQ(trace[0].runs, 3);
  EXPECT_DOUBLE_EQ(trace[0].change, -0.5);
  EXPECT_TRUE(trace[0].stop);
  EXPECT_TRUE(verdict::sequential_trace(std::span(base).first(2), cand, k_generic, {}).empty());
}

TEST(VerdictSequential, a_constant_side_is_given_the_other_sides_spread_not_none) {
  const std::vector<double> flat(16, 100.0); // a figure that repeats on one side (not declared deterministic)
  const std::vector<double> noisy{97, 103, 99, 101, 98, 102, 97, 103, 99, 101, 98, 102, 97, 103, 99, 101};
  const std::vector<double> same_spread{98, 102, 97, 103, 99, 101, 98, 102, 97, 103, 99, 101, 98, 102, 97, 103};
  verdict::SequentialOptions o;
  o.futility = false;
  const auto one = verdict::sequential_look(flat, noisy, k_generic, o).look;
  const auto both = verdict::sequential_look(same_spread, noisy, k_generic, o).look;
  // The unseen spread counts as the seen one: about as wide as with both sides spread (not 1/sqrt(2) of it).
  EXPECT_GT(one.hi - one.lo, 0.95 * (both.hi - both.lo)) << one.lo << " " << one.hi << " vs " << both.lo << " " << both.hi;
}
