#pragma once
// The run loop's port into the store: a session, its benchmarks, and each run as soon as it ends. Every
// backend implements it as part of store::Store (store.hpp); the loop (measure/run_loop.hpp) sees only this.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "core/run.hpp"
#include "util/error.hpp"

namespace zkbench::store {

/// One invocation of a measuring command (zkbench run, ab, baseline, exp run, ...).
struct SessionInfo {
  std::string kind;           // "run", "ab", "baseline", "experiment", ...
  std::string argv;           // the command line, for people
  std::string host;           // hostname
  std::string working_dir;
  std::int64_t started_at_us = 0;
  std::string machine_class;  // "h100", "rtx3090", ... ("" = not recorded); baselines compare within a class
};

enum class SessionStatus { running, complete, interrupted, failed };

/// "running", "complete", "interrupted", "failed" (the names stored in the database).
const char* to_string(SessionStatus status);
/// The inverse of to_string; nullopt for any other text.
std::optional<SessionStatus> session_status_from_string(std::string_view text);

/// The run loop's port (measure::run_benchmarks): a session, its benchmarks and each run as it ends.
class RunSink {
public:
  virtual ~RunSink() = default;
  /// Starts a session (status running, no finish time); returns its id.
  virtual Result<std::int64_t> begin_session(const SessionInfo& info) = 0;
  /// Marks a session finished with `status`, finish time now. Error: no such session.
  virtual Result<void> finish_session(std::int64_t session_id, SessionStatus status) = 0;
  /// Adds a benchmark (command, name, parameters; runs are ignored) to a session, after the ones
  /// already there; returns its id. Error: no such session.
  virtual Result<std::int64_t> add_benchmark(std::int64_t session_id, const core::Benchmark& benchmark) = 0;
  /// Adds one finished run (every field, metrics and GPU figures included) to a benchmark, durably;
  /// returns its id. Errors: no such benchmark; a run with the same index already in that benchmark.
  virtual Result<std::int64_t> add_run(std::int64_t benchmark_id, const core::Run& run) = 0;
  /// Replaces the contention figures of runs added with some (the gate judged the window that held
  /// them after they were stored), all in one transaction. Error: a run id without contention figures.
  virtual Result<void> update_contention(std::span<const std::pair<std::int64_t, core::RunContention>> runs) = 0;
  /// Where run logs and other files of this store live (created on demand).
  virtual std::filesystem::path artifacts_dir() const = 0;
  /// The store's location as the user gave it (file path or URL), for messages.
  virtual std::string location() const = 0;
};

} // namespace zkbench::store
