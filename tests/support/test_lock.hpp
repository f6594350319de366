#pragma once
// Every test process measures under a machine lock of its own: the zkbench processes a test starts
// (run, ab, baseline, ...) take the machine lock, and a lock shared by parallel tests (ctest -j) would
// make them wait for each other and print "waiting for the machine" into output that tests parse; the
// user's /tmp/zkbench-<uid>.lock must not make tests wait either. A test of the lock itself sets
// ZKBENCH_LOCK_FILE to a path of its own; a ZKBENCH_LOCK_FILE already set when the tests start is kept.

#include <cstdio>
#include <cstdlib>
#include <string>

#include <unistd.h>

namespace zkbench::test {

struct PrivateMachineLock {
  PrivateMachineLock() : path("/tmp/zkbench-test-" + std::to_string(::getpid()) + ".lock") {
    m_set = ::setenv("ZKBENCH_LOCK_FILE", path.c_str(), 0) == 0 && path == std::getenv("ZKBENCH_LOCK_FILE");
  }
  ~PrivateMachineLock() {
    if (m_set) {
      std::remove(path.c_str());
    }
  }
  PrivateMachineLock(const PrivateMachineLock&) = delete;
  PrivateMachineLock& operator=(const PrivateMachineLock&) = delete;
  std::string path;

private:
  bool m_set = false;
};

inline const PrivateMachineLock k_private_machine_lock;

} // namespace zkbench::test
