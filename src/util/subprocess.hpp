#pragma once
// Running a small helper program (nvidia-smi, `cargo-zisk --version`, …) and capturing what it prints.
// Not the measurement path (see measure/): no resource figures, just the output, the exit status and a
// hard timeout, so a hung tool can never hang zkbench.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace zkbench::util {

/// What a captured program did. A non-zero exit or a timeout is data here, not an error.
struct CapturedOutput {
  std::optional<int> exit_code; // set when the program exited on its own
  bool timed_out = false;       // killed (with its process group) after the timeout
  std::string output;           // stdout and stderr interleaved, at most `limit_bytes` (the head)
};

/// Runs `argv` (argv[0] looked up on PATH) with stdin from /dev/null, stdout and stderr captured
/// together, in its own process group, in folder `cwd` (empty: ours); kills the group after `timeout_s`
/// seconds. Errors: empty argv, the program cannot be found or started (a missing `cwd` included),
/// pipe/poll failures.
Result<CapturedOutput> capture_output(const std::vector<std::string>& argv, double timeout_s,
                                      std::size_t limit_bytes = 4u << 20, const std::filesystem::path& cwd = {});

/// The full path of `program` found on PATH (or `program` itself when it contains a '/' and is
/// executable); nullopt when there is none.
std::optional<std::filesystem::path> find_program(const std::string& program);

} // namespace zkbench::util
