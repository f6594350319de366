#pragma once
// One checkout judged against a baseline, the path `exp run`, `compound` and the verdict simulation
// (bench/verdicts) share: build, correctness against the baseline's output hashes, the baseline
// commit's build (kept), every input judged (judge_input), the inputs combined by weight. No git
// beyond the baseline's kept build: the callers give the checkout and say what it is measured for.

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/cost.hpp"
#include "core/experiment.hpp"
#include "core/run.hpp"
#include "store/workflow_records.hpp"
#include "util/error.hpp"
#include "verdict/decide.hpp"
#include "verdict/policy.hpp"
#include "verdict/sequential.hpp"
#include "workflow/comparison_base.hpp"
#include "workflow/input_verdict.hpp"
#include "project/status_file.hpp"

namespace zkbench::project {
struct Workspace;
} // namespace zkbench::project

namespace zkbench::workflow {

/// How far past its runs per side an input of `exp run` or `compound` whose estimate is KEEP-sized but
/// unsettled may go (InputJudgeOptions::extension_factor; a Slurm job's time limit counts it too).
/// bench/verdicts' reduced grid, 1000 trials per cell: at x2 the missed KEEP of a real 10% gain at CV 5%
/// under bursts and contention fell from 13.8-23.2% to 6.1-8.9%, at 62.2 -> 76.4 runs per experiment; at
/// x1.5 to 10.4-13.7% for 69.9; one budget of 30 runs for every input gave 6.8-8.2% for 75.1, with the
/// changes that do nothing measured further too.
inline constexpr int k_extension_factor = 2;

struct RunExperimentOptions {
  verdict::Strategy strategy = verdict::Strategy::sequential;
  BaselineMode baseline_mode = BaselineMode::interleaved;
  std::optional<int> runs;                      // overrides zkbench.yaml's runs
  project::StatusFile* status = nullptr;
  std::function<void(const std::string&)> say;  // progress lines
};

/// What evaluate_checkout measures for: names for messages and logs, the store owner its sessions are
/// linked to and the runs they kept (resumable).
struct EvaluationRequest {
  std::string label;        // "bench/001-x", for messages
  std::string log_name;     // build log .zkbench/logs/<log_name>-build.log
  RunOwner owner;           // whose sessions: "experiment" or "compound", its id, "zkbench exp run 003"
  std::string resume_hint;  // appended to the interrupt error
  project::KeptRuns kept;   // the runs earlier attempts kept (project::kept_runs of `owner`): resumed
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
  std::vector<PreparedInput> inputs; // every input of the project, its commands expanded (prepare_input)
};

/// Builds the checkout at `worktree`, checks every input's output against `base`'s baseline's hash (REJECT
/// without timing), measures each input with the policy's timeout (KILL) and compares it with the
/// baseline's runs (per input, then combined by weight). Errors: the store, an interrupt.
Result<CheckoutEvaluation> evaluate_checkout(project::Workspace& ws, const std::filesystem::path& worktree,
                                             const ComparisonBase& base, const EvaluationRequest& request,
                                             const RunExperimentOptions& options);

} // namespace zkbench::workflow
