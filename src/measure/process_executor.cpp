#include "measure/process_executor.hpp"
#include "util/clock.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <csignal>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <utility>

#include <fcntl.h>
#include <sched.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "measure/cgroup.hpp"
#include "measure/child_start.hpp"
#include "measure/command_line.hpp"
#include "measure/cpu_wait.hpp"
#include "measure/interrupt.hpp"
#include "measure/output_sink.hpp"
#include "util/fd.hpp"
#include "util/strings.hpp"

namespace zkbench::measure {
namespace {

// When the kernel gives no pidfd (or no interrupt self-pipe exists) the wait loop wakes this often
// to look for the child's exit or the interrupt flag.
constexpr int k_fallback_poll_ms = 20;
constexpr std::size_t k_read_chunk = 64u << 10;

using Clock = std::chrono::steady_clock; // CLOCK_MONOTONIC on Linux

double seconds(const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) * 1e-6; }

Clock::time_point after(Clock::time_point from, double secs) {
  return from + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(secs));
}

int ms_until(Clock::time_point when) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(when - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 1'000'000));
}

using util::Fd;

struct ChildUsage {
  double user_s = 0;
  double system_s = 0;
  long max_rss_kib = 0;

  void add(const rusage& usage) {
    user_s += seconds(usage.ru_utime);
    system_s += seconds(usage.ru_stime);
    max_rss_kib = std::max(max_rss_kib, usage.ru_maxrss);
  }
  /// Takes `cpu_s` off (system time first: the child's set-up is system calls and page faults), never
  /// below zero.
  void take_off(double cpu_s) {
    const double from_system = std::min(system_s, cpu_s);
    system_s -= from_system;
    user_s = std::max(0.0, user_s - (cpu_s - from_system));
  }
};

// Reads what is available from the pipe into the sink. Returns false at end of file.
bool read_output(int fd, OutputSink& sink, std::string& buffer) {
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n > 0) {
      sink.write(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
      return true;
    }
    if (n == 0) {
      return false;
    }
    if (errno == EINTR) {
      continue;
    }
    return errno == EAGAIN; // EAGAIN: nothing now; any other error: treat as the end
  }
}

// True when the child has exited (without reaping it, so its pid keeps naming the process group).
bool child_exited(pid_t pid) {
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid;
}

struct WaitOutcome {
  Clock::time_point exited_at;
  bool timed_out = false;
  bool interrupted = false;
  bool killed = false; // SIGKILL went to the group after the grace
};

// Streams the child's output until the child exits (not reaped: its pid keeps naming the group).
// Enforces the deadline and the interrupt flag with SIGTERM to the group, then SIGKILL after the grace.
// Sleeps in poll() on the pipe, the pidfd and the interrupt self-pipe: no busy waiting, no fixed sleeps.
WaitOutcome wait_for_exit(pid_t pid, int pidfd, Fd& read_end, OutputSink& sink, std::string& buffer,
                          std::optional<Clock::time_point> deadline) {
  WaitOutcome outcome;
  std::optional<Clock::time_point> kill_at; // set once SIGTERM went to the group
  const auto terminate = [&](Clock::time_point now) {
    ::kill(-pid, SIGTERM);
    kill_at = after(now, k_kill_grace_s);
  };
  for (;;) {
    const int wake_fd = kill_at ? -1 : interrupt_wakeup_fd(); // once stopping, the flag is moot
    std::array<pollfd, 3> polled{};
    nfds_t count = 0;
    std::optional<nfds_t> pipe_slot;
    std::optional<nfds_t> pid_slot;
    if (read_end.get() >= 0) {
      pipe_slot = count;
      polled[count++] = {read_end.get(), POLLIN, 0};
    }
    if (pidfd >= 0) {
      pid_slot = count;
      polled[count++] = {pidfd, POLLIN, 0};
    }
    if (wake_fd >= 0) {
      polled[count++] = {wake_fd, POLLIN, 0};
    }
    int wait_ms = -1;
    if (kill_at) {
      wait_ms = outcome.killed ? -1 : ms_until(*kill_at);
    } else if (deadline) {
      wait_ms = ms_until(*deadline);
    }
    if (pidfd < 0 || (wake_fd < 0 && !kill_at)) {
      wait_ms = wait_ms < 0 ? k_fallback_poll_ms : std::min(wait_ms, k_fallback_poll_ms);
    }
    const int ready = ::poll(polled.data(), count, wait_ms);
    if (ready < 0 && errno != EINTR) {
      ::kill(-pid, SIGKILL); // cannot happen with valid descriptors; the caller reaps the child
      outcome.killed = true;
      break;
    }
    if (pipe_slot && (polled[*pipe_slot].revents & (POLLIN | POLLHUP | POLLERR)) != 0 &&
        !read_output(read_end.get(), sink, buffer)) {
      read_end.reset();
    }
    if (pid_slot ? (polled[*pid_slot].revents & POLLIN) != 0 : child_exited(pid)) {
      break;
    }
    const auto now = Clock::now();
    if (!kill_at && interrupt_requested()) {
      outcome.interrupted = true;
      terminate(now);
    }
    if (!kill_at && deadline && now >= *deadline) {
      outcome.timed_out = true;
      terminate(now);
    }
    if (kill_at && !outcome.killed && now >= *kill_at) {
      ::kill(-pid, SIGKILL);
      outcome.killed = true;
    }
  }
  outcome.exited_at = Clock::now();
  return outcome;
}

