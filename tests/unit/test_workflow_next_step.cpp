// The diminishing-returns rule of `zkbench next` (seed 002 §8.3) and its suggestions.
#include <gtest/gtest.h>

#include "workflow/next_step.hpp"

using zkbench::store::ExperimentRecord;
using zkbench::workflow::advise_next;
using zkbench::workflow::TrackerData;

namespace {

ExperimentRecord done(int number, std::optional<double> change, const std::string& verdict) {
  ExperimentRecord e;
  e.number = number;
  e.name = "exp " + std::to_string(number);
  e.status = "done";
  e.verdict = verdict;
  e.change = change;
  e.finished_at_us = number;
  return e;
}

} // namespace

TEST(WorkflowNextStep, stops_after_three_small_results_with_an_empty_backlog) {
  TrackerData data;
  data.experiments = {done(1, -0.20, "KEEP"), done(2, -0.005, "DISCARD"), done(3, 0.01, "DISCARD"),
                      done(4, std::nullopt, "REJECT")};
  const auto advice = advise_next(data);
  EXPECT_TRUE(advice.stop);
  ASSERT_FALSE(advice.suggestions.empty());
  EXPECT_NE(advice.suggestions.back().find("zkbench final"), std::string::npos);
}

TEST(WorkflowNextStep, keeps_going_while_a_recent_result_is_large_or_the_backlog_has_items) {
  TrackerData data;
  data.experiments = {done(1, -0.001, "DISCARD"), done(2, -0.002, "DISCARD"), done(3, -0.08, "KEEP")};
  EXPECT_FALSE(advise_next(data).stop);
  data.experiments[2] = done(3, -0.003, "DISCARD");
  data.ideas.push_back({1, "idea", "arena allocator", 0, false});
  const auto advice = advise_next(data);
  EXPECT_FALSE(advice.stop);
  ASSERT_FALSE(advice.suggestions.empty());
  EXPECT_NE(advice.suggestions.front().find("arena allocator"), std::string::npos);
}

TEST(WorkflowNextStep, suggests_planned_experiments_by_expected_impact_then_untested_pairs) {
  TrackerData data;
  ExperimentRecord small;
  small.number = 3;
  small.name = "small";
  small.status = "planned";
  small.expected = 0.02;
  ExperimentRecord big = small;
  big.number = 4;
  big.name = "big";
  big.expected = 0.30;
  data.experiments = {done(1, -0.10, "KEEP"), done(2, -0.03, "MAYBE"), small, big};
  const auto advice = advise_next(data);
  ASSERT_GE(advice.suggestions.size(), 3U);
  EXPECT_NE(advice.suggestions[0].find("exp run 004"), std::string::npos);
  EXPECT_NE(advice.suggestions[1].find("exp run 003"), std::string::npos);
  EXPECT_NE(advice.suggestions[2].find("compound 001 002"), std::string::npos);
  data.conflicts.push_back({1, {1, 2}, -0.11, -0.10, false, "", 0});
  for (const std::string& s : advise_next(data).suggestions) {
    EXPECT_EQ(s.find("compound 001 002"), std::string::npos) << s;
  }
}
