#include <cmath>

#include <gtest/gtest.h>

#include "stats/inference.hpp"
#include "verdict/drift.hpp"

using namespace zkbench;

namespace {
const std::vector<double> k_stored{10.0, 10.2, 9.9, 10.1, 9.8, 10.0};
}

TEST(VerdictDrift, prediction_interval_matches_the_formula) {
  // mean 10, s = sqrt(0.1/5) = 0.141421..., t_{0.995,5} = 4.032142983557536
  const auto pi = stats::prediction_interval(k_stored, 0.99);
  ASSERT_TRUE(pi.has_value());
  const double half = 4.032142983557536 * std::sqrt(0.1 / 5.0) * std::sqrt(1.0 + 1.0 / 6.0);
  EXPECT_NEAR(pi->lo, 10.0 - half, 1e-9);
  EXPECT_NEAR(pi->hi, 10.0 + half, 1e-9);
}

TEST(VerdictDrift, fresh_runs_inside_the_interval_are_no_drift) {
  const std::vector<double> fresh{10.05, 9.95};
  const auto d = verdict::check_drift(k_stored, fresh);
  EXPECT_FALSE(d.drifted);
  EXPECT_NE(d.message.find("no drift"), std::string::npos);
}

TEST(VerdictDrift, a_fresh_run_outside_recommends_rerunning_the_baseline) {
  const std::vector<double> fresh{10.0, 11.5};
  const auto d = verdict::check_drift(k_stored, fresh);
  EXPECT_TRUE(d.drifted);
  EXPECT_NE(d.message.find("re-run the baseline"), std::string::npos);
}

TEST(VerdictDrift, too_little_data_is_skipped_not_drift) {
  const std::vector<double> one{10.0};
  const std::vector<double> fresh{50.0};
  EXPECT_FALSE(verdict::check_drift(one, fresh).drifted);
  EXPECT_FALSE(verdict::check_drift(k_stored, {}).drifted);
}
