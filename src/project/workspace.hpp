#pragma once
// An open zkbench project for the workflow commands: its config and inputs, its store, git, and where
// its files go (benchmarks/, .zkbench/). Also the project's policy as the workflow applies it, and the
// headline figure of a configuration (the weighted mean of its inputs' medians).

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/run.hpp"
#include "measure/executor.hpp"
#include "measure/run_loop.hpp"
#include "store/store.hpp"
#include "util/error.hpp"
#include "verdict/policy.hpp"
#include "project/config.hpp"
#include "project/git.hpp"
#include "project/linked_runs.hpp"

namespace zkbench::project {

struct Workspace {
  Project project;
  std::unique_ptr<store::Store> store;
  std::string store_location; // where `store` was opened (a URL's password included: never print it)
  Git git{"."};
  std::string machine_class; // this machine's class (machine_class_from_env); its baselines are compared with
  /// What every workflow command runs through (builds, generators, correctness, the run loop): real
  /// processes from open_workspace; unit tests put a fake here.
  std::unique_ptr<measure::Executor> executor;
  /// The run loop's monitor (thermal gate with the project's cooldown_seconds and max_start_temp, GPU
  /// telemetry); null: none. open_workspace sets the GPU monitor; the CLI tells it where to say what it waits for.
  std::unique_ptr<measure::RunMonitor> monitor;
  /// The contention gate (zkbench.yaml's `contention:`) over this machine's /proc from open_workspace,
  /// over a model's load in bench/verdicts (shared ownership: the pointer keeps what the gate reads alive);
  /// null: none. The CLI tells it where to say what it waits for.
  std::shared_ptr<measure::ContentionGate> contention;
  /// Polled by the run loop between runs (Ctrl-C); empty: never.
  std::function<bool()> stop_requested;

  const std::filesystem::path& root() const { return project.config.root; }
  std::filesystem::path benchmarks_dir() const { return root() / "benchmarks"; }
  std::filesystem::path state_dir() const { return root() / ".zkbench"; }
  /// benchmarks/experiments/NNN-slug
  std::filesystem::path experiment_dir(const store::ExperimentRecord& e) const;
  /// .zkbench/worktrees/<name>
  std::filesystem::path worktree_dir(const std::string& name) const;
};

/// Opens the project whose zkbench.yaml is `config_path` and its store (store_location: $ZKBENCH_STORE,
/// else config `store:`, else .zkbench/zkbench.db); the machine class comes from the environment. Errors: config errors
/// (located), not a git repository, the store's errors.
Result<Workspace> open_workspace(const std::filesystem::path& config_path);

/// This machine's class: $ZKBENCH_MACHINE_CLASS (`zkbench worker --class` sets it for its jobs), ""
/// when unset (a machine without a class, whose baselines have class "").
std::string machine_class_from_env();

/// The weighted mean of the inputs' median wall times (the headline figure of a configuration).
double weighted_mean_of_medians(const std::map<std::string, core::Benchmark>& benches, const InputSet& inputs);

} // namespace zkbench::project
