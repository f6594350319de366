#pragma once
// One input of an experiment (or compound test), measured and judged: by default the baseline commit's
// build and the candidate's run alternately (A B B A) through the one run loop and verdict::AbJudge
// decides, as in `zkbench ab`; `--baseline stored` measures the candidate alone against the stored
// baseline after a drift test of fresh baseline runs. No git here: the callers give the two checkouts,
// so the verdict simulation (bench/verdicts) drives this very code behind a fake executor.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/run.hpp"
#include "util/error.hpp"
#include "verdict/decide.hpp"
#include "verdict/policy.hpp"
#include "verdict/sequential.hpp"
#include "project/config.hpp"
#include "project/inputs.hpp"
#include "project/status_file.hpp"
#include "workflow/measure_inputs.hpp"

namespace zkbench::project {
struct Workspace;
} // namespace zkbench::project

namespace zkbench::workflow {

/// What the candidate is compared with.
enum class BaselineMode {
  interleaved, // the baseline's build runs beside the candidate (default: drift falls on both sides)
  stored,      // the stored baseline's runs; a drift test of fresh baseline runs guards every input
};

struct InputJudgeOptions {
  RunOwner owner;                       // the sessions' owner ("experiment", "compound", "bisect")
  verdict::Strategy strategy = verdict::Strategy::sequential;
  BaselineMode mode = BaselineMode::interleaved;
  int runs = 10;                        // fixed: per side; sequential: the most per side (at least flaky_runs)
  // Sequential, interleaved: an input whose estimate is KEEP-sized but unsettled after `runs` pairs goes on
  // to this many times as many (verdict::SequentialOptions::budget_runs); 1: `runs` is the most.
  int extension_factor = 1;
  int min_runs = 3;                     // sequential: never stop before this many per side
  int futility_min_runs = 4;            // sequential: KEEP out of reach only decided from this many (bench/verdicts)
  bool futility = true;                 // sequential: the rule may stop when KEEP is out of this input's reach
  int inputs = 1;                       // inputs judged jointly: each input's rule runs at p_threshold / inputs
  // Sequential: the loop pauses at this many pairs per side (fewer than the rule's most) unless the rule
  // stopped before: the input is paused (comparison.paused), its figures those of its look there, so the experiment's
  // inputs can be looked at jointly (evaluate_checkout) and measured on. 0: the rule's own end.
  int pause_at = 0;
  int warmup = 0;                       // per side
  int drift_runs = 3;                   // stored mode: fresh baseline runs for the drift test
  std::filesystem::path baseline_dir;   // the baseline commit's build
  std::filesystem::path candidate_dir;  // the candidate's build
  project::StatusFile* status = nullptr;
};

/// How an input ended.
struct InputJudgement {
  verdict::CommandComparison comparison;     // every metric; decision = the input's verdict
  std::vector<verdict::Look> trace;          // sequential: the looks the rule made (primary metric)
  std::optional<verdict::Reach> reach;       // sequential: its futility projection's reach from these runs
  std::string metric;                        // what decided: the policy's primary metric, else "time"
  core::Benchmark baseline;                  // runs compared with (fresh in interleaved mode, stored otherwise)
  core::Benchmark candidate;
  std::string failure;                       // a command that broke: a crash, a hang, a verifier, the baseline's build
  bool baseline_broken = false;              // the failure is the baseline's (its build, its verifier): no verdict
  bool interrupted = false;                  // stopped by Ctrl-C: runs kept, no verdict
  std::size_t resumed_runs = 0;
  std::vector<std::string> warnings;         // drift of the stored baseline, throttled GPU runs
  double hang_guard_s = 0;                   // the per-run timeout that was applied
};

/// The per-run timeout of the workflow: a hang guard, far beyond a cold first run (8 x the timeout
/// multiplier x the stored baseline's median, at least 5 s). KILL is decided on the evidence instead.
double hang_guard_s(const core::Benchmark& stored, const verdict::Policy& policy);

/// The most runs per side an input may take under `options`: `runs`, or extension_factor times that where
/// the extension applies (sequential, interleaved); the budget is `runs` there.
int most_runs_per_side(const InputJudgeOptions& options);

/// The sizes (pairs per side) at which an experiment's inputs are looked at jointly (evaluate_checkout):
/// the claim looks of each input's rule under `options` (verdict::look_level > 0) before its budget. The
/// joint interval moves only where the inputs' intervals do, and they move at their claim looks.
std::vector<int> joint_looks(const verdict::Policy& policy, const InputJudgeOptions& options);

/// Measures `input` (prepared once: prepare_input) as `options` say and decides. `stored` is the stored
/// baseline's runs of the input.
/// Errors: the store, a command that cannot run at all.
Result<InputJudgement> judge_input(project::Workspace& ws, const project::InputSpec& input, const core::Benchmark& stored,
                                   const verdict::Policy& policy, const InputJudgeOptions& options);
Result<InputJudgement> judge_input(project::Workspace& ws, const PreparedInput& input, const core::Benchmark& stored,
                                   const verdict::Policy& policy, const InputJudgeOptions& options);

/// judge_input with the runs earlier attempts kept read already (project::kept_runs of `options.owner`):
/// `exp run` and `compound` read them once for every input. Errors: as judge_input's.
Result<InputJudgement> judge_kept_input(project::Workspace& ws, const PreparedInput& input, const core::Benchmark& stored,
                                        const project::KeptRuns& kept, const verdict::Policy& policy,
                                        const InputJudgeOptions& options);

} // namespace zkbench::workflow
