#pragma once
// Compound testing (seed 002 §8.2 and "two optimizations conflict"): merge the branches of several
// experiments onto the baseline commit, measure the combination like an experiment, and record a
// conflict when A+B improves less than the better of A and B alone (or when they do not merge, or the
// combination's output differs).

#include <vector>

#include "store/workflow_records.hpp"
#include "util/error.hpp"
#include "workflow/evaluate_checkout.hpp"

namespace zkbench::workflow {

struct CompoundOutcome {
  store::ConflictRecord record;       // as stored
  std::string verdict;                // of the combination against the baseline
  std::string reason;
  std::string failure;                // a command of the combination broke (build, crash, hang), else ""
  std::vector<std::string> warnings;
  core::VerdictCost cost;             // what measuring the combination cost
};

/// Tests experiments `numbers` (at least 2, each measured: status done with a change) together.
/// Errors: fewer than 2, unknown or unmeasured experiments, experiments on different baselines, git,
/// the store, an interrupt.
Result<CompoundOutcome> run_compound(project::Workspace& ws, const std::vector<core::ExperimentNumber>& numbers,
                                     const RunExperimentOptions& options);

/// Whether a combination conflicts: it improves less than the best single one (changes are negative
/// when faster). An unmeasured combination conflicts.
bool is_conflict(const std::optional<double>& combined, double best_single);

} // namespace zkbench::workflow