// After the child exited and its group got SIGKILL: read the rest of the output until every writer
// is gone (or the grace ends: a descendant that left the group may hold the pipe forever).
void drain_output(Fd& pipe_fd, OutputSink& sink, std::string& buffer) {
  const auto until = after(Clock::now(), k_drain_grace_s);
  while (pipe_fd.get() >= 0) {
    pollfd p{pipe_fd.get(), POLLIN, 0};
    const int ready = ::poll(&p, 1, ms_until(until));
    if (ready == 0) {
      break;
    }
    if (ready < 0 && errno != EINTR) {
      break;
    }
    if (ready > 0 && !read_output(pipe_fd.get(), sink, buffer)) {
      break;
    }
  }
  pipe_fd.reset();
}

// Reaps what is left of process group `pgid` (orphans re-parented to us as subreaper), adding their
// usage, until the group is empty or the grace ends.
void reap_group(pid_t pgid, ChildUsage& usage) {
  const auto until = after(Clock::now(), k_drain_grace_s);
  for (;;) {
    int status = 0;
    rusage ru{};
    const pid_t reaped = ::wait4(-pgid, &status, WNOHANG, &ru);
    if (reaped > 0) {
      usage.add(ru);
      continue;
    }
    if (::kill(-pgid, 0) != 0 || Clock::now() >= until) {
      return; // the group is gone (ESRCH)
    }
    if (reaped == 0) {
      // Children of ours remain in the group; they got SIGKILL, so this returns soon.
      if (::wait4(-pgid, &status, 0, &ru) > 0) {
        usage.add(ru);
      }
      continue;
    }
    // Members remain that are not (yet) our children: being re-parented, or reaped by someone else.
    const timespec pause{0, 1'000'000};
    ::nanosleep(&pause, nullptr);
  }
}

// True when zkbench has no child process left at all, reaped or not. Then nothing the run started is
// alive: zkbench is a subreaper, so every living descendant is either its child or has a living parent
// among its descendants (an orphan is re-parented to the nearest living subreaper above it, zkbench at
// worst), which leads up to a child of zkbench. Any child at all (the run's escapee, or a process of
// zkbench's own that has nothing to do with the run) sends the caller to the cgroup's member list.
// Set once, by the first ProcessExecutor (PR_SET_CHILD_SUBREAPER); false where the kernel refused.
std::atomic<bool> g_subreaper{false};

bool no_child_left() {
  if (!g_subreaper) {
    return false; // orphans went to init: only the member list knows
  }
  siginfo_t info{};
  return ::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 && errno == ECHILD;
}

