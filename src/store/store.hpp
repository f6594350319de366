#pragma once
// The store: every session, benchmark and run zkbench measures, kept as soon as it is measured.
// One interface, several backends (SQLite now, PostgreSQL later); callers never see SQL.
//
// Contract for every backend:
// - each add_* call is one transaction: when it returns, the row is durable, so a zkbench killed
//   afterwards loses nothing that was measured;
// - the schema is versioned; opening a store migrates it forward, and refuses a store whose schema
//   is newer than this binary knows.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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
};

enum class SessionStatus { running, complete, interrupted, failed };

struct SessionRecord {
  std::int64_t id = 0;
  SessionInfo info;
  SessionStatus status = SessionStatus::running;
  std::optional<std::int64_t> finished_at_us;
};

class Store {
public:
  virtual ~Store() = default;

  /// Starts a session; returns its id.
  virtual Result<std::int64_t> begin_session(const SessionInfo& info) = 0;
  /// Marks a session finished with `status`.
  virtual Result<void> finish_session(std::int64_t session_id, SessionStatus status) = 0;

  /// Adds a benchmark (command, name, parameters; runs are ignored) to a session; returns its id.
  virtual Result<std::int64_t> add_benchmark(std::int64_t session_id, const core::Benchmark& benchmark) = 0;
  /// Adds one finished run to a benchmark, durably; returns its id.
  virtual Result<std::int64_t> add_run(std::int64_t benchmark_id, const core::Run& run) = 0;

  /// Sessions, newest first (at most `limit`).
  virtual Result<std::vector<SessionRecord>> list_sessions(std::size_t limit) = 0;
  /// The benchmarks of a session, with all their runs, in the order they were added.
  virtual Result<std::vector<core::Benchmark>> load_benchmarks(std::int64_t session_id) = 0;

  /// The schema version of the open store.
  virtual int schema_version() const = 0;
  /// Where run logs and other files of this store live (created on demand).
  virtual std::filesystem::path artifacts_dir() const = 0;
};

/// The default store location: `.zkbench/zkbench.db` under `project_dir`.
std::filesystem::path default_store_path(const std::filesystem::path& project_dir);

/// Opens (creating and migrating as needed) the store at `location`: a file path for SQLite
/// (later also a postgresql:// URL). Errors say which file and why.
Result<std::unique_ptr<Store>> open_store(const std::string& location);

} // namespace zkbench::store
