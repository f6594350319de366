#pragma once
// Experiments (seed 002 phase 4): `exp new` (number, branch bench/NNN-slug from the baseline commit,
// benchmarks/experiments/NNN-slug/hypothesis.md), `exp run` (worktree build, correctness, measurement
// with the policy's timeout, comparison with the baseline per input, files, branch renamed with the
// verdict, KEEP merged into bench/accumulator) and `exp close`.

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "store/workflow_records.hpp"
#include "util/error.hpp"
#include "verdict/decide.hpp"
#include "verdict/sequential.hpp"
#include "workflow/evaluate_checkout.hpp"
#include "project/status_file.hpp"
#include "project/workspace.hpp"

namespace zkbench::workflow {

/// Creates experiment NNN. Errors: no baseline yet, an empty name, git.
Result<store::ExperimentRecord> new_experiment(project::Workspace& ws, const std::string& name, const std::string& hypothesis,
                                               std::optional<double> expected);

struct ExperimentOutcome {
  store::ExperimentRecord experiment;           // as stored after the run
  std::string reason;
  std::vector<verdict::CommandComparison> comparisons; // per input (empty when nothing was timed)
  std::string failure;                          // a command that broke (build, crash, hang), else ""
  std::vector<std::string> warnings;            // environment differences, merge conflicts
  std::vector<std::filesystem::path> files;
  bool resumed = false;                         // runs of an earlier attempt were reused
  std::optional<core::VerdictCost> cost;        // what the verdict cost (none when nothing was timed)
};

/// Runs experiment NNN (see the header comment). A finished experiment is refused ("already decided").
/// Errors: no such experiment or baseline, git, the store, an interrupt (runs kept for the resume).
Result<ExperimentOutcome> run_experiment(project::Workspace& ws, core::ExperimentNumber number,
                                         const RunExperimentOptions& options);

struct ClosedExperiment {
  store::ExperimentRecord experiment;  // as stored
  std::vector<std::string> warnings;   // a withdrawn KEEP: KEEPs that no longer merge into the rebuilt accumulator
};

/// Closes a hypothesis without running it: status invalid | exists | superseded, and why. `invalid` also
/// withdraws a decided experiment: its verdict.md is kept under a "Withdrawn" header, and a withdrawn KEEP
/// leaves the accumulator (rebuilt from the KEEPs that remain; a conflict is a warning).
Result<ClosedExperiment> close_experiment(project::Workspace& ws, core::ExperimentNumber number, const std::string& status,
                                          const std::string& why);

} // namespace zkbench::workflow