// Reaps the escaped processes (killed by RunCgroup::kill_all) that were re-parented to us as subreaper,
// adding their usage; others (ECHILD) were someone else's to reap.
void reap_escaped(const std::vector<int>& pids, ChildUsage& usage) {
  const auto until = after(Clock::now(), k_drain_grace_s);
  for (const int pid : pids) {
    for (;;) {
      int status = 0;
      rusage ru{};
      const pid_t reaped = ::wait4(pid, &status, WNOHANG, &ru);
      if (reaped > 0) {
        usage.add(ru);
      }
      if (reaped != 0 || Clock::now() >= until) {
        break;
      }
      const timespec pause{0, 1'000'000};
      ::nanosleep(&pause, nullptr);
    }
  }
}

} // namespace

Result<std::vector<std::string>> command_argv(const CommandSpec& command) {
  if (util::trim(command.text).empty()) {
    return make_error("empty command: nothing to run");
  }
  const bool use_shell = command.shell == ShellMode::shell ||
                         (command.shell == ShellMode::auto_detect && has_shell_syntax(command.text));
  if (use_shell) {
    std::vector<std::string> argv = command.shell_argv;
    if (argv.empty()) {
      argv.emplace_back("/bin/sh");
    }
    argv.insert(argv.end(), {"-c", command.text});
    return argv;
  }
  auto words = split_words(command.text);
  if (words && words->empty()) {
    return make_error(fmt::format("empty command: nothing to run in '{}'", command.text));
  }
  return words;
}

RunCgroup* ProcessExecutor::cgroup_for_run() {
  if (m_cgroup && !m_cgroup->start_run()) {
    m_cgroup.reset();
  }
  if (!m_cgroup && !m_no_cgroup) {
    if (auto made = RunCgroup::create()) {
      m_cgroup.emplace(std::move(*made));
    }
    m_no_cgroup = !m_cgroup; // decided once: every run of this executor is contained the same way
    if (m_cgroup && !m_cgroup->start_run()) {
      m_cgroup.reset(); // cannot happen for a new, empty cgroup
    }
  }
  return m_cgroup ? &*m_cgroup : nullptr;
}

const std::string& ProcessExecutor::resolve_program(const std::string& name) {
  // execvpe searches the caller's PATH, not the child's environment (glibc's default where it is unset).
  const char* set = std::getenv("PATH");
  const std::string_view path = set != nullptr ? set : "/bin:/usr/bin";
  auto found = m_resolved.find(name);
  if (found == m_resolved.end()) {
    found = m_resolved.emplace(name, ResolvedProgram{}).first;
  } else if (found->second.path == path) {
    return found->second.program; // the run after run case: no allocation
  }
  found->second.path = path;
  found->second.program = find_on_path(name, path);
  return found->second.program;
}

ProcessExecutor::ProcessExecutor() {
  static std::once_flag once;
  // Best effort: without it (very old kernels) orphans go to init and are only killed, not reaped here.
  std::call_once(once, [] { g_subreaper = ::prctl(PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L) == 0; });
}

