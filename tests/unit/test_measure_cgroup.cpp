// The runs' cgroup (measure/cgroup.hpp), for real on this machine: RunCgroup itself (its folder made,
// reused and removed, its members killed, its peak reset between runs) and what it gives the executor
// (the exact peak memory of `true`, not zkbench's; processes that escape the process group (`setsid`)
// killed at the end of the run; a 50 MB output line that does not count zkbench's own buffer; one
// cgroup for every run). Skipped, with the reason, where no cgroup hierarchy with a memory controller is
// writable (not root, or a container without one): the executor uses process groups then, as
// test_measure_process_executor.cpp checks.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "measure/cgroup.hpp"
#include "measure/process_executor.hpp"
#include "support/fixtures.hpp"
#include "support/process_scan.hpp"

namespace zkbench::measure {
namespace {

constexpr std::int64_t k_mib = 1 << 20;

class MeasureCgroup : public ::testing::Test {
protected:
  void SetUp() override {
    if (!RunCgroup::create()) {
      GTEST_SKIP() << "no cgroup hierarchy with a memory controller is writable here (not root, or none "
                      "mounted): runs use process groups";
    }
  }

  ExecutionResult run(const std::string& text, ExecutionOptions options = {}) {
    CommandSpec command;
    command.text = text;
    auto result = m_executor.execute(command, options);
    EXPECT_TRUE(result) << text << ": " << (result ? "" : result.error().message);
    EXPECT_NE(m_executor.containment(), core::Containment::process_group);
    return result ? *result : ExecutionResult{};
  }

