#pragma once
// Processes in the background for end-to-end tests: start one with its output in a file, wait for
// it, wait for a condition it brings about (a file, a line in its log); whether a pid still lives is
// process_scan.hpp's.

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "support/process_scan.hpp"
#include "support/test_lock.hpp"

namespace zkbench::test {

/// Starts `argv` (argv[0] a path) with stdout+stderr to `log`; returns its pid.
inline pid_t spawn_process(const std::vector<std::string>& argv, const std::filesystem::path& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    FILE* out = std::freopen(log.c_str(), "w", stdout);
    if (out == nullptr || ::dup2(STDOUT_FILENO, STDERR_FILENO) < 0) {
      ::_exit(126);
    }
    std::vector<char*> args;
    std::vector<std::string> copies = argv;
    for (auto& arg : copies) {
      args.push_back(arg.data());
    }
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

/// Starts `zkbench <args>` (args as a shell would split them) in `dir`, with stdout+stderr to `log`
/// and no stdin; returns its pid. The zkbench process replaces the shell: the pid is zkbench's.
inline pid_t spawn_zkbench(const std::filesystem::path& dir, const std::string& args, const std::filesystem::path& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const std::string line = "cd '" + dir.string() + "' && exec '" + ZKBENCH_BINARY + "' " + args + " >'" +
                             log.string() + "' 2>&1 </dev/null";
    ::execl("/bin/sh", "sh", "-c", line.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

/// Waits for `pid`; returns its exit code (128 + signal when killed).
inline int wait_process(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) {
    return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/// Polls `condition` every 20 ms until it holds (true) or `limit` passed (false). The limit is a
/// safety net against a hang, never what the test decides on.
inline bool wait_until(const std::function<bool()>& condition,
                       std::chrono::milliseconds limit = std::chrono::seconds(60)) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= until) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

} // namespace zkbench::test
