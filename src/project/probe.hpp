#pragma once
// Small probes of the machine for `zkbench env` and the pre-benchmark checks: finding a program on PATH
// and reading what a short command prints. Not for measured commands (measure/ runs those).

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace zkbench::project {

/// The full path of `program` found in $PATH (or `program` itself when it holds a '/' and is
/// executable); nullopt when not found.
std::optional<std::filesystem::path> find_on_path(const std::string& program);

struct ProbeOutput {
  int exit_code = -1;  // -1 when killed (timeout) or signaled
  std::string output;  // stdout and stderr together
};

/// Runs `argv` (no shell) in `cwd` (empty: ours) with stdin from /dev/null, and returns what it printed
/// (at most 1 MiB). It is killed after `timeout`. Errors: cannot start it (not found, fork failed).
Result<ProbeOutput> probe_command(const std::vector<std::string>& argv,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(10),
                                  const std::filesystem::path& cwd = {});

/// The current UTC time as ISO-8601 to the second: "2026-01-16T10:42:00Z".
std::string utc_now_iso8601();

} // namespace zkbench::project
