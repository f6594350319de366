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
#include "workflow/input_verdict.hpp"
#include "project/status_file.hpp"
#include "project/workspace.hpp"

namespace zkbench::workflow {

inline constexpr const char* k_accumulator_branch = "bench/accumulator";

/// Creates experiment NNN. Errors: no baseline yet, an empty name, git.
Result<store::ExperimentRecord> new_experiment(Workspace& ws, const std::string& name, const std::string& hypothesis,
                                               std::optional<double> expected);

struct RunExperimentOptions {
  Strategy strategy = Strategy::sequential;
  BaselineMode baseline_mode = BaselineMode::interleaved;
  std::optional<int> runs;                      // overrides zkbench.yaml's runs
  StatusFile* status = nullptr;
  std::function<void(const std::string&)> say;  // progress lines
};

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

/// What evaluate_checkout measures for: names for messages and logs, and the store owner its sessions
/// are linked to (resumable).
struct EvaluationRequest {
  std::string label;        // "bench/001-x", for messages
  std::string log_name;     // build log .zkbench/logs/<log_name>-build.log
  std::string owner;        // "experiment" or "compound"
  std::int64_t owner_id = 0;
  std::string resume_hint;  // appended to the interrupt error
  std::string command;      // the command line its sessions record ("zkbench exp run 003")
};

struct CheckoutEvaluation {
  core::Outcome verdict = core::Outcome::none; // KEEP ... or FAILED (build), REJECT (output), KILL (timeout)
  std::string reason;
  std::vector<verdict::CommandComparison> comparisons;
  verdict::Decision decision;
  std::optional<double> change; // weighted change of the primary metric, when measured
  /// What broke when a command failed rather than lost: the build failed, the correctness command
  /// failed or hung, a benchmark run crashed or timed out (the reason). Empty otherwise (a wrong output
  /// is a REJECT but not a failure).
  std::string failure;
  /// Sequential strategy: each measured input's stopping trace (verdict::sequential_trace of the primary
  /// metric against the baseline's runs), by input name.
  std::map<std::string, std::vector<verdict::Look>> traces;
  bool resumed = false;
  core::VerdictCost cost;    // the measured runs of both sides, every input, and a fixed design's count
  std::map<std::string, core::Benchmark> candidates; // the candidate's runs per input (GPU figures for results.json)
  std::vector<std::string> warnings;
};

/// Builds the checkout at `worktree`, checks every input's output against the baseline's hash (REJECT
/// without timing), measures each input with the policy's timeout (KILL) and compares it with the
/// baseline (per input, then combined by weight). Errors: the store, an interrupt.
Result<CheckoutEvaluation> evaluate_checkout(Workspace& ws, const std::filesystem::path& worktree,
                                             const store::BaselineRecord& baseline,
                                             const std::map<std::string, core::Benchmark>& base_benches,
                                             const verdict::Policy& policy, const EvaluationRequest& request,
                                             const RunExperimentOptions& options);

/// Runs experiment NNN (see the header comment). A finished experiment is refused ("already decided").
/// Errors: no such experiment or baseline, git, the store, an interrupt (runs kept for the resume).
Result<ExperimentOutcome> run_experiment(Workspace& ws, core::ExperimentNumber number,
                                         const RunExperimentOptions& options);

struct ClosedExperiment {
  store::ExperimentRecord experiment;  // as stored
  std::vector<std::string> warnings;   // a withdrawn KEEP: KEEPs that no longer merge into the rebuilt accumulator
};

/// Closes a hypothesis without running it: status invalid | exists | superseded, and why. `invalid` also
/// withdraws a decided experiment: its verdict.md is kept under a "Withdrawn" header, and a withdrawn KEEP
/// leaves the accumulator (rebuilt from the KEEPs that remain; a conflict is a warning).
Result<ClosedExperiment> close_experiment(Workspace& ws, core::ExperimentNumber number, const std::string& status,
                                          const std::string& why);

/// "+5.12%" style with sign, or "n/a".
std::string format_change(const std::optional<double>& change);

} // namespace zkbench::workflow
