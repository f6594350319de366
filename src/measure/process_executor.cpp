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
#include "measure/command_line.hpp"
#include "measure/cpu_wait.hpp"
#include "measure/interrupt.hpp"
#include "measure/output_sink.hpp"
#include "util/fd.hpp"
#include "util/strings.hpp"

extern char** environ; // NOLINT: POSIX

// GCC says __SANITIZE_ADDRESS__, clang (before 16) only __has_feature(address_sanitizer).
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ZKBENCH_HAS_ADDRESS_SANITIZER 1
#endif
#endif
#ifndef ZKBENCH_HAS_ADDRESS_SANITIZER
#define ZKBENCH_HAS_ADDRESS_SANITIZER 0
#endif

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

// The environment for the child: ours with `extra` set over it. Empty when nothing is added, meaning
// "inherit environ as is".
std::vector<std::string> build_environment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> entries;
  if (extra.empty()) {
    return entries;
  }
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::string name(text.substr(0, text.find('=')));
    if (extra.find(name) == extra.end()) {
      entries.emplace_back(text);
    }
  }
  for (const auto& [name, value] : extra) {
    entries.push_back(name + "=" + value);
  }
  return entries;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  result.reserve(strings.size() + 1);
  for (auto& s : strings) {
    result.push_back(s.data());
  }
  result.push_back(nullptr);
  return result;
}

// The child of a run. It does its whole set-up (signal dispositions, PR_SET_PDEATHSIG, its process
// group, joining the cgroup: milliseconds on cgroup v1, the redirections, chdir), then reads
// CLOCK_MONOTONIC (the steady clock's, through the vDSO: no system call), writes that reading in the
// memory it shares with zkbench and execs at once: the run's clock starts there, so the timed window
// holds the exec and the command, as hyperfine's holds the spawn and the command, and nothing of
// zkbench's set-up; no go-word, so no wake-up round trip between the two processes (issue 23: about
// 0.15 ms of harness time per run), and no pipe for the report (5 system calls per run).
//
// The child shares zkbench's memory until it execs (clone with CLONE_VM | CLONE_VFORK, as posix_spawn
// does), so that starting it copies no page tables and zkbench's next writes take no copy-on-write
// faults: a fork() of zkbench cost about 0.2 ms of harness time per run. zkbench's thread is suspended
// until the child exec'd or exited (CLONE_VFORK): the child's failing calls (execvpe's tries along
// PATH) write errno in the thread-local storage they share, and nothing of zkbench runs meanwhile to
// read it. The child has its own stack, file table, working folder and signal dispositions; it only
// makes system calls (no allocation) and writes nothing of zkbench's memory but its stack and its
// ChildReport, which zkbench reads once the clone returned: the report is final by then (the child
// exec'd, or wrote why it failed and exited), as posix_spawn's error code is.
// The signals the child sets back to their default disposition before it execs. An exec resets caught
// signals itself, but the child runs zkbench's handlers until then (sharing its memory: they must not
// run there) and ignored signals survive the exec (an ignored SIGPIPE must not leak into the command).
// Resetting every signal took 64 system calls per run; the dispositions that are not the default are
// read once per process instead, the first time a run starts, together with those zkbench itself
// catches (measure/interrupt.cpp, the only code of ours that changes a disposition) and SIGPIPE, in
// case they are changed after that first reading.
struct SignalsToReset {
  std::array<int, NSIG> signals{};
  int count = 0;
};

const SignalsToReset& signals_to_reset() {
  static const SignalsToReset reset = [] {
    SignalsToReset found;
    for (int sig = 1; sig < NSIG; ++sig) {
      if (sig == SIGKILL || sig == SIGSTOP) {
        continue; // they refuse
      }
      struct sigaction current {};
      const bool ours = sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGPIPE;
      if (ours || (::sigaction(sig, nullptr, &current) == 0 && current.sa_handler != SIG_DFL)) {
        found.signals.at(static_cast<std::size_t>(found.count++)) = sig;
      }
    }
    return found;
  }();
  return reset;
}

// The step a ChildReport is about: `starting` (the exec follows; `at_ns` is the clock reading), the
// one that failed (with its errno), or `none` (the child exited before it wrote a word).
enum class ChildStep : int { none, starting, join_cgroup, open_input, redirect, change_dir, exec };

