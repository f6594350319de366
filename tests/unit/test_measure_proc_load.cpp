// /proc as the contention gate reads it: the parsers on fixed text, and the readers on this machine.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "measure/proc_load.hpp"

namespace zkbench::measure {
namespace {

TEST(MeasureProcLoad, busy_ticks_are_user_nice_system_irq_softirq_and_steal) {
  // user nice system idle iowait irq softirq steal guest guest_nice (Linux 6.1)
  const std::string text = "cpu  4705 150 1120 16250 520 0 72 9 0 0\ncpu0 2352 75 560 8125 260 0 36 4 0 0\n";
  EXPECT_EQ(parse_cpu_busy_ticks(text), 4705u + 150u + 1120u + 0u + 72u + 9u);
  // Old kernels print fewer columns.
  EXPECT_EQ(parse_cpu_busy_ticks("cpu 10 0 5 100\n"), 15u);
}

TEST(MeasureProcLoad, busy_ticks_refuse_other_text) {
  EXPECT_FALSE(parse_cpu_busy_ticks(""));
  EXPECT_FALSE(parse_cpu_busy_ticks("cpu0 1 2 3 4\n"));
  EXPECT_FALSE(parse_cpu_busy_ticks("cpu  1 x 3 4\n"));
  EXPECT_FALSE(parse_cpu_busy_ticks("cpu  1 2\n"));
}

TEST(MeasureProcLoad, reads_this_machine) {
  const auto busy = CpuBusyReader().read();
  ASSERT_TRUE(busy);
  EXPECT_GT(*busy, 0u);
  const auto processes = read_all_proc_stats();
  const int self = static_cast<int>(::getpid());
  EXPECT_TRUE(std::any_of(processes.begin(), processes.end(), [&](const ProcSample& p) { return p.pid == self; }));
  EXPECT_GT(ticks_per_second(), 0);
  const double own = own_cpu_seconds();
  EXPECT_GE(own, 0.0);
  EXPECT_GE(own_cpu_seconds(), own); // never runs backwards
}

TEST(MeasureProcLoad, a_reader_kept_open_reads_the_figure_afresh_each_time) {
  const CpuBusyReader reader;
  const auto before = reader.read();
  ASSERT_TRUE(before);
  // 50 ms of this thread's CPU: at least 5 busy ticks at 100 a second, which a stale read would miss.
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
  struct timespec cpu {};
  for (double start = -1;;) {
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
    const double now = static_cast<double>(cpu.tv_sec) + static_cast<double>(cpu.tv_nsec) / 1e9;
    start = start < 0 ? now : start;
    if (now - start >= 0.05 && std::chrono::steady_clock::now() >= until) {
      break;
    }
  }
  const auto after = reader.read();
  ASSERT_TRUE(after);
  EXPECT_GE(*after, *before + 3);
}

} // namespace
} // namespace zkbench::measure
