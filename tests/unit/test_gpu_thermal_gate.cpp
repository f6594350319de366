#include <gtest/gtest.h>

#include <deque>

#include "gpu/thermal_gate.hpp"

using namespace zkbench;
using namespace zkbench::gpu;

namespace {

// Time passes only when the gate sleeps.
class FakeClock final : public GateClock {
public:
  double now_s() override { return now; }
  void sleep_for(double seconds) override {
    now += seconds;
    slept.push_back(seconds);
  }
  double now = 1000;
  std::vector<double> slept;
};

// Temperature falls by `step` per reading until `floor`.
class CoolingSource final : public TelemetrySource {
public:
  CoolingSource(double start, double step, double floor) : m_temp(start), m_step(step), m_floor(floor) {}
  SourceKind kind() const override { return SourceKind::none; }
  Result<GpuInfo> info() override { return GpuInfo{}; }
  Result<GpuSample> sample() override {
    if (broken) {
      return make_error("nvidia-smi did not answer within 10 s");
    }
    GpuSample s;
    s.temperature_c = m_temp;
    m_temp = std::max(m_floor, m_temp - m_step);
    return s;
  }
  bool broken = false;

private:
  double m_temp;
  double m_step;
  double m_floor;
};

} // namespace

TEST(GpuThermalGate, first_run_of_a_cool_gpu_starts_at_once) {
  FakeClock clock;
  CoolingSource source(41, 0, 41);
  ThermalGate gate(&source, clock, zkvm_thermal_policy());
  int waits = 0;
  const GateResult result = gate.wait_until_ready([&](const GateWait&) { ++waits; });
  EXPECT_EQ(waits, 0);
  EXPECT_DOUBLE_EQ(result.waited_s, 0);
  EXPECT_EQ(result.start_temperature_c, 41.0);
  EXPECT_FALSE(result.gave_up);
}

TEST(GpuThermalGate, waits_for_the_temperature_and_says_so) {
  FakeClock clock;
  CoolingSource source(62, 4, 30); // 62, 58, 54, 50, 46
  ThermalGate gate(&source, clock, zkvm_thermal_policy());
  std::vector<std::string> messages;
  const GateResult result =
      gate.wait_until_ready([&](const GateWait& wait) { messages.push_back(wait.describe()); });
  ASSERT_EQ(messages.size(), 4u); // 50 is not below 50
  EXPECT_EQ(messages.front(), "waiting: GPU at 62 °C (needs < 50 °C)");
  EXPECT_DOUBLE_EQ(result.waited_s, 20); // four polls of 5 s
  EXPECT_EQ(result.start_temperature_c, 46.0);
}

TEST(GpuThermalGate, waits_out_the_cooldown_after_a_run) {
  FakeClock clock;
  CoolingSource source(45, 0, 45);
  ThermalPolicy policy = zkvm_thermal_policy();
  policy.poll_interval_s = 50;
  ThermalGate gate(&source, clock, policy);
  gate.mark_run_finished();
  clock.now += 30; // the run loop did other work for 30 s
  std::vector<std::string> messages;
  const GateResult result =
      gate.wait_until_ready([&](const GateWait& wait) { messages.push_back(wait.describe()); });
  EXPECT_EQ(messages.front(), "waiting: cooldown 90 s left");
  EXPECT_EQ(clock.slept, (std::vector<double>{50, 40})); // never sleeps past the cooldown
  EXPECT_DOUBLE_EQ(result.waited_s, 90);
}

TEST(GpuThermalGate, reports_both_conditions) {
  FakeClock clock;
  CoolingSource source(70, 1, 20);
  ThermalGate gate(&source, clock, zkvm_thermal_policy());
  gate.mark_run_finished();
  std::string first;
  gate.wait_until_ready([&](const GateWait& wait) {
    if (first.empty()) {
      first = wait.describe();
    }
  });
  EXPECT_EQ(first, "waiting: GPU at 70 °C (needs < 50 °C), cooldown 120 s left");
}