struct ChildReport {
  ChildStep step = ChildStep::none;
  int error = 0;
  std::int64_t at_ns = 0; // CLOCK_MONOTONIC, `starting` only
  // Its own CPU time (CLOCK_THREAD_CPUTIME_ID: exact, where schedstat's on-CPU figure of a running task
  // lags by up to a tick) right before the clock reading; -1 where unreadable. wait4 counts the child's CPU
  // time from its clone, zkbench's set-up of it included (signal dispositions, joining its cgroup; in the
  // AddressSanitizer build the copy-on-write faults of its fork), which the clock leaves out of the wall
  // time: it is taken off the run's user + system time too (`true`: 1.70 ms of CPU time in 1.65 ms of wall
  // time before).
  std::int64_t cpu_ns = -1;
  // The child's /proc/thread-self/schedstat as read right before its clock reading (`starting` only;
  // length 0 where unreadable): the CPU wait before the clock, taken off the run's (measure/cpu_wait.hpp).
  std::array<char, 64> sched{};
  int sched_length = 0;
};

struct ChildLaunch {
  std::vector<std::string> env;
  std::vector<char*> argv_ptrs;
  std::vector<char*> env_ptrs;
  std::string dir;
  std::string input;
  const char* program = nullptr; // argv[0] found along PATH by zkbench (resolve_program); null: the child searches
  bool has_dir = false;
  int output_fd = -1;
  int cgroup_join_fd = -1;
  ChildReport* report = nullptr; // where the child writes: `own_report`, or a shared page (ASan's fork)
  ChildReport own_report;
  pid_t parent = 0;
  const SignalsToReset* reset_signals = nullptr;
  std::unique_ptr<char[]> stack; // the child's stack until it execs
};

// A child that exec'd: start_child returns only once it has (the clone waits for the exec, and the
// ASan build's fork for its close-on-exec pipe), so nothing of its launch is needed afterwards.
struct StartedChild {
  pid_t pid = -1;
  Clock::time_point started; // the child's clock reading right before its exec: the run's start
  Fd pidfd;                  // readable when the child exits (from the clone); -1 where the kernel gave none
  std::optional<SchedStat> sched_at_start; // its scheduler figures at `started` (measure/cpu_wait.hpp)
  double cpu_before_s = 0;                 // its CPU time at `started` (ChildReport::cpu_ns)
};

[[noreturn]] void child_fail(ChildReport& report, ChildStep step) {
  report.error = errno;
  report.step = step;
  ::_exit(127);
}

// In the child (sharing a multi-threaded process's memory): async-signal-safe calls only.
[[noreturn]] void child_main(char* const* argv, char* const* envp, const char* program, const char* dir,
                             const char* input, int output_fd, int cgroup_join_fd, ChildReport& report,
                             pid_t parent, const SignalsToReset& reset) {
  // Default dispositions (see SignalsToReset); the mask, blocked by the parent around the clone, is
  // cleared just before exec.
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int i = 0; i < reset.count; ++i) {
    ::sigaction(reset.signals[static_cast<std::size_t>(i)], &default_action, nullptr);
  }
  // Dies with the zkbench that measures it (kill -9 included): no run outlives its zkbench.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0L, 0L, 0L);
  if (::getppid() != parent) {
    ::_exit(127); // zkbench died before the line above
  }
  ::setpgid(0, 0); // its own process group, so a timeout can stop the whole tree
  if (cgroup_join_fd >= 0 && ::write(cgroup_join_fd, "0", 1) != 1) {
    child_fail(report, ChildStep::join_cgroup);
  }
  const int input_fd = ::open(input, O_RDONLY | O_CLOEXEC); // --input FILE, else /dev/null
  if (input_fd < 0) {
    child_fail(report, ChildStep::open_input);
  }
  if (::dup2(input_fd, STDIN_FILENO) < 0 || ::dup2(output_fd, STDOUT_FILENO) < 0 ||
      ::dup2(output_fd, STDERR_FILENO) < 0) {
    child_fail(report, ChildStep::redirect);
  }
  if (dir != nullptr && ::chdir(dir) != 0) {
    child_fail(report, ChildStep::change_dir);
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (const int sched_fd = ::open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC); sched_fd >= 0) {
    const ssize_t n = ::read(sched_fd, report.sched.data(), report.sched.size());
    report.sched_length = n > 0 && static_cast<std::size_t>(n) < report.sched.size() ? static_cast<int>(n) : 0;
    ::close(sched_fd);
  }
  timespec cpu{};
  if (::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu) == 0) {
    report.cpu_ns = std::int64_t{cpu.tv_sec} * 1'000'000'000 + cpu.tv_nsec;
  }
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  report.at_ns = std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
  report.step = ChildStep::starting;
  if (program != nullptr) {
    ::execve(program, argv, envp); // found by zkbench before the run: no tries along PATH in the clock
  }
  ::execvpe(argv[0], argv, envp); // the search itself where that failed (gone since; a script without #!)
  child_fail(report, ChildStep::exec);
}