  ProcessExecutor m_executor;
};

// Starts `argv` (argv[0] found on PATH) as a member of `cgroup`, as the executor's child joins it: "0" written
// to its join file before the exec. Its output goes to /dev/null.
pid_t start_in(const RunCgroup& cgroup, const std::vector<std::string>& argv) {
  std::vector<std::string> copies = argv;
  std::vector<char*> args;
  for (auto& arg : copies) {
    args.push_back(arg.data());
  }
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    if (::write(cgroup.join_fd(), "0", 1) != 1 || null < 0 || ::dup2(null, STDOUT_FILENO) < 0) {
      ::_exit(126);
    }
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

std::vector<int> members(const RunCgroup& cgroup) {
  std::vector<int> pids;
  std::istringstream in(test::read_file(cgroup.path() / "cgroup.procs"));
  for (int pid = 0; in >> pid;) {
    pids.push_back(pid);
  }
  return pids;
}

// Waits (at most 10 s: a safety net, not a timing) until `pid` is a member of `cgroup`.
bool joined(const RunCgroup& cgroup, pid_t pid) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < until) {
    const auto pids = members(cgroup);
    if (std::find(pids.begin(), pids.end(), pid) != pids.end()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

// How `pid` ended: its signal, or -1 when it exited.
int reaped_signal(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) {
    return -2;
  }
  return WIFSIGNALED(status) ? WTERMSIG(status) : -1;
}

TEST_F(MeasureCgroup, a_new_cgroup_is_an_empty_folder_of_its_own_removed_with_what_runs_in_it) {
  auto first = RunCgroup::create();
  auto second = RunCgroup::create();
  ASSERT_TRUE(first && second);
  EXPECT_TRUE(first->method() == core::Containment::cgroup_v1 || first->method() == core::Containment::cgroup_v2);
  EXPECT_TRUE(std::filesystem::is_directory(first->path()));
  EXPECT_EQ(first->path().filename().string().rfind(fmt::format("zkbench-{}-", ::getpid()), 0), 0U)
      << first->path();
  EXPECT_NE(first->path(), second->path());
  EXPECT_EQ(first->path().parent_path(), second->path().parent_path());
  EXPECT_TRUE(members(*first).empty());

  const std::string seconds = fmt::format("41.{}", ::getpid());
  const pid_t pid = start_in(*first, {"sleep", seconds});
  ASSERT_TRUE(joined(*first, pid));
  const std::filesystem::path folder = first->path();
  first.reset(); // the destructor kills what is left and removes the folder
  EXPECT_EQ(reaped_signal(pid), SIGKILL);
  EXPECT_FALSE(std::filesystem::exists(folder));
  EXPECT_TRUE(std::filesystem::is_directory(second->path()));
}

TEST_F(MeasureCgroup, kill_all_kills_every_member_and_leaves_it_ready_for_the_next_run) {
  auto cgroup = RunCgroup::create();
  ASSERT_TRUE(cgroup);
  ASSERT_TRUE(cgroup->start_run());
  const std::string seconds = fmt::format("42.{}", ::getpid());
  const pid_t a = start_in(*cgroup, {"sleep", seconds});
  const pid_t b = start_in(*cgroup, {"setsid", "sleep", seconds}); // out of every group of ours
  ASSERT_TRUE(joined(*cgroup, a) && joined(*cgroup, b));
  auto seen = cgroup->kill_all();
  EXPECT_NE(std::find(seen.begin(), seen.end(), a), seen.end());
  EXPECT_NE(std::find(seen.begin(), seen.end(), b), seen.end());
  EXPECT_EQ(reaped_signal(a), SIGKILL);
  EXPECT_EQ(reaped_signal(b), SIGKILL);
  EXPECT_TRUE(members(*cgroup).empty());
  EXPECT_FALSE(test::sleep_running(seconds));
  EXPECT_TRUE(cgroup->reusable() || cgroup->method() == core::Containment::cgroup_v2)
      << "a v1 cgroup's peak can always be reset";
  if (cgroup->reusable()) {
    EXPECT_TRUE(cgroup->start_run());
  }
}

// Each run's peak is its own: start_run resets the high-water mark to what is charged then. Where the
// kernel cannot reset it (cgroup v2 before Linux 6.12), the cgroup refuses a second run instead of
// reporting the first run's peak again.
TEST_F(MeasureCgroup, the_peak_is_reset_between_runs) {
  const std::string touch = ZKBENCH_TOUCH_MEMORY;
  auto cgroup = RunCgroup::create();
  ASSERT_TRUE(cgroup);
  // One run in it: touch_memory MIB, the peak read once it exited (-1: unreadable).
  const auto peak_of_run = [&](const std::string& mib) {
    EXPECT_EQ(reaped_signal(start_in(*cgroup, {touch, mib})), -1);
    return cgroup->peak_memory_bytes().value_or(-1);
  };
  ASSERT_TRUE(cgroup->start_run());
  EXPECT_GE(cgroup->peak_memory_bytes().value_or(-1), 0);
  EXPECT_LT(cgroup->peak_memory_bytes().value_or(-1), 4 * k_mib) << "a new cgroup has no peak yet";
  const std::int64_t big = peak_of_run("100");
  EXPECT_GE(big, 100 * k_mib);
  EXPECT_LE(big, 105 * k_mib);
  if (!cgroup->reusable()) {
    EXPECT_FALSE(cgroup->start_run()) << "a peak that cannot be reset must not serve another run";
    return;
  }
  ASSERT_TRUE(cgroup->start_run());
  EXPECT_GE(cgroup->peak_memory_bytes().value_or(-1), 0);
  EXPECT_LT(cgroup->peak_memory_bytes().value_or(-1), 4 * k_mib) << "the last run's peak was not reset";
  const std::int64_t small = peak_of_run("10");
  EXPECT_GE(small, 10 * k_mib);
  EXPECT_LT(small, 20 * k_mib);
}

// The executor makes its cgroup before its first run's clock, keeps it for the next runs and removes it
// when it goes.
TEST_F(MeasureCgroup, the_executor_removes_its_cgroup_when_it_goes) {
  const auto beside = RunCgroup::create(); // a sibling: where the executor's cgroup is
  ASSERT_TRUE(beside);
  std::filesystem::path folder;
  {
    ProcessExecutor executor;
    CommandSpec command;
    command.text = "cat /proc/self/cgroup";
    const auto result = executor.execute(command, {});
    ASSERT_TRUE(result) << result.error().message;
    const std::string controller = executor.containment() == core::Containment::cgroup_v2 ? "0::" : ":memory:";
    std::istringstream in(result->output);
    for (std::string line; std::getline(in, line);) {
      if (line.find(controller) != std::string::npos) {
        folder = beside->path().parent_path() / std::filesystem::path(line).filename();
      }
    }
    ASSERT_EQ(folder.filename().string().rfind("zkbench-", 0), 0U) << result->output;
    EXPECT_TRUE(std::filesystem::is_directory(folder));
    const auto again = executor.execute(command, {});
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_TRUE(std::filesystem::is_directory(folder));
  }
  EXPECT_FALSE(std::filesystem::exists(folder));
}

TEST_F(MeasureCgroup, true_peak_memory_is_its_own_not_zkbenchs) {
  const auto result = run("true");
  EXPECT_EQ(result.status, core::RunStatus::success);
  std::printf("`true` peak memory: %.2f MiB (%s)\n", static_cast<double>(result.peak_rss_bytes) / k_mib,
              core::to_string(m_executor.containment()));
  RecordProperty("true_peak_memory_bytes", std::to_string(result.peak_rss_bytes));
  RecordProperty("method", core::to_string(m_executor.containment()));
  EXPECT_GT(result.peak_rss_bytes, 0);
  // ru_maxrss reported ~16 MiB here: the memory zkbench (this test binary) had when it started `true`.
  EXPECT_LT(result.peak_rss_bytes, 4 * k_mib);
}

TEST_F(MeasureCgroup, a_process_that_leaves_the_group_is_killed_with_the_run) {
  const std::string seconds = fmt::format("31.{}", ::getpid());
  test::TempDir dir;
  const auto left = dir / "left"; // created once the process has left the run's group
  const auto started = std::chrono::steady_clock::now();
  // The run ends only after the process left its group, so that the group's SIGKILL cannot be what
  // ends it.
  const auto result = run(fmt::format("setsid sh -c 'touch {0}; exec sleep {1}' & until [ -e {0} ]; do sleep 0.01; done; "
                                      "echo started",
                                      left.string(), seconds));
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(result.status, core::RunStatus::success);
  EXPECT_NE(result.output.find("started"), std::string::npos);
  EXPECT_FALSE(test::sleep_running(seconds)) << "the setsid sleep outlived its run";
  // It held the output pipe: without the cgroup the run waited k_drain_grace_s for it.
  EXPECT_LT(took, k_drain_grace_s) << "waited for the escaped process's pipe";
}

// The escaped process is a grandchild under a parent that also left the group: the run's end finds a
// child of zkbench left (the parent, re-parented to it) and reads the cgroup's members.
TEST_F(MeasureCgroup, an_escaped_process_under_a_parent_of_its_own_is_killed_with_the_run) {
  const std::string seconds = fmt::format("32.{}", ::getpid());
  test::TempDir dir;
  const auto left = dir / "left"; // created once the sleep runs under its own session's shell
  const auto result = run(fmt::format("setsid sh -c 'sleep {1} & touch {0}; wait' & until [ -e {0} ]; do sleep 0.01; done",
                                      left.string(), seconds));
  EXPECT_EQ(result.status, core::RunStatus::success);
  EXPECT_FALSE(test::sleep_running(seconds)) << "the sleep under its own setsid shell outlived its run";
}

TEST_F(MeasureCgroup, a_50_mb_output_line_does_not_count_zkbenchs_buffer) {
  ExecutionOptions options;
  options.capture_output = true;
  const auto result = run("head -c 50000000 /dev/zero | tr '\\\\0' x", options);
  EXPECT_EQ(result.status, core::RunStatus::success);
  EXPECT_EQ(result.output_bytes, 50'000'000U);
  std::printf("50 MB line: peak memory %.2f MiB (%s)\n", static_cast<double>(result.peak_rss_bytes) / k_mib,
              core::to_string(m_executor.containment()));
  EXPECT_LT(result.peak_rss_bytes, 16 * k_mib);
  // The next run of the same zkbench, which now holds the line's buffers, is measured alone too.
  const auto after = run("true");
  EXPECT_LT(after.peak_rss_bytes, 4 * k_mib);
}

// One cgroup serves the executor's runs (no mkdir/rmdir per run), and each run's peak is its own: the
// peak is reset between runs, and what earlier runs left charged is not counted.
TEST_F(MeasureCgroup, one_cgroup_serves_every_run_and_each_peak_is_that_runs_own) {
  const std::string touch = ZKBENCH_TOUCH_MEMORY;
  const auto first = run("cat /proc/self/cgroup");
  const auto big = run(touch + " 100");
  std::printf("100 MiB touched: peak memory %.2f MiB (%s)\n", static_cast<double>(big.peak_rss_bytes) / k_mib,
              core::to_string(m_executor.containment()));
  EXPECT_GE(big.peak_rss_bytes, 100 * k_mib);
  EXPECT_LE(big.peak_rss_bytes, 105 * k_mib); // within 5%
  const auto small = run("true");
  std::printf("`true` after it: peak memory %.2f MiB\n", static_cast<double>(small.peak_rss_bytes) / k_mib);
  EXPECT_GT(small.peak_rss_bytes, 0);
  EXPECT_LT(small.peak_rss_bytes, 4 * k_mib);
  const auto last = run("cat /proc/self/cgroup");
  EXPECT_EQ(first.containment, m_executor.containment());
  EXPECT_EQ(last.containment, m_executor.containment());
  // The line of the hierarchy in use names the same cgroup in both runs.
  const std::string controller = m_executor.containment() == core::Containment::cgroup_v2 ? "0::" : "memory";
  const auto line_of = [&controller](const std::string& text) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      if (line.find(controller) != std::string::npos) {
        return line;
      }
    }
    return std::string();
  };
  EXPECT_NE(line_of(first.output).find("zkbench-"), std::string::npos) << first.output;
  EXPECT_EQ(line_of(first.output), line_of(last.output));
}

// A run that writes a file leaves its page cache charged to the cgroup; the next run's peak does not
// count it (a new cgroup per run did not either).
TEST_F(MeasureCgroup, page_cache_an_earlier_run_left_is_not_the_next_runs) {
  test::TempDir dir;
  const auto writer = run(fmt::format("head -c 32000000 /dev/zero > '{}'", (dir / "file").string()));
  EXPECT_GE(writer.peak_rss_bytes, 16 * k_mib) << "the written file's page cache is charged to its run";
  const auto after = run("true");
  std::printf("after writing 32 MB: `true` peak memory %.2f MiB\n", static_cast<double>(after.peak_rss_bytes) / k_mib);
  EXPECT_LT(after.peak_rss_bytes, 4 * k_mib);
}

} // namespace
} // namespace zkbench::measure
