#pragma once
// The steps every measuring workflow command shares (baseline, exp run, compound): generate inputs,
// build a checkout, hash the correctness outputs of an input, and measure an input through the one run
// loop (measure::run_benchmarks) with the workspace's executor and run monitor, one side (a baseline)
// or two sides alternately (the baseline's build and the candidate's: A B B A), linking each session to
// what it measured so an interrupted command resumes with the runs already kept.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/run.hpp"
#include "measure/executor.hpp"
#include "measure/run_loop.hpp"
#include "store/store.hpp"
#include "util/error.hpp"
#include "project/config.hpp"
#include "project/status_file.hpp"
#include "workflow/prepared_input.hpp"

namespace zkbench::project {
struct Workspace;
} // namespace zkbench::project

namespace zkbench::workflow {

/// Runs the project's build command in `work_dir` (nothing when none is configured); its output goes
/// to `log`. Error: the build failed ("build failed (exit 2): <last lines>").
Result<void> build_checkout(project::Workspace& ws, const std::filesystem::path& work_dir, const std::filesystem::path& log);

/// The build of `commit` kept in the worktree .zkbench/worktrees/<name> and built once: a `.zkbench-built`
/// stamp records the commit it was built at (the baseline's `baseline-<commit12>`, bisect's
/// `bisect-<commit12>`). `say` (optional) tells when it builds. Errors: git, the build failed.
Result<std::filesystem::path> kept_build(project::Workspace& ws, const std::string& commit, const std::string& name,
                                         const std::function<void(const std::string&)>& say);

/// Writes a generated input (inputs.yaml `generate:`) when it is missing or was made by another command
/// or seed (a `<file>.zkbench-generator` stamp beside it records which); an existing, matching file is
/// reused. Nothing for a file input. Error: the generator failed ("input 'x': the generator '...' failed
/// (exit 2): <last lines>") or wrote no file.
Result<void> ensure_input(project::Workspace& ws, const project::InputSpec& input);
Result<void> ensure_input(project::Workspace& ws, const PreparedInput& input);

/// What the correctness command gave: the SHA-256 of its stdout, or of the `outputs` files (names and
/// contents, in order) when listed; or that it ran past its timeout (hash empty).
struct CorrectnessResult {
  std::string hash;
  bool timed_out = false;
};

/// Runs the correctness command for `input` in `work_dir`, killed after `timeout_s` when given.
/// Error: the command fails or an output file is missing (the message says which), or cannot run.
Result<CorrectnessResult> correctness_hash(project::Workspace& ws, const project::InputSpec& input, const std::filesystem::path& work_dir,
                                           std::optional<double> timeout_s = std::nullopt);
Result<CorrectnessResult> correctness_hash(project::Workspace& ws, const PreparedInput& input,
                                           const std::filesystem::path& work_dir,
                                           std::optional<double> timeout_s = std::nullopt);

/// Reads the file a command wrote at `path`, relative to `work_dir`. Error: "<what> '<path>' was not written".
Result<std::string> read_written_file(const std::filesystem::path& path, const std::filesystem::path& work_dir,
                                      const std::string& what);

/// The last `lines` lines of `text` (trimmed), joined by " | ": a failed command's output in one line.
std::string tail_lines(const std::string& text, std::size_t lines);

/// One side of a measurement: which checkout runs the benchmark command, and its verifier.
struct SideSpec {
  std::string role;                  // "baseline" or "candidate": benchmark parameter `side`
  std::filesystem::path work_dir;
  measure::VerifyWhen verify = measure::VerifyWhen::every_run; // when correctness.verify runs (if set)
};

/// Whose runs these are: the record their sessions are linked to (a killed command resumes from the runs
/// linked to it) and how the sessions are named. One value from the command (`baseline`, `exp run`,
/// `compound`, `bisect`) down to the run loop.
struct RunOwner {
  std::string name;                  // "baseline:<commit>", "experiment", "compound", "bisect"
  std::int64_t id = 0;               // links sessions to this record
  std::string label;                 // the sessions' command line in `history`: "zkbench exp run 003"
  std::string session_kind;          // "baseline", "experiment", "compound", "bisect"
};

struct MeasureOptions {
  RunOwner owner;
  int runs = 10;                     // measured runs wanted per side in total (resumed runs count)
  /// `runs` more beyond those already kept (the fewest of a side): fresh runs on every attempt, as the
  /// drift test of a stored baseline measures the machine as it is now.
  bool beyond_kept = false;
  int warmup = 0;                    // per side, every attempt
  std::optional<double> timeout_s;   // per run: the hang guard
  /// Looks at every side's runs so far after each round; true: the evidence suffices (measure::StopRule).
  measure::StopRule enough;
  project::StatusFile* status = nullptr;      // updated at every run when given
  /// What decides on these runs ("sequential strategy, at most 20 runs per side, interleaved baseline"),
  /// kept as the benchmarks' parameter `settings`: runs kept under other settings are not resumed (error).
  std::string settings;
};

inline constexpr const char* k_settings_parameter = "settings";

struct InputMeasurement {
  std::vector<core::Benchmark> sides; // every kept run per side (SideSpec order), resumed ones first
  measure::LoopStatus end = measure::LoopStatus::complete; // never contended (an error instead)
  std::size_t resumed_runs = 0;      // runs found in the store from an earlier attempt (all sides)
  std::optional<std::size_t> failed_side; // which side failed, timed out or failed verification
  std::string message;               // what failed
  std::string verifier_output;       // verify_failed: the verifier's last lines
};

/// Measures `input` with the benchmark command on every side (alternately when there are two), through
/// the run loop with the workspace's executor and monitor. Runs already linked to the owner for this
/// input and side count towards `runs`; an earlier failed or timed-out run ends the input as before (a
/// killed zkbench must not turn a KILL into a KEEP); when every run is kept already, `enough` looks at
/// them once. Errors: the store fails, a command cannot run, runs kept under other `settings`.
Result<InputMeasurement> measure_input(project::Workspace& ws, const project::InputSpec& input, std::span<const SideSpec> sides,
                                       const MeasureOptions& options);
Result<InputMeasurement> measure_input(project::Workspace& ws, const PreparedInput& input,
                                       std::span<const SideSpec> sides, const MeasureOptions& options);

} // namespace zkbench::workflow
