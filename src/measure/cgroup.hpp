#pragma once
// A cgroup of its own for each measured run, where the machine allows it: every process the command
// starts stays in it (setsid or double forks included), so the end of a run can kill all of them, and
// the cgroup's memory high-water mark is the run's exact peak memory (zkbench's own memory, such as
// the buffer that reads a huge output line, is in zkbench's cgroup, not the run's).
//
// Where: a child of the cgroup this process is in, `zkbench-<pid>-<n>`, in the cgroup v2 hierarchy when
// its memory controller is enabled there (memory.peak, cgroup.kill), else in the v1 memory hierarchy
// (memory.max_usage_in_bytes; killed process by process until empty). Neither writable: nullopt, and
// the executor falls back to process groups (ContainMethod::process_group).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "util/error.hpp"

namespace zkbench::measure {

/// How a run's processes were held together (and its peak memory measured).
enum class ContainMethod { cgroup_v2, cgroup_v1, process_group };

/// "cgroup-v2", "cgroup-v1", "process-group".
const char* to_string(ContainMethod method);

class RunCgroup {
public:
  /// A new, empty cgroup for one run; nullopt where none can be made (no cgroup hierarchy with a memory
  /// controller that this process may write to). Never an error: the fallback is process groups.
  static std::optional<RunCgroup> create();

  RunCgroup(RunCgroup&& other) noexcept;
  RunCgroup& operator=(RunCgroup&&) = delete;
  RunCgroup(const RunCgroup&) = delete;
  RunCgroup& operator=(const RunCgroup&) = delete;
  /// Kills what is left in it and removes it.
  ~RunCgroup();

  ContainMethod method() const { return m_method; }
  /// cgroup.procs opened for writing (close-on-exec): a child writes "0" into it to join, before exec.
  int procs_fd() const { return m_procs_fd; }
  /// The cgroup's memory high-water mark in bytes since it was created; nullopt when unreadable.
  std::optional<std::int64_t> peak_memory_bytes() const;
  /// SIGKILLs every process in it until it is empty (at most ~1 s against a fork storm). Returns the pids
  /// it saw, so that the caller can reap those that were its children.
  std::vector<int> kill_all();

private:
  RunCgroup(ContainMethod method, std::filesystem::path dir, int procs_fd)
      : m_method(method), m_dir(std::move(dir)), m_procs_fd(procs_fd) {}
  ContainMethod m_method;
  std::filesystem::path m_dir;
  int m_procs_fd = -1;
};

} // namespace zkbench::measure
