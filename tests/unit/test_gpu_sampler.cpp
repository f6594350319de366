#include <gtest/gtest.h>

#include <deque>

#include "gpu/sampler.hpp"

using namespace zkbench;
using namespace zkbench::gpu;

namespace {

GpuSample make(double t, std::optional<double> util, std::optional<double> temp,
               std::optional<double> mem, std::optional<double> power,
               std::optional<double> energy_mj = std::nullopt,
               std::optional<std::uint64_t> reasons = std::nullopt) {
  GpuSample s;
  s.time_s = t;
  s.utilization_pct = util;
  s.temperature_c = temp;
  s.memory_used_bytes = mem;
  s.power_w = power;
  s.total_energy_mj = energy_mj;
  s.clock_event_reasons = reasons;
  return s;
}

// Returns scripted samples; after the script, repeats the last one. Errors while `fail` is set.
class FakeSource final : public TelemetrySource {
public:
  explicit FakeSource(std::deque<GpuSample> script) : m_script(std::move(script)) {}
  SourceKind kind() const override { return SourceKind::none; }
  Result<GpuInfo> info() override { return GpuInfo{}; }
  Result<GpuSample> sample() override {
    ++calls;
    if (fail) {
      return make_error("fake: GPU lost");
    }
    GpuSample s = m_script.front();
    if (m_script.size() > 1) {
      m_script.pop_front();
    }
    return s;
  }
  bool fail = false;
  int calls = 0;

private:
  std::deque<GpuSample> m_script;
};

} // namespace

TEST(GpuSampler, folds_samples_into_run_figures) {
  RunStatsAccumulator acc;
  acc.add(make(0.0, 10, 45, 1e9, 100));
  acc.add(make(0.1, 90, 55, 5e9, 300));
  acc.add(make(0.2, 80, 60, 4e9, 300));
  const auto stats = acc.finish();
  ASSERT_TRUE(stats);
  EXPECT_DOUBLE_EQ(stats->utilization_mean_pct, 60.0);
  EXPECT_DOUBLE_EQ(stats->utilization_max_pct, 90.0);
  EXPECT_DOUBLE_EQ(stats->memory_peak_bytes, 5e9);
  EXPECT_DOUBLE_EQ(stats->temperature_start_c, 45.0);
  EXPECT_DOUBLE_EQ(stats->temperature_max_c, 60.0);
  // Trapezoids: 0.1*(100+300)/2 + 0.1*(300+300)/2 = 20 + 30.
  EXPECT_DOUBLE_EQ(stats->energy_joules, 50.0);
  EXPECT_FALSE(stats->throttled);
  EXPECT_EQ(stats->throttle_reasons, "");
}

TEST(GpuSampler, prefers_the_energy_counter_difference) {
  RunStatsAccumulator acc;
  acc.add(make(0.0, 50, 40, 0, 100, 1'000'000));
  acc.add(make(1.0, 50, 40, 0, 100, 1'250'500));
  acc.add(make(2.0, 50, 40, 0, 100, 1'400'000));
  EXPECT_DOUBLE_EQ(acc.finish()->energy_joules, 400.0); // (1,400,000 - 1,000,000) mJ
}

TEST(GpuSampler, counter_that_went_backwards_falls_back_to_power) {
  RunStatsAccumulator acc;
  acc.add(make(0.0, 50, 40, 0, 200, 9'000'000));
  acc.add(make(2.0, 50, 40, 0, 200, 10));
  EXPECT_DOUBLE_EQ(acc.finish()->energy_joules, 400.0); // 2 s at 200 W
}

TEST(GpuSampler, throttling_reasons_are_decoded_and_idle_is_not_throttling) {
  RunStatsAccumulator acc;
  acc.add(make(0.0, 0, 40, 0, 70, std::nullopt, reason::gpu_idle));
  acc.add(make(0.1, 100, 80, 0, 700, std::nullopt, reason::sw_power_cap));
  acc.add(make(0.2, 100, 88, 0, 700, std::nullopt,
               reason::hw_thermal_slowdown | reason::hw_slowdown | reason::sync_boost));
  const auto stats = acc.finish();
  EXPECT_TRUE(stats->throttled);
  EXPECT_EQ(stats->throttle_reasons, "sw_power_cap,hw_slowdown,hw_thermal_slowdown");

  RunStatsAccumulator idle_only;
  idle_only.add(make(0.0, 0, 40, 0, 70, std::nullopt, reason::gpu_idle | reason::sync_boost));
  EXPECT_FALSE(idle_only.finish()->throttled);
}

TEST(GpuSampler, missing_figures_are_skipped_not_zeroed) {
  RunStatsAccumulator acc;
  acc.add(make(0.0, std::nullopt, std::nullopt, std::nullopt, std::nullopt));
  acc.add(make(0.1, 40, 52, 2e9, std::nullopt));
  acc.add(make(0.2, 60, std::nullopt, std::nullopt, std::nullopt));
  const auto stats = acc.finish();
  EXPECT_DOUBLE_EQ(stats->utilization_mean_pct, 50.0);
  EXPECT_DOUBLE_EQ(stats->temperature_start_c, 52.0);
  EXPECT_DOUBLE_EQ(stats->energy_joules, 0.0);
  EXPECT_FALSE(RunStatsAccumulator().finish());
}

TEST(GpuSampler, decodes_unknown_bits_in_hex) {
  EXPECT_EQ(decode_clock_event_reasons(0x1FF).size(), 9u);
  EXPECT_EQ(decode_clock_event_reasons(0x204),
            (std::vector<std::string>{"sw_power_cap", "0x200"}));
  EXPECT_TRUE(decode_clock_event_reasons(0).empty());
}

TEST(GpuSampler, start_and_stop_read_at_least_the_first_and_last_sample) {
  // The energy counter jumps once after the first read and then holds, so the result does not depend
  // on how many reads the thread managed in between.
  FakeSource source({make(0, 95, 47, 3e9, 400, 5'000), make(0, 95, 58, 3e9, 400, 9'000)});
  double fake_now = 100;
  Sampler sampler(source, SamplerOptions{0.001}, [&] { return fake_now += 0.5; });
  sampler.start();
  const auto stats = sampler.stop();
  ASSERT_TRUE(stats);
  EXPECT_GE(source.calls, 2);
  EXPECT_DOUBLE_EQ(stats->temperature_start_c, 47.0);
  EXPECT_DOUBLE_EQ(stats->temperature_max_c, 58.0);
  EXPECT_DOUBLE_EQ(stats->utilization_mean_pct, 95.0);
  EXPECT_DOUBLE_EQ(stats->energy_joules, 4.0);
  EXPECT_EQ(sampler.last_error(), "");
}

TEST(GpuSampler, unreadable_source_gives_no_stats_and_says_why) {
  FakeSource source({make(0, 1, 1, 1, 1)});
  source.fail = true;
  Sampler sampler(source, SamplerOptions{0.001});
  sampler.start();
  EXPECT_FALSE(sampler.stop());
  EXPECT_EQ(sampler.last_error(), "fake: GPU lost");
  EXPECT_FALSE(sampler.stop()); // stopping twice is harmless
}

TEST(GpuSampler, a_second_round_starts_from_scratch) {
  FakeSource source({make(0, 10, 30, 1e9, 100)});
  Sampler sampler(source, SamplerOptions{0.001});
  sampler.start();
  ASSERT_TRUE(sampler.stop());
  sampler.start();
  const auto stats = sampler.stop();
  ASSERT_TRUE(stats);
  EXPECT_DOUBLE_EQ(stats->temperature_max_c, 30.0);
}