TEST(GpuThermalGate, gives_up_after_max_wait) {
  FakeClock clock;
  CoolingSource source(80, 0, 80); // never cools
  ThermalPolicy policy = zkvm_thermal_policy();
  policy.max_wait_s = 60;
  ThermalGate gate(&source, clock, policy);
  const GateResult result = gate.wait_until_ready();
  EXPECT_TRUE(result.gave_up);
  EXPECT_DOUBLE_EQ(result.waited_s, 60);
  EXPECT_EQ(result.note, "gave up waiting after 60 s: GPU at 80 °C (needs < 50 °C)");
}

TEST(GpuThermalGate, unreadable_temperature_leaves_only_the_cooldown) {
  FakeClock clock;
  CoolingSource source(80, 0, 80);
  source.broken = true;
  ThermalGate gate(&source, clock, zkvm_thermal_policy());
  const GateResult result = gate.wait_until_ready();
  EXPECT_FALSE(result.gave_up);
  EXPECT_FALSE(result.start_temperature_c);
  EXPECT_EQ(result.note, "temperature not checked: nvidia-smi did not answer within 10 s");
}

TEST(GpuThermalGate, no_gpu_means_cooldown_only) {
  FakeClock clock;
  ThermalGate gate(nullptr, clock, zkvm_thermal_policy());
  EXPECT_DOUBLE_EQ(gate.wait_until_ready().waited_s, 0);
  gate.mark_run_finished();
  EXPECT_DOUBLE_EQ(gate.wait_until_ready().waited_s, 120);
}

TEST(GpuThermalGate, first_run_timeouts_follow_seed_000_table) {
  EXPECT_DOUBLE_EQ(*first_run_timeout_s("NVIDIA GeForce RTX 3090"), 330);
  EXPECT_DOUBLE_EQ(*first_run_timeout_s("NVIDIA GeForce RTX 3090 Ti"), 330);
  EXPECT_DOUBLE_EQ(*first_run_timeout_s("NVIDIA GeForce RTX 4090"), 132);
  EXPECT_DOUBLE_EQ(*first_run_timeout_s("NVIDIA GeForce RTX 5090"), 66);
  EXPECT_DOUBLE_EQ(*first_run_timeout_s("NVIDIA A100-SXM4-80GB"), 99);
  EXPECT_DOUBLE_EQ(*first_run_timeout_s("NVIDIA H100 80GB HBM3"), 33);
  EXPECT_DOUBLE_EQ(*first_run_timeout_s("NVIDIA H100 80GB HBM3", 1.15), 34.5);
  EXPECT_EQ(expected_proof_time("NVIDIA H100 PCIe")->high_s, 60);
  EXPECT_FALSE(first_run_timeout_s("NVIDIA H200"));
  EXPECT_FALSE(first_run_timeout_s("NVIDIA RTX A1000"));
  EXPECT_FALSE(first_run_timeout_s("NVIDIA GeForce RTX 30900"));
  EXPECT_FALSE(first_run_timeout_s(""));
}

TEST(GpuThermalGate, a_stop_request_ends_a_cooldown_within_one_poll_slice) {
  FakeClock clock;
  ThermalPolicy policy;
  policy.cooldown_s = 1e300; // `run --cooldown 1e300`: only a stop request ends this wait
  int polls = 0;
  policy.stop_requested = [&] { return ++polls > 10; };
  ThermalGate gate(nullptr, clock, policy);
  gate.mark_run_finished();
  const GateResult result = gate.wait_until_ready();
  EXPECT_TRUE(result.stopped);
  EXPECT_FALSE(result.gave_up);
  ASSERT_FALSE(clock.slept.empty());
  for (const double slept : clock.slept) {
    EXPECT_LE(slept, k_stop_poll_s);
  }
  EXPECT_LE(result.waited_s, 10 * k_stop_poll_s);
}

TEST(GpuThermalGate, without_a_stop_predicate_the_cooldown_is_slept_in_poll_intervals) {
  FakeClock clock;
  ThermalPolicy policy;
  policy.cooldown_s = 15;
  ThermalGate gate(nullptr, clock, policy);
  gate.mark_run_finished();
  const GateResult result = gate.wait_until_ready();
  EXPECT_FALSE(result.stopped);
  EXPECT_EQ(clock.slept, (std::vector<double>{5.0, 5.0, 5.0})); // poll_interval_s, not k_stop_poll_s
}
