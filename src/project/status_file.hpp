#pragma once
// The status file a measuring zkbench keeps up to date (.zkbench/status.json) so that `zkbench status`
// in another terminal says what runs: which experiment, which input, run i/N, elapsed time, an ETA.
// Written atomically on every change; removed when the measuring command ends normally. A status file
// whose pid is gone belongs to a zkbench that was killed.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "util/error.hpp"

namespace zkbench::project {

struct StatusInfo {
  int pid = 0;
  std::string command;        // "exp run 001", "baseline"
  std::string phase;          // "build", "correctness", "measure", "compare"
  std::string input;          // the input being measured
  int input_index = 0;        // 1-based
  int input_count = 0;
  int run = 0;                // 1-based run being measured (0: warmup or not measuring)
  int runs = 0;               // runs planned for this input
  std::int64_t started_at_us = 0;
  std::int64_t updated_at_us = 0;
  std::optional<double> eta_s; // seconds left, estimated from the runs so far
  std::string log;            // the detached log file, when detached
  std::string waiting;        // the contention gate's line while it waits for a quiet machine, else ""
};

/// .zkbench/status.json under the project root.
std::filesystem::path status_path(const std::filesystem::path& root);

std::string format_status_json(const StatusInfo& status);
/// Error: unreadable JSON (a half-written file cannot happen: writes are atomic).
Result<StatusInfo> parse_status_json(const std::string& text);

/// Keeps the status file of one measuring command.
class StatusFile {
public:
  StatusFile(std::filesystem::path path, StatusInfo initial);
  ~StatusFile();
  StatusFile(const StatusFile&) = delete;
  StatusFile& operator=(const StatusFile&) = delete;

  StatusInfo& info() { return m_info; }
  /// Writes the file now (best effort: a status file never stops a measurement).
  void write();

private:
  std::filesystem::path m_path;
  StatusInfo m_info;
};

/// True when a process with `pid` runs (a zombie, killed and not yet reaped, does not).
bool process_alive(int pid);

/// Microseconds since the Unix epoch.
std::int64_t now_us();

} // namespace zkbench::project
