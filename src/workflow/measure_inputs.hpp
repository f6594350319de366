#pragma once
// The steps every measuring workflow command shares (baseline, exp run, compound): build a checkout,
// hash the correctness outputs of an input, and measure an input through the run loop with the store,
// linking each session to what it measured so an interrupted command resumes with the runs already
// kept.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "core/run.hpp"
#include "measure/executor.hpp"
#include "store/store.hpp"
#include "util/error.hpp"
#include "workflow/config.hpp"
#include "workflow/status_file.hpp"

namespace zkbench::workflow {

/// Runs the project's build command in `work_dir` (nothing when none is configured); its output goes
/// to `log`. Error: the build failed ("build failed (exit 2): <last lines>").
Result<void> build_checkout(const ProjectConfig& config, const std::filesystem::path& work_dir,
                            const std::filesystem::path& log);

/// What the correctness command gave: the SHA-256 of its stdout, or of the `outputs` files (names and
/// contents, in order) when listed; or that it ran past its timeout (hash empty).
struct CorrectnessResult {
  std::string hash;
  bool timed_out = false;
};

/// Runs the correctness command for `input` in `work_dir`, killed after `timeout_s` when given.
/// Error: the command fails or an output file is missing (the message says which), or cannot run.
Result<CorrectnessResult> correctness_hash(const ProjectConfig& config, const InputSpec& input,
                                           const std::filesystem::path& work_dir,
                                           std::optional<double> timeout_s = std::nullopt);

/// Reads the file a command wrote: `path_template` expanded with `values` (unquoted: a path is one word),
/// relative to `work_dir`. Error: "<what> '<path>' was not written".
Result<std::string> read_written_file(const std::string& path_template, const Placeholders& values,
                                      const std::filesystem::path& work_dir, const std::string& what);

/// The last `lines` lines of `text` (trimmed), joined by " | ": a failed command's output in one line.
std::string tail_lines(const std::string& text, std::size_t lines);
/// How a command ended, for messages: "exit 2", "killed by signal 9", "timed out after 3.0 s".
std::string describe_end(const measure::ExecutionResult& result);

/// The scratch folder of `input` ({out}): .zkbench/out/<input> under the project root.
std::filesystem::path scratch_dir(const ProjectConfig& config, const InputSpec& input);

struct MeasureOptions {
  std::string owner;                 // "baseline", "experiment", "compound"
  std::int64_t owner_id = 0;         // links sessions to this record
  int runs = 10;                     // measured runs wanted in total (resumed runs count)
  int warmup = 0;
  double cooldown_s = 0;             // pause before every run
  std::optional<double> timeout_s;   // per run (KILL)
  /// Called after every kept run with all runs so far; true stops measuring this input (sequential).
  std::function<bool(const core::Benchmark&)> enough;
  StatusFile* status = nullptr;      // updated at every run when given
};

enum class InputEnd { measured, failed, timed_out, interrupted };

struct InputMeasurement {
  core::Benchmark bench;             // every kept run for this owner and input, resumed ones first
  InputEnd end = InputEnd::measured;
  std::size_t resumed_runs = 0;      // runs found in the store from an earlier attempt
  std::string message;               // what failed
};

/// Measures `input` with the benchmark command in `work_dir`. Runs already linked to the owner for
/// this input count towards `runs`; an earlier failed or timed-out run ends the input as before (a
/// killed zkbench must not turn a KILL into a KEEP). Errors: the store fails, a command cannot run.
Result<InputMeasurement> measure_input(store::Store& store, const Project& project, const InputSpec& input,
                                       const std::filesystem::path& work_dir, const MeasureOptions& options);

/// All runs linked to `owner`/`owner_id` for `input`, in session order.
Result<core::Benchmark> linked_runs(store::Store& store, const std::string& owner, std::int64_t owner_id,
                                    const std::string& input);

} // namespace zkbench::workflow
