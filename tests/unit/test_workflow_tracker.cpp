// The tracker views (PLAN.md, TRACKER.md, HISTORY.yaml, FINAL_REPORT.md) rendered from records.
#include <gtest/gtest.h>

#include "workflow/compound.hpp"
#include "workflow/tracker.hpp"

using zkbench::store::ExperimentRecord;
using zkbench::workflow::TrackerData;

namespace {

TrackerData sample() {
  TrackerData data;
  data.objective = "Prove blocks faster";
  data.policy_name = "generic";
  zkbench::workflow::BaselineView b;
  b.record.id = 1;
  b.record.commit = "abc123def4567890";
  b.record.created_at_us = 1'768'521'600'000'000; // 2026-01-16
  b.time_s = 262.0;
  b.input_median_s = {{"light", 100.0}, {"typical", 300.0}};
  data.baselines.push_back(b);
  ExperimentRecord keep;
  keep.number = 1;
  keep.name = "MPT hash cache";
  keep.status = "done";
  keep.verdict = "KEEP";
  keep.change = -0.065;
  keep.baseline_id = 1;
  keep.expected = 0.3;
  keep.branch = "bench/001-mpt-hash-cache-KEEP";
  ExperimentRecord discard = keep;
  discard.number = 2;
  discard.name = "Zero-copy rkyv";
  discard.verdict = "DISCARD";
  discard.change = -0.008;
  discard.close_reason = "below | threshold";
  discard.expected = 0.05;
  data.experiments = {keep, discard};
  data.learnings.push_back({1, "learning", "MPT hashing dominates at 59%", 1'768'521'700'000'000, false});
  data.conflicts.push_back({1, {1, 2}, -0.05, -0.065, true, "both modify Node", 0});
  return data;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST(WorkflowTracker, tracker_lists_baseline_experiments_learnings_and_conflicts) {
  const std::string md = zkbench::workflow::render_tracker(sample());
  EXPECT_TRUE(has(md, "- Metric: 262.0000 s")) << md;
  EXPECT_TRUE(has(md, "| 001 | MPT hash cache | 244.9700 s | -6.50% | ✅ KEEP |")) << md;
  EXPECT_TRUE(has(md, "below   threshold")) << md; // a '|' in a note would break the table
  EXPECT_TRUE(has(md, "1. MPT hashing dominates at 59%"));
  EXPECT_TRUE(has(md, "| 001 + 002 | -5.00% | -6.50% | Yes | both modify Node |")) << md;
}

TEST(WorkflowTracker, plan_ranks_hypotheses_by_expected_impact_with_conflicts) {
  const std::string md = zkbench::workflow::render_plan(sample());
  EXPECT_TRUE(has(md, "Prove blocks faster"));
  const auto first = md.find("1. **[HIGH] MPT hash cache**");
  const auto second = md.find("2. **[MEDIUM] Zero-copy rkyv**");
  ASSERT_NE(first, std::string::npos) << md;
  ASSERT_NE(second, std::string::npos) << md;
  EXPECT_TRUE(has(md, "Conflicts with: #002"));
}

TEST(WorkflowTracker, history_has_one_entry_per_baseline_with_the_best_measured_result) {
  const std::string yaml = zkbench::workflow::render_history(sample());
  EXPECT_TRUE(has(yaml, "- date: \"2026-01-16\"")) << yaml;
  EXPECT_TRUE(has(yaml, "baseline: 262.000000s"));
  EXPECT_TRUE(has(yaml, "final: 244.970000s"));
  EXPECT_TRUE(has(yaml, "improvement: -6.50%"));
  EXPECT_TRUE(has(yaml, "optimizations_kept: [\"001\"]"));
  EXPECT_TRUE(has(yaml, "- \"MPT hashing dominates at 59%\""));
  EXPECT_TRUE(has(zkbench::workflow::render_history(TrackerData{}), "sessions: []"));
}

TEST(WorkflowTracker, final_report_separates_applied_and_discarded) {
  const std::string md = zkbench::workflow::render_final_report(sample());
  EXPECT_TRUE(has(md, "- Total improvement: -6.50%")) << md;
  EXPECT_TRUE(has(md, "1. MPT hash cache (-6.50%)"));
  EXPECT_TRUE(has(md, "- #002 Zero-copy rkyv: DISCARD"));
}

TEST(WorkflowTracker, a_combination_conflicts_when_it_improves_less_than_the_best_alone) {
  EXPECT_TRUE(zkbench::workflow::is_conflict(-0.04, -0.06));
  EXPECT_FALSE(zkbench::workflow::is_conflict(-0.09, -0.06));
  EXPECT_TRUE(zkbench::workflow::is_conflict(std::nullopt, -0.06));
}
