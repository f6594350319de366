// Two real processes that both want to measure: with the machine lock they never measure at the same time,
// and the one that waits is told who holds the machine.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include "support/fixtures.hpp"
#include "project/machine_lock.hpp"

using namespace zkbench::project;
using zkbench::test::read_file;
using zkbench::test::TempDir;

namespace {

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// In a child process: three times, take the lock, "measure" for 100 ms, log start and end, release.
[[noreturn]] void measure_in_child(const std::filesystem::path& lock, const std::filesystem::path& log,
                                   const std::string& who, int go_fd) {
  char go = 0;
  if (::read(go_fd, &go, 1) != 1) { // start together, so that one of them has to wait
    ::_exit(3);
  }
  LockOptions options;
  options.path = lock;
  options.poll_interval = std::chrono::milliseconds(10);
  std::ofstream out(log, std::ios::app);
  options.on_wait = [&](const LockHolder& holder, std::chrono::milliseconds) {
    out << who << " waits-for " << holder.pid << "\n" << std::flush;
  };
  for (int i = 0; i < 3; ++i) {
    auto held = MachineLock::acquire(who, options);
    if (!held) {
      ::_exit(2);
    }
    out << who << " start " << now_us() << "\n" << std::flush;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    out << who << " end " << now_us() << "\n" << std::flush;
    held->release();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::_exit(0);
}

} // namespace

TEST(WorkflowMachineLockE2e, two_processes_never_measure_at_the_same_time) {
  TempDir dir;
  const auto lock = dir / "zkbench.lock";
  const auto log_a = dir / "a.log";
  const auto log_b = dir / "b.log";
  int go[2];
  ASSERT_EQ(::pipe(go), 0);
  const pid_t a = ::fork();
  if (a == 0) {
    measure_in_child(lock, log_a, "A", go[0]);
  }
  const pid_t b = ::fork();
  if (b == 0) {
    measure_in_child(lock, log_b, "B", go[0]);
  }
  ASSERT_EQ(::write(go[1], "gg", 2), 2);
  int status_a = 0;
  int status_b = 0;
  ::waitpid(a, &status_a, 0);
  ::waitpid(b, &status_b, 0);
  ASSERT_TRUE(WIFEXITED(status_a) && WEXITSTATUS(status_a) == 0);
  ASSERT_TRUE(WIFEXITED(status_b) && WEXITSTATUS(status_b) == 0);

  // Intervals [start, end] of both processes must not overlap.
  std::vector<std::pair<std::int64_t, std::int64_t>> intervals;
  int waits = 0;
  for (const auto& log : {log_a, log_b}) {
    std::ifstream in(log);
    std::string who;
    std::string what;
    std::int64_t start = -1;
    while (in >> who >> what) {
      std::int64_t value = 0;
      in >> value;
      if (what == "start") {
        start = value;
      } else if (what == "end") {
        intervals.emplace_back(start, value);
      } else if (what == "waits-for") {
        ++waits;
        EXPECT_TRUE(value == a || value == b) << value;
      }
    }
  }
  ASSERT_EQ(intervals.size(), 6u) << read_file(log_a) << read_file(log_b);
  std::sort(intervals.begin(), intervals.end());
  for (std::size_t i = 1; i < intervals.size(); ++i) {
    EXPECT_LE(intervals[i - 1].second, intervals[i].first)
        << "two measurements overlapped:\n" << read_file(log_a) << read_file(log_b);
  }
  EXPECT_GT(waits, 0) << "one process should have had to wait and been told who held the machine:\n"
                      << read_file(log_a) << read_file(log_b);
}

TEST(WorkflowMachineLockE2e, lock_of_a_killed_process_is_free_again) {
  TempDir dir;
  const auto lock = dir / "zkbench.lock";
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  if (child == 0) {
    LockOptions options;
    options.path = lock;
    auto held = MachineLock::acquire("forever", options);
    const char byte = held ? 'y' : 'n';
    (void)!::write(ready[1], &byte, 1);
    ::pause();
    ::_exit(0);
  }
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ASSERT_EQ(byte, 'y');
  const auto holder = current_lock_holder(lock);
  ASSERT_TRUE(holder);
  EXPECT_EQ(holder->pid, child);
  EXPECT_EQ(holder->purpose, "forever");
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  LockOptions options;
  options.path = lock;
  options.timeout = std::chrono::seconds(5);
  EXPECT_TRUE(MachineLock::acquire("after the crash", options));
}
