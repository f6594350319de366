#pragma once
// Processes in the background for end-to-end tests: start one with its output in a file, wait for
// it, wait for a condition it brings about (a file, a line in its log), see whether a pid still lives.

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

/// True while a process `pid` exists and is not a zombie (/proc/<pid>/stat state is not 'Z').
inline bool process_running(pid_t pid) {
  FILE* stat = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (stat == nullptr) {
    return false;
  }
  char text[512] = {};
  const std::size_t n = std::fread(text, 1, sizeof text - 1, stat);
  std::fclose(stat);
  const std::string line(text, n);
  const auto paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
}

/// True while a process whose command line is exactly "sleep <seconds>" exists (tests sleep for odd
/// durations such as "31.<their pid>" to find their own).
inline bool sleep_running(const std::string& seconds) {
  const std::string wanted = std::string("sleep") + '\0' + seconds + '\0';
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    std::string cmdline;
    if (FILE* file = std::fopen((entry.path() / "cmdline").c_str(), "rb")) {
      char buffer[256];
      cmdline.assign(buffer, std::fread(buffer, 1, sizeof buffer, file));
      std::fclose(file);
    }
    if (cmdline == wanted && process_running(std::stoi(name))) {
      return true;
    }
  }
  return false;
}

} // namespace zkbench::test
