#include <gtest/gtest.h>

#include "project/prechecks.hpp"

using namespace zkbench::project;

TEST(WorkflowPrechecks, parses_loadavg) {
  const auto load = parse_loadavg("9.62 9.00 5.50 7/1234 56789\n");
  ASSERT_TRUE(load);
  EXPECT_DOUBLE_EQ(load->one, 9.62);
  EXPECT_DOUBLE_EQ(load->fifteen, 5.50);
  EXPECT_FALSE(parse_loadavg("garbage"));
}

TEST(WorkflowPrechecks, parses_proc_stat_with_spaces_and_parentheses_in_the_name) {
  const std::string text = "4242 (tmux: server (x)) S 1 4242 4242 0 -1 4194560 2735 0 0 0 1500 250 0 0 20 0 1 0 "
                           "12345 9977856 1234 18446744073709551615 1 1 0 0 0 0 0 3670016 134433281 0 0 0 17 1 0 0 0 0 0";
  const auto sample = parse_proc_stat(text);
  ASSERT_TRUE(sample);
  EXPECT_EQ(sample->pid, 4242);
  EXPECT_EQ(sample->ppid, 1);
  EXPECT_EQ(sample->name, "tmux: server (x)");
  EXPECT_EQ(sample->cpu_ticks, 1750u);
  EXPECT_FALSE(parse_proc_stat("12 (short) S 1 2"));
  EXPECT_FALSE(parse_proc_stat(""));
}

TEST(WorkflowPrechecks, names_the_top_consumers_other_than_ourselves_and_our_children) {
  const std::vector<ProcSample> before = {
      {10, 1, "cc1plus", 1000}, {11, 1, "ninja", 50}, {20, 1, "zkbench", 500}, {21, 20, "state_demo", 100},
      {30, 1, "idle-ish", 7}, {40, 1, "rustc", 200}};
  const std::vector<ProcSample> after = {
      {10, 1, "cc1plus", 1019}, {11, 1, "ninja", 51}, {20, 1, "zkbench", 600}, {21, 20, "state_demo", 200},
      {30, 1, "idle-ish", 7}, {40, 1, "rustc", 210}, {50, 1, "new", 99}};
  // 0.2 s at 100 ticks/s: 20 ticks = 100% of a core.
  const auto top = top_cpu_consumers(before, after, 0.2, 100, {20}, 10, 3);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].name, "cc1plus");
  EXPECT_NEAR(top[0].cpu_percent, 95.0, 1e-9);
  EXPECT_EQ(top[1].name, "rustc");
  EXPECT_NEAR(top[1].cpu_percent, 50.0, 1e-9);
  EXPECT_EQ(top_cpu_consumers(before, after, 0.2, 100, {20}, 10, 1).size(), 1u);
}

TEST(WorkflowPrechecks, warns_with_figures_for_each_check) {
  SystemSnapshot snapshot;
  snapshot.load = LoadAverage{9.62, 9.0, 5.5};
  snapshot.cores = 2;
  snapshot.memory_total_bytes = 16LL << 30;
  snapshot.memory_available_bytes = 512LL << 20;
  snapshot.consumers = {{10, "cc1plus", 95}, {40, "rustc", 50}};
  snapshot.gpu_temperature_c = 67;
  const auto warnings = evaluate_prechecks(snapshot, PrecheckLimits{});
  ASSERT_EQ(warnings.size(), 4u);
  EXPECT_EQ(warnings[0], "load average 9.62 9.00 5.50 on 2 cores: other work will slow the runs and widen their spread");
  EXPECT_EQ(warnings[1], "other processes are using the CPU: cc1plus (pid 10, 95% CPU), rustc (pid 40, 50% CPU)");
  EXPECT_EQ(warnings[2], "only 512.0 MiB of 16.0 GiB memory available (3%): swapping or the page cache would distort "
                         "the runs");
  EXPECT_EQ(warnings[3], "GPU at 67 °C (above 50 °C): a warm GPU throttles; wait for it to cool");
}

TEST(WorkflowPrechecks, quiet_machine_gives_no_warning) {
  SystemSnapshot snapshot;
  snapshot.load = LoadAverage{0.3, 0.2, 0.1};
  snapshot.cores = 16;
  snapshot.memory_total_bytes = 64LL << 30;
  snapshot.memory_available_bytes = 60LL << 30;
  snapshot.gpu_temperature_c = 41;
  EXPECT_TRUE(evaluate_prechecks(snapshot, PrecheckLimits{}).empty());
  EXPECT_TRUE(evaluate_prechecks(SystemSnapshot{}, PrecheckLimits{}).empty());
}

TEST(WorkflowPrechecks, reads_the_hottest_gpu) {
  EXPECT_EQ(parse_gpu_temperatures("41\n59\n"), 59.0);
  EXPECT_FALSE(parse_gpu_temperatures("[N/A]\n"));
}

TEST(WorkflowPrechecks, snapshot_of_this_machine_reads_proc) {
  SnapshotOptions options;
  options.sample_interval = std::chrono::milliseconds(50);
  options.gpu_temperature = [] { return std::optional<double>(45.0); };
  const SystemSnapshot snapshot = take_system_snapshot(options);
  EXPECT_TRUE(snapshot.load);
  EXPECT_GT(snapshot.cores, 0);
  EXPECT_TRUE(snapshot.memory_available_bytes);
  EXPECT_EQ(snapshot.gpu_temperature_c, 45.0);
  for (const CpuConsumer& c : snapshot.consumers) {
    EXPECT_NE(c.pid, static_cast<int>(::getpid()));
  }
}
