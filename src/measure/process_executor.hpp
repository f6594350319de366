#pragma once
// Runs real commands: the Executor behind `zkbench run`.
//
// How a run is measured:
// - The command runs directly (exec of its words) unless it needs a shell (command_line.hpp,
//   ShellMode), then as `/bin/sh -c <text>`. Shell start-up is part of the time, never subtracted.
// - The child is started (clone sharing zkbench's memory until it execs, as posix_spawn does) and set up
//   before the clock starts: default signal dispositions, SIGKILL if
//   its zkbench dies (PR_SET_PDEATHSIG), its own process group, and where the machine allows it the
//   executor's cgroup (cgroup.hpp: v2, else v1 memory, one cgroup reused run after run; containment()
//   and ExecutionResult::containment say which was used); stdin is /dev/null (or --input); stdout and
//   stderr share one pipe, so the output keeps the order in which it was written. The output goes to
//   OutputSink (log, capture, echo). The child then reads CLOCK_MONOTONIC, writes the reading in the
//   memory it shares with zkbench (read once the clone returned, the child exec'd) and execs at once
//   (no go-word: no wake-up round trip between the processes; no pipe).
// - Wall time: CLOCK_MONOTONIC from the child's reading right before its exec to the moment the
//   child's exit is seen: the exec and the command, nothing of zkbench's set-up (hyperfine's window
//   holds its spawn). User/system CPU come from wait4() on that child (which includes the descendants
//   it waited for), plus any orphaned descendants reaped afterwards. Peak memory is the cgroup's
//   high-water mark since the run started (memory.peak, v1 memory.max_usage_in_bytes: the whole tree
//   at its peak, page cache it charged included); without a cgroup, the largest ru_maxrss of them
//   (which for a child started in zkbench's memory also counts zkbench's, as hyperfine's counts hyperfine's).
// - After the child exits, whatever is left of its process group (background grandchildren) is killed
//   with SIGKILL and reaped, so no process of a run outlives it or keeps the output pipe open. The
//   constructor makes zkbench a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so orphaned
//   grandchildren are re-parented to zkbench and reaped here. A descendant that leaves the group
//   (setsid, setpgid) is killed with the rest of the cgroup; without a cgroup it escapes, and its
//   output is read for at most k_drain_grace_s after the exit.
// - Timeout: SIGTERM to the whole group, SIGKILL k_kill_grace_s later; the run is timed_out.
// - Interrupt (interrupt.hpp): the same SIGTERM-then-SIGKILL, and the result is marked `interrupted`.

#include <map>
#include <optional>
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
  core::Containment containment() const { return m_containment; }

private:
  // The cgroup for the next run, readied (start_run) or made: before the clock starts. nullptr: none
  // can be made here, the runs are contained by process groups.
  RunCgroup* cgroup_for_run();
  // The program execvpe would run for `name` (a name without a slash), found along this process's PATH
  // once, not by every run's child (9 failed execs per run of `true`, inside the clock, where /usr/bin
  // is the 10th folder of PATH); "" where the child must search itself (see find_on_path).
  const std::string& resolve_program(const std::string& name);

  core::Containment m_containment = core::Containment::process_group;
  std::optional<RunCgroup> m_cgroup; // serves run after run (cgroup.hpp)
  bool m_no_cgroup = false;          // creating one failed: runs use process groups
  std::string m_read_buffer;         // the output pipe's reads, run after run (64 KiB, made once)
  // The programs found along PATH for argv[0]s without a slash (resolve_program), by argv[0], with the
  // PATH they were looked up in: once each, not by each run's child (ab and exp run alternate two).
  struct ResolvedProgram {
    std::string path;    // PATH when looked up: a new PATH looks up again
    std::string program; // "" where the child searches itself
  };
  std::map<std::string, ResolvedProgram, std::less<>> m_resolved;
};

} // namespace zkbench::measure
