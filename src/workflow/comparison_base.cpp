#include "workflow/comparison_base.hpp"

#include <fmt/format.h>

#include "project/linked_runs.hpp"
#include "project/workspace.hpp"

namespace zkbench::workflow {

Result<store::ExperimentRecord> find_experiment(store::Store& store, core::ExperimentNumber number) {
  ZKBENCH_TRY_ASSIGN(found, store.get_experiment(number));
  if (!*found) {
    return make_error(fmt::format("no experiment {}; see zkbench exp list", number));
  }
  return std::move(**found);
}

Error no_baseline_for_class(const std::string& machine_class) {
  if (machine_class.empty()) {
    return Error{"no baseline for a machine without a class: run `zkbench baseline` here, or set "
                 "ZKBENCH_MACHINE_CLASS to this machine's class"};
  }
  return Error{fmt::format("no baseline for machine class '{0}'; run `zkbench baseline` on an {0} machine "
                           "(e.g. zkbench submit baseline --class {0})",
                           machine_class)};
}

namespace {

// latest_baseline among `all` (oldest first, as the store lists them).
Result<store::BaselineRecord> newest_of_class(const std::vector<store::BaselineRecord>& all,
                                              const std::string& machine_class, ClassMatch match) {
  if (all.empty()) {
    return make_error("no baseline yet: run zkbench baseline first (seed 002: never skip the baseline)");
  }
  // Oldest first: the last match is the newest.
  for (auto b = all.rbegin(); b != all.rend(); ++b) {
    if (b->machine_class == machine_class) {
      return *b;
    }
  }
  if (match == ClassMatch::preferred) {
    return all.back();
  }
  return tl::unexpected(no_baseline_for_class(machine_class));
}

} // namespace

Result<store::BaselineRecord> latest_baseline(store::Store& store, const std::string& machine_class,
                                              ClassMatch match) {
  ZKBENCH_TRY_ASSIGN(all, store.list_baselines());
  return newest_of_class(*all, machine_class, match);
}

Result<store::BaselineRecord> comparable_baseline(store::Store& store, const store::ExperimentRecord& experiment,
                                                  const std::string& machine_class) {
  ZKBENCH_TRY_ASSIGN(all, store.list_baselines()); // one read for both choices
  for (const store::BaselineRecord& b : *all) {
    if (experiment.baseline_id && b.id == *experiment.baseline_id && b.machine_class == machine_class) {
      return b;
    }
  }
  return newest_of_class(*all, machine_class, ClassMatch::required);
}

Result<ComparisonBase> read_comparison_base(project::Workspace& ws, const store::BaselineRecord& baseline) {
  ZKBENCH_TRY_ASSIGN(policy, project::project_policy(ws.project.config));
  ZKBENCH_TRY_ASSIGN(runs, project::baseline_benchmarks(*ws.store, baseline));
  return ComparisonBase{baseline, std::move(*runs), std::move(*policy), ws.benchmarks_dir() / "baseline" / "profile.txt"};
}

Result<ExperimentToRun> read_experiment_to_run(project::Workspace& ws, core::ExperimentNumber number) {
  ExperimentToRun found;
  ZKBENCH_TRY_ASSIGN(e, find_experiment(*ws.store, number));
  found.experiment = std::move(*e);
  if (found.experiment.state() == core::ExperimentStatus::done ||
      found.experiment.state() == core::ExperimentStatus::closed) {
    return found;
  }
  // Only a baseline measured on this machine's class is comparable (issue 7): the experiment's own
  // when it was, else the class's newest, which the experiment is then recorded against.
  ZKBENCH_TRY_ASSIGN(baseline, comparable_baseline(*ws.store, found.experiment, ws.machine_class));
  ZKBENCH_TRY_ASSIGN(base, read_comparison_base(ws, *baseline));
  found.base = std::move(*base);
  const std::string command = "zkbench exp run " + found.experiment.experiment_number().format();
  found.owner = {"experiment", found.experiment.id, command, "experiment"};
  ZKBENCH_TRY_ASSIGN(kept, project::kept_runs(*ws.store, found.owner.name, found.owner.id));
  found.kept = std::move(*kept);
  return found;
}

} // namespace zkbench::workflow