// What the failed step means, in words ("Failed to run command 'foo': No such file or directory" for
// the exec: hyperfine's words).
std::string step_error(const ChildReport& report, const std::string& program, const CommandSpec& command) {
  const char* why = std::strerror(report.error);
  switch (report.step) {
  case ChildStep::join_cgroup:
    return fmt::format("cannot move '{}' into its cgroup: {}", program, why);
  case ChildStep::open_input:
    return fmt::format("cannot open the input of '{}', '{}': {}", program,
                       command.stdin_path ? command.stdin_path->string() : "/dev/null", why);
  case ChildStep::redirect:
    return fmt::format("cannot redirect the input and output of '{}': {}", program, why);
  case ChildStep::change_dir:
    return fmt::format("cannot change to the working directory '{}' for '{}': {}",
                       command.working_dir ? command.working_dir->string() : "", program, why);
  case ChildStep::none:
  case ChildStep::starting:
  case ChildStep::exec:
    break;
  }
  return fmt::format("Failed to run command '{}': {}", program, why);
}

void reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

int child_entry(void* data) {
  const auto& l = *static_cast<const ChildLaunch*>(data);
  child_main(l.argv_ptrs.data(), l.env.empty() ? environ : l.env_ptrs.data(), l.program,
             l.has_dir ? l.dir.c_str() : nullptr, l.input.c_str(), l.output_fd, l.cgroup_join_fd, *l.report, l.parent,
             *l.reset_signals);
}

// Starts the child in zkbench's memory (see child_main); returns once it exec'd or exited, its
// report final; -1 with errno on failure. `pidfd` gets the child's pidfd where the kernel gives one
// with the clone (CLONE_PIDFD, Linux 5.2), else stays -1.
pid_t spawn(ChildLaunch& launch, int& pidfd) {
#if defined(__SANITIZE_ADDRESS__) || ZKBENCH_HAS_ADDRESS_SANITIZER
  // AddressSanitizer's runtime cannot follow a child that shares its memory and stack bookkeeping:
  // a copy (fork) in that build only. The child writes its report in a shared page, and zkbench
  // waits for its exec (or exit) on a close-on-exec pipe, as the clone's CLONE_VFORK waits.
  void* page = ::mmap(nullptr, sizeof(ChildReport), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) {
    return -1;
  }
  launch.report = new (page) ChildReport{};
  int exec_pipe[2] = {-1, -1};
  if (::pipe2(exec_pipe, O_CLOEXEC) != 0) {
    ::munmap(page, sizeof(ChildReport));
    return -1;
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(exec_pipe[0]);
    child_entry(&launch);
  }
  const int fork_error = errno;
  ::close(exec_pipe[1]);
  char byte = 0;
  while (pid > 0 && ::read(exec_pipe[0], &byte, 1) < 0 && errno == EINTR) {
  }
  ::close(exec_pipe[0]);
  launch.own_report = *launch.report;
  launch.report = &launch.own_report;
  ::munmap(page, sizeof(ChildReport));
  errno = fork_error;
  (void)pidfd;
  return pid;
#else
  launch.report = &launch.own_report;
  // glibc's posix_spawn gives its child 32 KiB and the argument vector; execvpe's buffers are on it.
  const std::size_t size = (64u << 10) + launch.argv_ptrs.size() * sizeof(char*);
  launch.stack = std::make_unique_for_overwrite<char[]>(size); // untouched: pages come as the child uses them
  const auto top = (reinterpret_cast<std::uintptr_t>(launch.stack.get()) + size) & ~std::uintptr_t{15};
#ifdef CLONE_PIDFD
  // The pidfd comes with the clone (close-on-exec), saving a pidfd_open per run; a kernel that does
  // not know the flag ignores it and writes nothing.
  return ::clone(child_entry, reinterpret_cast<void*>(top), CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, &launch,
                 &pidfd);
#else
  (void)pidfd;
  return ::clone(child_entry, reinterpret_cast<void*>(top), CLONE_VM | CLONE_VFORK | SIGCHLD, &launch);
#endif
#endif
}

