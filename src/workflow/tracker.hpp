#pragma once
// The tracker files (seed 002 phase 5 and 8.4) as views of the store: benchmarks/PLAN.md, TRACKER.md,
// HISTORY.yaml (one entry per workflow session, i.e. per baseline) and, on `zkbench final`,
// FINAL_REPORT.md. Regenerated after every workflow command, written atomically; deleting one and
// running any workflow command brings it back.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/workflow_records.hpp"
#include "util/error.hpp"
#include "project/workspace.hpp"

namespace zkbench::workflow {

/// One baseline with its headline figure.
struct BaselineView {
  store::BaselineRecord record;
  double time_s = 0;                         // the inputs' median wall times, their weighted mean
  std::map<std::string, double> input_median_s;
};

/// Everything the views show, read from the store.
struct TrackerData {
  std::string objective;
  std::string policy_name;
  double keep_threshold = 0.05;
  double p_threshold = 0.05;
  std::vector<BaselineView> baselines;       // oldest first
  std::vector<store::ExperimentRecord> experiments;
  std::vector<store::NoteRecord> learnings;
  std::vector<store::NoteRecord> ideas;
  std::vector<store::ConflictRecord> conflicts;
  std::string date;                          // today, ISO
};

Result<TrackerData> collect_tracker_data(project::Workspace& ws);

// Pure renderers.
std::string render_plan(const TrackerData& data);
std::string render_tracker(const TrackerData& data);
std::string render_history(const TrackerData& data);
std::string render_final_report(const TrackerData& data);

/// Rewrites PLAN.md, TRACKER.md and HISTORY.yaml (and FINAL_REPORT.md when `final_report`).
Result<void> regenerate_tracker(project::Workspace& ws, bool final_report = false);

/// The best measured change of a session (KEEPs and compound tests of the baseline); nullopt if none.
std::optional<double> best_measured_change(const TrackerData& data, std::int64_t baseline_id);

} // namespace zkbench::workflow
