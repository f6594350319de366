#pragma once
// An open zkbench project for the workflow commands: its config and inputs, its store, git, and where
// its files go (benchmarks/, .zkbench/). Also the baseline's figures as the experiments compare them.

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/run.hpp"
#include "store/store.hpp"
#include "util/error.hpp"
#include "verdict/policy.hpp"
#include "workflow/config.hpp"
#include "workflow/git.hpp"

namespace zkbench::workflow {

struct Workspace {
  Project project;
  std::unique_ptr<store::Store> store;
  Git git{"."};

  const std::filesystem::path& root() const { return project.config.root; }
  std::filesystem::path benchmarks_dir() const { return root() / "benchmarks"; }
  std::filesystem::path state_dir() const { return root() / ".zkbench"; }
  /// benchmarks/experiments/NNN-slug
  std::filesystem::path experiment_dir(const store::ExperimentRecord& e) const;
  /// .zkbench/worktrees/<name>
  std::filesystem::path worktree_dir(const std::string& name) const;
};

/// Opens the project whose zkbench.yaml is `config_path` and its store (config `store:` or
/// .zkbench/zkbench.db). Errors: config errors (located), not a git repository, the store's errors.
Result<Workspace> open_workspace(const std::filesystem::path& config_path);

/// Timeouts of the workflow leave at least this much room over the baseline median: scheduler jitter on
/// a busy machine can double a 30 ms run, while a hang is far beyond any slack.
inline constexpr double k_min_timeout_slack_s = 1.0;

/// The policy of the project: its preset or file, with zkbench.yaml's timeout_multiplier and the
/// timeout slack above.

Result<verdict::Policy> project_policy(const ProjectConfig& config);

/// "001"
std::string experiment_id(int number);
/// Parses "1", "001", "bench/001-x": error when not a number.
Result<int> parse_experiment_number(const std::string& text);

/// The experiment numbered `number`. Error: none ("no experiment 007; see zkbench exp list").
Result<store::ExperimentRecord> find_experiment(store::Store& store, int number);

/// The newest baseline. Error: none yet ("no baseline yet: run zkbench baseline first").
Result<store::BaselineRecord> latest_baseline(store::Store& store);

/// The baseline's measured runs per input name.
Result<std::map<std::string, core::Benchmark>> baseline_benchmarks(store::Store& store,
                                                                   const store::BaselineRecord& baseline);

/// The weighted mean of the inputs' median wall times (the headline figure of a configuration).
double weighted_median_time(const std::map<std::string, core::Benchmark>& benches, const InputSet& inputs);

} // namespace zkbench::workflow