Result<ExecutionResult> ProcessExecutor::execute(const CommandSpec& command,
                                                 const ExecutionOptions& options) {
  ExecutionResult result;
  if (interrupt_requested()) {
    result.interrupted = true;
    result.status = core::RunStatus::signaled;
    return result;
  }
  ZKBENCH_TRY_ASSIGN(argv, command_argv(command));
  if (command.working_dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(*command.working_dir, ec)) {
      return make_error(fmt::format("working directory '{}' does not exist or is not a folder",
                                    command.working_dir->string()));
    }
  }
  ZKBENCH_TRY_ASSIGN(sink, OutputSink::open(options));
  int fds[2] = {-1, -1};
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return make_error(fmt::format("cannot create a pipe for '{}': {}", command.text, std::strerror(errno)));
  }
  Fd read_end(fds[0]);
  Fd write_end(fds[1]);
  // Our end stays blocking, as the child's: it is read only after poll() said it is readable (or hung
  // up), which one read never blocks on (one system call per run less than making it non-blocking).
  // Made once and reused: clearing 64 KiB per run was a fifth of zkbench's instructions per run of
  // `true` (callgrind).
  std::string& buffer = m_read_buffer;
  buffer.resize(k_read_chunk);

  RunCgroup* cgroup = cgroup_for_run();
  m_containment = cgroup ? cgroup->method() : core::Containment::process_group;
  result.containment = m_containment;

  // Starts the child, set up (its cgroup joined) before its clock reading: none of that is timed.
  auto started = start_child(*argv, resolve_program(argv->front()), command, write_end.get(),
                             cgroup ? cgroup->join_fd() : -1);
  write_end.reset(); // the child holds its copies; EOF comes when the last writer is gone
  if (!started) {
    return tl::unexpected(started.error());
  }
  result.started_at_us = util::unix_now_us();
  const auto start = started->started;
  const pid_t pid = started->pid;
  Fd pidfd = std::move(started->pidfd); // readable when the child exits; -1 on kernels before 5.3

  std::optional<Clock::time_point> deadline;
  if (options.timeout_s) {
    // The steady clock counts nanoseconds in 64 bits (overflow past ~292 years); a timeout of years
    // already means no practical limit, so clamp rather than let 1e10 s wrap to a deadline in the past.
    constexpr double k_max_timeout_s = 1e8;
    deadline = after(start, std::min(*options.timeout_s, k_max_timeout_s));
  }
  const WaitOutcome waited = wait_for_exit(pid, pidfd.get(), read_end, *sink, buffer, deadline);
  const Clock::time_point end = waited.exited_at;
  result.finished_at_us = util::unix_now_us();
  result.interrupted = waited.interrupted;
  // Its wait for a CPU, from the zombie's scheduler figures (measure/cpu_wait.hpp): after the clock, and
  // only where the child could read its own at the start (the kernel has them).
  const std::optional<SchedStat> sched = started->sched_at_start ? read_schedstat(pid) : std::nullopt;

  // The child is a zombie, so `pid` still names its process group: kill what is left of it before
  // reaping, so the group id cannot have been reused by then.
  ::kill(-pid, SIGKILL);
  int status = 0;
  rusage ru{};
  ChildUsage usage;
  while (::wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {
  }
  usage.add(ru);
  // What is left of the group, then whatever left the group but not the cgroup (setsid, double
  // forks): the pipe's last writers. Only when something of the run may be left (zkbench has a child
  // still): the group's reaping and reading the cgroup's member list took a tenth of zkbench's own time
  // per run of a short command (issue 23).
  std::vector<int> escaped;
  if (!no_child_left()) {
    reap_group(pid, usage);
    if (cgroup != nullptr && !no_child_left()) {
      escaped = cgroup->kill_all();
    }
  }
  drain_output(read_end, *sink, buffer);
  reap_escaped(escaped, usage);

  result.wall_s = std::chrono::duration<double>(end - start).count();
  usage.take_off(started->cpu_before_s); // its set-up before the clock (ChildReport::cpu_ns)
  result.user_s = usage.user_s;
  result.system_s = usage.system_s;
  if (sched) {
    result.cpu_wait_s = cpu_wait_s(*started->sched_at_start, *sched, usage.user_s + usage.system_s);
  }
  result.peak_rss_bytes = static_cast<std::int64_t>(usage.max_rss_kib) * 1024; // ru_maxrss is KiB
  if (const auto peak = cgroup ? cgroup->peak_memory_bytes() : std::nullopt) {
    // The cgroup's high-water mark: the whole tree's memory at its peak, none of zkbench's (ru_maxrss
    // of a child started by vfork/exec also counts the memory zkbench had when it started it).
    result.peak_rss_bytes = *peak;
  }
  if (m_cgroup && !m_cgroup->reusable()) {
    m_cgroup.reset(); // removed now, after the clock; the next run gets a new one before its clock
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
    result.status = *result.exit_code == 0 ? core::RunStatus::success : core::RunStatus::failed;
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
    result.status = core::RunStatus::signaled;
  }
  if (waited.timed_out) {
    result.status = core::RunStatus::timed_out;
    if (!result.signal) {
      result.signal = waited.killed ? SIGKILL : SIGTERM; // it exited on its own after our signal
    }
  }
  result.log_error = sink->finish();
  result.log_created = sink->log_created();
  result.output_bytes = sink->total_bytes();
  result.output = sink->take_capture();
  return result;
}

} // namespace zkbench::measure
