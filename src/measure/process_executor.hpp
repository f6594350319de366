#pragma once
// Runs real commands: the Executor behind `zkbench run`.
//
// How a run is measured:
// - The command runs directly (posix_spawnp of its words) unless it needs a shell (command_line.hpp,
//   ShellMode), then as `/bin/sh -c <text>`. Shell start-up is part of the time, never subtracted.
// - The child leads its own process group, and where the machine allows it joins a cgroup of its own
//   before exec (cgroup.hpp: v2, else v1 memory; containment() says which was used); it gets SIGKILL
//   if its zkbench dies (PR_SET_PDEATHSIG). stdin is /dev/null; stdout and stderr share one pipe, so the
//   output keeps the order in which it was written. The output goes to OutputSink (log, capture, echo).
// - Wall time: CLOCK_MONOTONIC from just before the spawn to the moment the child's exit is seen.
//   User/system CPU come from wait4() on that child (which includes the descendants it waited for),
//   plus any orphaned descendants reaped afterwards. Peak memory is the cgroup's high-water mark
//   (memory.peak, v1 memory.max_usage_in_bytes: the whole tree at its peak, page cache it charged
//   included); without a cgroup, the largest ru_maxrss of them (which for a vfork/exec child also
//   counts the memory zkbench had when it started it).
// - After the child exits, whatever is left of its process group (background grandchildren) is killed
//   with SIGKILL and reaped, so no process of a run outlives it or keeps the output pipe open. The
//   constructor makes zkbench a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so orphaned
//   grandchildren are re-parented to zkbench and reaped here. A descendant that leaves the group
//   (setsid, setpgid) is killed with the rest of the cgroup; without a cgroup it escapes, and its
//   output is read for at most k_drain_grace_s after the exit.
// - Timeout: SIGTERM to the whole group, SIGKILL k_kill_grace_s later; the run is timed_out.
// - Interrupt (interrupt.hpp): the same SIGTERM-then-SIGKILL, and the result is marked `interrupted`.

#include <string>
#include <vector>

#include "measure/cgroup.hpp"
#include "measure/executor.hpp"
#include "util/error.hpp"

namespace zkbench::measure {

/// Seconds between SIGTERM and SIGKILL when a run times out or is interrupted.
inline constexpr double k_kill_grace_s = 2.0;
/// Seconds to keep reading output (and reaping) after the child exited and its group was killed.
inline constexpr double k_drain_grace_s = 2.0;

/// The argv that `command` runs as: {"/bin/sh", "-c", text} through the shell, else its words.
/// Errors: an empty command; an unterminated quote (split_words).
Result<std::vector<std::string>> command_argv(const CommandSpec& command);

class ProcessExecutor : public Executor {
public:
  /// Makes this process a child subreaper (once per process; see above).
  ProcessExecutor();

  /// Runs `command` once (see the file comment). A non-zero exit, a signal or a timeout is a result.
  /// When an interrupt was already requested, nothing is run and the result is `interrupted`.
  /// Errors: empty command or bad quoting; working directory missing; the log cannot be written;
  /// the program cannot be run ("Failed to run command 'foo': No such file or directory"); pipe/spawn failures.
  Result<ExecutionResult> execute(const CommandSpec& command, const ExecutionOptions& options) override;

  /// How the latest run was contained (process_group before the first run).
  ContainMethod containment() const { return m_containment; }

private:
  ContainMethod m_containment = ContainMethod::process_group;
};

} // namespace zkbench::measure
