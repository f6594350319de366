#pragma once
// The seam between the run loop and real processes. `ProcessExecutor` (process_executor.hpp) runs real
// commands; unit tests and the verdict simulation put a fake behind the same interface, so the run loop
// and the decision code are tested without depending on the machine's speed.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/run.hpp"
#include "util/error.hpp"

namespace zkbench::measure {

/// How a command string is run.
enum class ShellMode {
  auto_detect, // through /bin/sh -c only when it has shell syntax (pipes, redirections, &&, ;, globs, $VAR)
  shell,       // always /bin/sh -c (--shell)
  no_shell,    // never: split into words like a shell would and exec directly (-N/--no-shell)
};

/// What to run.
struct CommandSpec {
  std::string text;                       // the command as the user wrote it (parameters substituted)
  ShellMode shell = ShellMode::auto_detect;
  std::map<std::string, std::string> env; // extra environment variables (e.g. the scan parameter)
  std::optional<std::filesystem::path> working_dir;
  std::vector<std::string> shell_argv;    // the shell for ShellMode::shell/auto_detect (empty: /bin/sh);
                                          // the command follows as `-c TEXT` (hyperfine's --shell)
  std::optional<std::filesystem::path> stdin_path; // the command's standard input (default: /dev/null)
};

/// How to run it.
struct ExecutionOptions {
  std::optional<double> timeout_s;        // kill the whole process group after this long
  bool show_output = false;               // also pass stdout/stderr through to zkbench's own
  std::optional<std::filesystem::path> log_path; // write stdout+stderr here (tail-bounded); created
                                                 // on the first output: no output, no file
  std::size_t log_limit_bytes = 8u << 20; // keep at most this much of the output (the tail) in the log
  bool capture_output = true;             // keep the output (tail-bounded) in ExecutionResult::output
  std::size_t capture_limit_bytes = 16u << 20;
};

/// What happened. A command that fails, crashes or times out is data here, not an error.
struct ExecutionResult {
  double wall_s = 0;
  double user_s = 0;
  double system_s = 0;
  std::int64_t peak_rss_bytes = 0;
  // How long the started process waited for a CPU (measure/cpu_wait.hpp); nullopt where unknown or where
  // other tasks (threads, children) did the run's CPU work.
  std::optional<double> cpu_wait_s;
  core::RunStatus status = core::RunStatus::success;
  std::optional<int> exit_code;
  std::optional<int> signal;
  std::string output;                     // stdout+stderr interleaved as written (tail-bounded)
  std::int64_t started_at_us = 0;
  std::int64_t finished_at_us = 0;
  // True when an interrupt (SIGINT/SIGTERM to zkbench, see interrupt.hpp) stopped this run: its
  // figures are not a measurement; the run loop stops and keeps the runs finished before.
  bool interrupted = false;
  std::uint64_t output_bytes = 0;         // everything the run wrote, before any cut
  std::optional<std::string> log_error;   // a write to the log failed mid-run (the run itself counts)
  bool log_created = false;               // options.log_path exists now (the run wrote output)
  core::Containment containment = core::Containment::unknown; // how the run's processes were held
};

class Executor {
public:
  virtual ~Executor() = default;
  /// Runs `command` once and waits for it (and its process group) to finish.
  /// Errors are for failures to run at all: unknown program, cannot fork, unwritable log path.
  virtual Result<ExecutionResult> execute(const CommandSpec& command, const ExecutionOptions& options) = 0;
};

} // namespace zkbench::measure
