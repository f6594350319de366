#pragma once
// What a checkout is judged against, read from the workspace once before anything is built or measured:
// the recorded baseline, its runs per input (project/linked_runs.hpp, the one reader of a baseline's
// sessions) and the project's policy. `exp run` finds its experiment and that experiment's comparable
// baseline here; `compound` reads the base of the baseline its experiments share; evaluate_checkout and
// the verdict simulation are given the value.

#include <map>
#include <optional>
#include <string>

#include "core/experiment.hpp"
#include "core/run.hpp"
#include "store/workflow_records.hpp"
#include "util/error.hpp"
#include "verdict/policy.hpp"

namespace zkbench::project {
struct Workspace;
} // namespace zkbench::project

namespace zkbench::workflow {

struct ComparisonBase {
  store::BaselineRecord baseline;
  std::map<std::string, core::Benchmark> runs; // the baseline's runs per input name (baseline_benchmarks)
  verdict::Policy policy;                      // project::project_policy
};

/// The base of `baseline`: its runs and the project's policy. Errors: the store, the policy file.
Result<ComparisonBase> read_comparison_base(project::Workspace& ws, const store::BaselineRecord& baseline);

/// Experiment `number` as `exp run` finds it, and, unless it is decided or closed already, what it is
/// compared with on this machine's class (project::comparable_baseline).
struct ExperimentToRun {
  store::ExperimentRecord experiment;
  std::optional<ComparisonBase> base; // none for a decided or closed experiment
};

/// Errors: no such experiment, no comparable baseline, the store, the policy file.
Result<ExperimentToRun> read_experiment_to_run(project::Workspace& ws, core::ExperimentNumber number);

} // namespace zkbench::workflow
