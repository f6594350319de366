#pragma once
// One input measured by every measuring workflow command (baseline, exp run, compound, bisect) through
// the one run loop (measure::run_benchmarks) with the workspace's executor and run monitor, one side (a
// baseline) or two sides alternately (the baseline's build and the candidate's: A B B A), linking each
// session to what it measured so an interrupted command resumes with the runs already kept. What comes
// before (inputs generated, checkouts built, outputs checked) is in checkout_steps.hpp.

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
#include "project/linked_runs.hpp"
#include "util/error.hpp"
#include "project/config.hpp"
#include "project/status_file.hpp"
#include "workflow/prepared_input.hpp"

namespace zkbench::project {
struct Workspace;
} // namespace zkbench::project

namespace zkbench::workflow {

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

/// measure_input with the runs earlier attempts kept read already (project::kept_runs of the owner).
/// Errors: as measure_input's.
Result<InputMeasurement> measure_kept_input(project::Workspace& ws, const PreparedInput& input,
                                            std::span<const SideSpec> sides, const project::KeptRuns& kept,
                                            const MeasureOptions& options);

} // namespace zkbench::workflow