// Where execvpe would find `name` along `path` (the first entry holding an executable regular file);
// "" where it would not search (a name with a slash) or where a relative entry comes first (the child
// may change folder before its exec): the child searches then, as before.
std::string find_on_path(const std::string& name, std::string_view path) {
  if (name.empty() || name.find('/') != std::string::npos) {
    return {};
  }
  for (std::string candidate : util::split(path, ':')) {
    if (candidate.empty() || candidate.front() != '/') {
      return {};
    }
    candidate += '/';
    candidate += name;
    struct stat info {};
    if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return {};
}

// A descriptor that poll() reports readable when `pid` exits; -1 when the kernel has none (< 5.3).
// Called through syscall(): glibc 2.36's <sys/pidfd.h> declares pidfd_open without C linkage.
int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

// Starts the child: its set-up done, its clock reading taken, its exec done. Errors: a clone failure,
// a set-up step or the exec that failed (the child is reaped then), with the step's words.
Result<StartedChild> start_child(std::vector<std::string>& argv, const std::string& program,
                                 const CommandSpec& command, int output_fd, int cgroup_join_fd) {
  StartedChild child;
  ChildLaunch launch;
  launch.program = program.empty() ? nullptr : program.c_str();
  launch.env = build_environment(command.env);
  launch.argv_ptrs = pointers(argv);
  launch.env_ptrs = pointers(launch.env);
  launch.has_dir = command.working_dir.has_value();
  launch.dir = command.working_dir ? command.working_dir->string() : std::string();
  launch.input = command.stdin_path ? command.stdin_path->string() : "/dev/null";
  launch.output_fd = output_fd;
  launch.cgroup_join_fd = cgroup_join_fd;
  launch.parent = ::getpid();
  launch.reset_signals = &signals_to_reset();
  // Every signal blocked around the start: a handler of ours must never run in the child.
  sigset_t all;
  sigset_t saved;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &saved);
  int pidfd = -1;
  child.pid = spawn(launch, pidfd);
  const int spawn_error = errno; // read only when the clone failed: the child may have written it
  ::pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  if (child.pid < 0) {
    return make_error(fmt::format("cannot start '{}': {}", argv[0], std::strerror(spawn_error)));
  }
  child.pidfd = Fd(pidfd >= 0 ? pidfd : open_pidfd(child.pid));
  const ChildReport report = *launch.report; // final: the child exec'd, or exited
  if (report.step != ChildStep::starting) {
    reap(child.pid);
    return make_error(report.step == ChildStep::none
                          ? fmt::format("cannot start '{}': the child exited before it started", argv[0])
                          : step_error(report, argv[0], command));
  }
  child.started = Clock::time_point(std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(report.at_ns)));
  child.cpu_before_s = report.cpu_ns > 0 ? static_cast<double>(report.cpu_ns) * 1e-9 : 0.0;
  if (report.sched_length > 0) {
    child.sched_at_start =
        parse_schedstat(std::string_view(report.sched.data(), static_cast<std::size_t>(report.sched_length)));
  }
  return child;
}

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
  const char* path = std::getenv("PATH"); // execvpe searches the caller's PATH, not the child's environment
  std::string key = name;
  key.push_back('\0');
  key += path != nullptr ? path : "";
  auto found = m_resolved.find(key);
  if (found == m_resolved.end()) {
    found = m_resolved.emplace(std::move(key), find_on_path(name, path != nullptr ? path : "/bin:/usr/bin")).first;
  }
  return found->second;
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
