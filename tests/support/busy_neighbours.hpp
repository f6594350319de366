#pragma once
// Foreign CPU load for the e2e tests of the contention gate and of verdicts on a busy machine: copies of
// /bin/dash named `zkb_hog` spinning in busy loops, started and killed by the test (never children of
// zkbench), and the names of the other builds and tests sharing this machine, which those projects
// `ignore` so that what a test checks is its own load.

#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace zkbench::test {

// The other engineers' builds and tests on this machine, by process name: not a test's foreign load.
inline const char* const k_neighbours =
    "[cc1plus, cc1, as, ld, collect2, lto1, ninja, cmake, make, ctest, gcc, g++, c++, ccache, python3, node, "
    "chromium, git, sh, dash, bash, sleep, awk, mawk, gawk, unit_tests, e2e_tests, pg_tests, slurm_tests, "
    "bench_verdicts, bench_fill_store, zkbench, postgres, hyperfine, timeout, cat, grep, sed, sort, touch_memory]";

// Busy processes named zkb_hog. nice -5 (the tests run as root; else nice just warns) so that they
// get a clear share of the CPU even beside a dozen compilers.
class Hogs {
public:
  Hogs(const std::filesystem::path& dir, int count) {
    const auto hog = dir / "zkb_hog";
    std::filesystem::copy_file("/bin/dash", hog, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::permissions(hog, std::filesystem::perms::owner_all);
    for (int i = 0; i < count; ++i) {
      m_pids.push_back(spawn_process({"/usr/bin/nice", "-n", "-5", hog.string(), "-c", "while :; do :; done"},
                                     dir / ("hog" + std::to_string(i) + ".log")));
    }
  }
  ~Hogs() { stop(); }
  Hogs(const Hogs&) = delete;
  Hogs& operator=(const Hogs&) = delete;
  /// Kills them; returns when they are gone.
  void stop() {
    for (const pid_t pid : m_pids) {
      ::kill(pid, SIGKILL);
      (void)wait_process(pid);
    }
    m_pids.clear();
  }

private:
  std::vector<pid_t> m_pids;
};

} // namespace zkbench::test
