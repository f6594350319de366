#pragma once
// A cgroup for the measured runs, where the machine allows it: every process a command starts stays in
// it (setsid or double forks included), so the end of a run can kill all of them, and the cgroup's
// memory high-water mark is the run's exact peak memory (zkbench's own memory, such as the buffer that
// reads a huge output line, is in zkbench's cgroup, not the run's).
//
// Where: a child of the cgroup this process is in, `zkbench-<pid>-<n>`, in the cgroup v2 hierarchy when
// its memory controller is enabled there (memory.peak, cgroup.kill), else in the v1 memory hierarchy
// (memory.max_usage_in_bytes; killed process by process until empty). Neither writable: nullopt, and
// the executor falls back to process groups (core::Containment::process_group).
//
// One cgroup serves many runs (creating and removing a memory cgroup per run costs the harness time,
// and on v1 leaves dying cgroups behind): between runs it is empty and `start_run` resets its peak
// (v1: 0 written to memory.max_usage_in_bytes; v2: a write to memory.peak, Linux 6.12, which resets the
// peak seen through that open file). Where the peak cannot be reset (v2 before 6.12) a cgroup serves
// one run and the executor makes the next before the clock starts.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/run.hpp"
#include "util/error.hpp"

namespace zkbench::measure {

class RunCgroup {
public:
  /// A new, empty cgroup; nullopt where none can be made (no cgroup hierarchy with a memory controller
  /// that this process may write to). Never an error: the fallback is process groups.
  static std::optional<RunCgroup> create();

  RunCgroup(RunCgroup&& other) noexcept;
  RunCgroup& operator=(RunCgroup&&) = delete;
  RunCgroup(const RunCgroup&) = delete;
  RunCgroup& operator=(const RunCgroup&) = delete;
  /// Kills what is left in it and removes it.
  ~RunCgroup();

  /// cgroup_v2 or cgroup_v1.
  core::Containment method() const { return m_method; }
  /// Its folder: `zkbench-<pid>-<n>`, a child of the cgroup this process is in (empty once moved from).
  const std::filesystem::path& path() const { return m_dir; }
  /// The file a child joins by (v1 `tasks`, v2 `cgroup.procs`), opened for writing (close-on-exec): a
  /// single-threaded child writes "0" into it to join, before exec.
  int join_fd() const { return m_join_fd; }
  /// Readies it for the next run: empty, its peak reset to what is charged now; the page cache that
  /// earlier runs left charged is not the next run's (peak_memory_bytes subtracts it). False when it
  /// cannot serve another run (a member survived kill_all, or its peak cannot be reset and it served
  /// one already): make a new one.
  bool start_run();
  /// Whether it can serve another run after this one (see start_run).
  bool reusable() const { return m_resettable && !m_survivor; }
  /// The memory high-water mark in bytes since start_run, less the page cache charged then; nullopt
  /// when unreadable.
  std::optional<std::int64_t> peak_memory_bytes() const;
  /// SIGKILLs every process in it until it is empty (at most ~1 s against a fork storm). Returns the pids
  /// it saw, so that the caller can reap those that were its children.
  std::vector<int> kill_all();

private:
  RunCgroup(core::Containment method, std::filesystem::path dir, int join_fd, int peak_fd, bool resettable)
      : m_method(method), m_dir(std::move(dir)), m_join_fd(join_fd), m_peak_fd(peak_fd),
        m_resettable(resettable) {}
  std::optional<std::int64_t> read_peak() const;

  core::Containment m_method;
  std::filesystem::path m_dir;
  int m_join_fd = -1;           // the join file, opened for writing
  int m_peak_fd = -1;          // memory.peak / memory.max_usage_in_bytes, read (and reset) through it
  bool m_resettable = false;   // the peak file can be reset by writing to it
  int m_runs_started = 0;
  bool m_survivor = false;     // kill_all gave up with members left
  std::int64_t m_charged_at_start = 0; // page cache charged when the run started
};

} // namespace zkbench::measure
