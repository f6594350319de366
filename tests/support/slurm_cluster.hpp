#pragma once
// Helpers of the Slurm tests (tests/slurm/): the one-node cluster scripts/slurm-test-cluster.sh started
// for ctest (fixture `slurm`), and waiting on the store's jobs.

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "support/fixtures.hpp"

namespace zkbench::test {

/// Points the Slurm tools at the test cluster (SLURM_CONF). Returns an empty string when it is up, else
/// why this machine cannot run one (the start script's reason: not root, packages missing), for
/// GTEST_SKIP. A missing cluster for any other reason fails the test.
inline std::string use_test_cluster() {
  const std::filesystem::path state = ZKBENCH_SLURM_STATE_DIR;
  std::error_code ec;
  if (std::filesystem::exists(state / "unavailable", ec)) {
    return read_file(state / "unavailable");
  }
  std::string conf = read_file(state / "conf");
  while (!conf.empty() && (conf.back() == '\n' || conf.back() == ' ')) {
    conf.pop_back();
  }
  if (conf.empty()) {
    ADD_FAILURE() << "no Slurm test cluster: " << (state / "conf").string()
                  << " is missing (ctest starts one with scripts/slurm-test-cluster.sh start " << state.string() << ")";
    return "";
  }
  ::setenv("SLURM_CONF", conf.c_str(), 1);
  return "";
}

/// Polls `done` every 200 ms until it is true or `limit` passes; returns its last answer.
inline bool wait_for(const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return true;
}

} // namespace zkbench::test
