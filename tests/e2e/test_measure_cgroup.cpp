// A cgroup of its own for each measured run (measure/cgroup.hpp), for real on this machine: the exact
// peak memory of `true` (not zkbench's), processes that escape the process group (`setsid`) killed at
// the end of the run, and a 50 MB output line that does not count zkbench's own buffer. Skipped, with
// the reason, where no cgroup hierarchy with a memory controller is writable (then the executor uses
// process groups, as its own tests check).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "measure/cgroup.hpp"
#include "measure/process_executor.hpp"
#include "support/cli.hpp"
#include "support/fixtures.hpp"
#include "support/process.hpp"

namespace zkbench::measure {
namespace {

constexpr std::int64_t k_mib = 1 << 20;

class MeasureCgroup : public ::testing::Test {
protected:
  void SetUp() override {
    if (!RunCgroup::create()) {
      GTEST_SKIP() << "no writable cgroup hierarchy with a memory controller here: runs use process groups";
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
  const auto started = std::chrono::steady_clock::now();
  const auto result = run(fmt::format("setsid sleep {} & echo started", seconds));
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(result.status, core::RunStatus::success);
  EXPECT_NE(result.output.find("started"), std::string::npos);
  EXPECT_FALSE(test::sleep_running(seconds)) << "the setsid sleep outlived its run";
  // It held the output pipe: without the cgroup the run waited k_drain_grace_s for it.
  EXPECT_LT(took, k_drain_grace_s) << "waited for the escaped process's pipe";
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

TEST_F(MeasureCgroup, run_json_says_which_containment_was_used) {
  test::TempDir dir;
  const auto result = test::run_shell("cd '" + dir.path().string() + "' && '" + ZKBENCH_BINARY +
                                      "' run --runs 2 --json true 2>/dev/null");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto json = nlohmann::json::parse(result.output, nullptr, false);
  ASSERT_TRUE(json.is_object()) << result.output;
  EXPECT_TRUE(json["containment"] == "cgroup-v1" || json["containment"] == "cgroup-v2") << json["containment"];
  EXPECT_LT(json["results"][0]["peak_memory_byte"].get<double>(), 4.0 * k_mib);
}

} // namespace
} // namespace zkbench::measure
