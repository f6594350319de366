#pragma once
// End-to-end helper: runs the built zkbench binary through /bin/sh and captures what it prints.

#include <array>
#include <cstdio>
#include <string>

#include <sys/wait.h>

#include "support/test_lock.hpp"

namespace zkbench::test {

struct CliResult {
  int exit_code = -1;
  std::string output; // stdout and stderr together
};

/// Runs `command` through /bin/sh and returns what it prints on stdout, with its exit code.
inline CliResult run_shell(const std::string& command) {
  CliResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    return result;
  }
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    result.output.append(buffer.data(), n);
  }
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

/// Runs `ZKBENCH_BINARY <args>` (args is shell text, quote as needed) in `cwd`, stderr merged into stdout.
inline CliResult run_zkbench(const std::string& args, const std::string& cwd = ".") {
  return run_shell("cd '" + cwd + "' && '" + std::string(ZKBENCH_BINARY) + "' " + args + " 2>&1 </dev/null");
}

} // namespace zkbench::test
