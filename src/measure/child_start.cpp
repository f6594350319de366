// Starting a run's child (child_start.hpp): the clone that shares zkbench's memory until the exec, the
// child's set-up and its clock reading, and the program found along PATH once per command.
#include "measure/child_start.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>

#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

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

using Clock = std::chrono::steady_clock; // CLOCK_MONOTONIC on Linux
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

} // namespace

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

} // namespace zkbench::measure
