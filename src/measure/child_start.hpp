#pragma once
// Starting a run's child for ProcessExecutor (process_executor.cpp): set up before its own clock reading,
// taken right before its exec; see child_start.cpp for how and why. Internal to measure/.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

#include "measure/cpu_wait.hpp"
#include "measure/executor.hpp"
#include "util/error.hpp"
#include "util/fd.hpp"

namespace zkbench::measure {

// A child that exec'd: start_child returns only once it has (the clone waits for the exec, and the
// ASan build's fork for its close-on-exec pipe), so nothing of its launch is needed afterwards.
struct StartedChild {
  pid_t pid = -1;
  std::chrono::steady_clock::time_point started; // the child's clock reading right before its exec: the run's start
  util::Fd pidfd;                  // readable when the child exits (from the clone); -1 where the kernel gave none
  std::optional<SchedStat> sched_at_start; // its scheduler figures at `started` (measure/cpu_wait.hpp)
  double cpu_before_s = 0;                 // its CPU time at `started` (ChildReport::cpu_ns)
};

/// Starts the child of a run of `command` (argv from command_argv; `program`: argv[0] found along PATH,
/// "" for the child's own search): its set-up done, its clock reading taken, its exec done. Errors: a
/// clone failure, a set-up step or the exec that failed (the child is reaped then), with the step's words.
Result<StartedChild> start_child(std::vector<std::string>& argv, const std::string& program,
                                 const CommandSpec& command, int output_fd, int cgroup_join_fd);

/// Where execvpe would find `name` along `path` (the first entry holding an executable regular file);
/// "" where it would not search (a name with a slash) or where a relative entry comes first (the child
/// may change folder before its exec): the child searches then.
std::string find_on_path(const std::string& name, std::string_view path);

} // namespace zkbench::measure
