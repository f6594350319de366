#pragma once
// The workflow's queries of the store, and what a checkout is judged against, read once before anything
// is built or measured: an experiment by its number, the baseline of a machine class (the newest, or the
// one an experiment is compared with), that baseline's runs per input (project/linked_runs.hpp, the one
// reader of the store's session links) with the project's policy and the baseline's profile. `exp run`
// finds its experiment, that experiment's comparable baseline and the runs its earlier attempts kept here;
// `compound` reads the base of the baseline its experiments share; evaluate_checkout and the verdict
// simulation are given the value.

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "core/experiment.hpp"
#include "core/run.hpp"
#include "store/store.hpp"
#include "store/workflow_records.hpp"
#include "util/error.hpp"
#include "verdict/policy.hpp"
#include "project/linked_runs.hpp"
#include "workflow/measure_inputs.hpp"

namespace zkbench::project {
struct Workspace;
} // namespace zkbench::project

namespace zkbench::workflow {

/// The experiment numbered `number`. Error: none ("no experiment 007; see zkbench exp list").
Result<store::ExperimentRecord> find_experiment(store::Store& store, core::ExperimentNumber number);

/// Whether latest_baseline may fall back to another class's baseline.
enum class ClassMatch {
  required,  // comparing figures: only a baseline measured on the same class will do
  preferred, // branching from a commit (exp new): the class's own baseline, else the newest of any class
};

/// The newest baseline measured on a machine of `machine_class` (baselines are recorded only once
/// every input is measured, so each is complete). Errors: no baseline at all ("no baseline yet: run
/// zkbench baseline first"); with ClassMatch::required, none of this class ("no baseline for machine
/// class 'h100'; run `zkbench baseline` on an h100 machine").
Result<store::BaselineRecord> latest_baseline(store::Store& store, const std::string& machine_class,
                                              ClassMatch match = ClassMatch::required);

/// The baseline `experiment` is compared with on a machine of `machine_class`: the experiment's own
/// baseline when it was measured on that class, else the newest baseline of the class. Errors: as
/// latest_baseline with ClassMatch::required.
Result<store::BaselineRecord> comparable_baseline(store::Store& store, const store::ExperimentRecord& experiment,
                                                  const std::string& machine_class);

/// The error for a store with baselines but none of `machine_class`, saying what to run where.
Error no_baseline_for_class(const std::string& machine_class);

struct ComparisonBase {
  store::BaselineRecord baseline;
  std::map<std::string, core::Benchmark> runs; // the baseline's runs per input name (baseline_benchmarks)
  verdict::Policy policy;                      // project::project_policy
  std::filesystem::path profile;               // the baseline's profile: benchmarks/baseline/profile.txt
};

/// The base of `baseline`: its runs and the project's policy. Errors: the store, the policy file.
Result<ComparisonBase> read_comparison_base(project::Workspace& ws, const store::BaselineRecord& baseline);

/// Experiment `number` as `exp run` finds it, and, unless it is decided or closed already, what it is
/// compared with on this machine's class (comparable_baseline), whose runs it measures and the runs that
/// earlier attempts kept.
struct ExperimentToRun {
  store::ExperimentRecord experiment;
  std::optional<ComparisonBase> base; // none for a decided or closed experiment
  RunOwner owner;                     // whose runs: the experiment's sessions, "zkbench exp run 003"
  project::KeptRuns kept;             // the runs earlier attempts kept (project::kept_runs of `owner`)
};

/// Errors: no such experiment, no comparable baseline, the store, the policy file.
Result<ExperimentToRun> read_experiment_to_run(project::Workspace& ws, core::ExperimentNumber number);

} // namespace zkbench::workflow
