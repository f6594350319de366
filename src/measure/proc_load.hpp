#pragma once
// The machine's CPU load as Linux's /proc shows it: the busy time of all CPUs (/proc/stat), the CPU
// time of each process (/proc/<pid>/stat), and zkbench's own (getrusage of itself and its reaped
// children). The contention gate (contention.hpp) and the pre-benchmark checks read it; the parsers are
// pure so they are tested on fixed text.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/fd.hpp"

namespace zkbench::measure {

/// One process from /proc/<pid>/stat.
struct ProcSample {
  int pid = 0;
  int ppid = 0;
  std::string name;            // comm, without the parentheses (at most 15 bytes: the kernel cuts it)
  std::uint64_t cpu_ticks = 0; // utime + stime, in clock ticks
};

/// /proc/<pid>/stat; the name may hold spaces and parentheses ("(tmux: server)"). nullopt: not that format.
std::optional<ProcSample> parse_proc_stat(std::string_view text);

/// The busy ticks of all CPUs from /proc/stat's "cpu" line: user, nice, system, irq, softirq and steal
/// (idle and iowait are not busy; guest time is already inside user). nullopt: not that format.
std::optional<std::uint64_t> parse_cpu_busy_ticks(std::string_view text);

/// Every process now (a process that ends while the list is read is skipped). Empty where /proc is missing.
std::vector<ProcSample> read_all_proc_stats();

/// The busy ticks of all CPUs (/proc/stat), on the file opened once: the gate reads it after every run,
/// and each pread at offset 0 has the kernel write the file afresh (the open and close cost a third of a
/// read).
class CpuBusyReader {
public:
  CpuBusyReader();
  /// nullopt where /proc/stat could not be opened or read.
  std::optional<std::uint64_t> read() const;

private:
  util::Fd m_fd;
};

/// Clock ticks per second (sysconf(_SC_CLK_TCK), 100 on Linux).
long ticks_per_second();

/// CPU seconds (user + system) used so far by this process (every thread) and its children that have
/// been waited for: zkbench's own tree, which is never foreign load.
double own_cpu_seconds();

} // namespace zkbench::measure
