#include "workflow/comparison_base.hpp"

#include "project/linked_runs.hpp"
#include "project/workspace.hpp"

namespace zkbench::workflow {

Result<ComparisonBase> read_comparison_base(project::Workspace& ws, const store::BaselineRecord& baseline) {
  ZKBENCH_TRY_ASSIGN(policy, project::project_policy(ws.project.config));
  ZKBENCH_TRY_ASSIGN(runs, project::baseline_benchmarks(*ws.store, baseline));
  return ComparisonBase{baseline, std::move(*runs), std::move(*policy)};
}

Result<ExperimentToRun> read_experiment_to_run(project::Workspace& ws, core::ExperimentNumber number) {
  ExperimentToRun found;
  ZKBENCH_TRY_ASSIGN(e, project::find_experiment(*ws.store, number));
  found.experiment = std::move(*e);
  if (found.experiment.state() == core::ExperimentStatus::done ||
      found.experiment.state() == core::ExperimentStatus::closed) {
    return found;
  }
  // Only a baseline measured on this machine's class is comparable (issue 7): the experiment's own
  // when it was, else the class's newest, which the experiment is then recorded against.
  ZKBENCH_TRY_ASSIGN(baseline, project::comparable_baseline(*ws.store, found.experiment, ws.machine_class));
  ZKBENCH_TRY_ASSIGN(base, read_comparison_base(ws, *baseline));
  found.base = std::move(*base);
  return found;
}

} // namespace zkbench::workflow
