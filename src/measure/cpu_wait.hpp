#pragma once
// How long a run's process waited for a CPU: the run-queue delay the scheduler keeps per task
// (/proc/<pid>/schedstat: time on a CPU, time runnable but waiting for one, timeslices; kernels with
// CONFIG_SCHED_INFO, which Debian's have). Read from the child's zombie after it exited and before it is
// reaped (its pid cannot be reused until then), after the clock stopped: nothing of it is timed.
//
// Waiting for a CPU is what other work on the machine adds to a run's wall time (two compilers on 2 cores:
// a C program's wall time scattered by 15-36% robust CV, its wall time less this wait by about 1-3%);
// sleeping, I/O, locks and a GPU are the program's own waits and stay in. The figure covers one task, the
// process zkbench started, so it counts only when that process did the run's CPU work itself (at least
// k_own_cpu_share of the tree's user + system time): a command whose threads or children do the work (a
// shell pipeline, make, a multi-threaded prover) waits in tasks it does not cover, and gets none.

#include <cstdint>
#include <optional>
#include <string_view>

#include <sys/types.h>

namespace zkbench::measure {

/// The three figures of /proc/<pid>/schedstat, in nanoseconds (slices: a count).
struct SchedStat {
  std::uint64_t on_cpu_ns = 0;
  std::uint64_t waiting_ns = 0;
  std::uint64_t slices = 0;
};

/// The share of the process tree's CPU time the started process must have used itself.
inline constexpr double k_own_cpu_share = 0.95;

/// Parses "ON_CPU WAITING SLICES\n"; nullopt on anything else.
std::optional<SchedStat> parse_schedstat(std::string_view text);

/// /proc/<pid>/schedstat of `pid` (the caller's unreaped child); nullopt where the kernel has none.
std::optional<SchedStat> read_schedstat(pid_t pid);

/// The run's CPU wait in seconds: the waiting time its task added between `at_start` (read by the child
/// right before its clock reading: a new task's first wait for a CPU is before the run's clock) and
/// `at_end` (its zombie's), when that task did at least k_own_cpu_share of `tree_cpu_s` (the tree's
/// user + system time since the clock started) in that span; else nullopt (the wait of the tasks that did
/// the work is unknown). A run that used no measurable CPU time gets none either.
std::optional<double> cpu_wait_s(const SchedStat& at_start, const SchedStat& at_end, double tree_cpu_s);

} // namespace zkbench::measure
