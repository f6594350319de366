#pragma once
// Processes looked up in /proc, for tests that check that no process of a run is left: whether a pid
// still runs, whether a test's own odd-length `sleep` still exists. No zkbench binary needed: the
// executor's unit tests use it as well as the end-to-end suite.

#include <cstdio>
#include <filesystem>
#include <string>

#include <sys/types.h>

namespace zkbench::test {

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
