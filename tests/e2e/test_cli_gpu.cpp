// `zkbench gpu` against a fake nvidia-smi that replays the H100 capture (fixtures nvidia/), and with no
// GPU at all. No real GPU is needed.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "support/cli.hpp"
#include "support/env.hpp"
#include "support/fixtures.hpp"
#include "support/fake_nvidia_smi.hpp"

using namespace zkbench::test;


TEST(CliGpu, replays_the_h100_capture_through_nvidia_smi) {
  FakeNvidiaSmi fake;
  const auto result = run_zkbench("gpu");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output,
            "GPU 0: NVIDIA H100 80GB HBM3 (via nvidia-smi)\n"
            "  driver 590.48.01, CUDA 13.1, compute capability 9.0 (sm_90), 79.6 GiB\n"
            "  59 °C  100 %  19.4 GiB  631.95 W  1980 MHz  clocks: none\n");
  EXPECT_NE(fake.calls().find("--query-gpu=index,name,driver_version,compute_cap,memory.total,"
                              "memory.used,temperature.gpu,utilization.gpu,power.draw,"
                              "clocks.current.sm,clocks_throttle_reasons.active --format=csv,nounits"),
            std::string::npos)
      << fake.calls();
  EXPECT_NE(fake.calls().find("-q -i 0"), std::string::npos);
}

TEST(CliGpu, json_reading_of_the_idle_capture) {
  FakeNvidiaSmi fake("idle");
  const auto result = run_zkbench("gpu --json");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto j = nlohmann::json::parse(result.output);
  EXPECT_EQ(j["name"], "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(j["source"], "nvidia-smi");
  EXPECT_EQ(j["cuda_version"], "13.1");
  EXPECT_EQ(j["temperature_c"], 41.0);
  EXPECT_EQ(j["utilization_pct"], 0.0);
  EXPECT_DOUBLE_EQ(j["power_w"].get<double>(), 69.85);
  EXPECT_EQ(j["sm_clock_mhz"], 345.0);
  EXPECT_TRUE(j["total_energy_mj"].is_null());
  EXPECT_EQ(j["clock_event_reasons"], nlohmann::json::array({"gpu_idle"}));
  EXPECT_EQ(j["throttled"], false);
}

TEST(CliGpu, watch_prints_one_line_per_reading) {
  FakeNvidiaSmi fake;
  const auto result = run_zkbench("gpu --watch --count 3 --interval 0.05");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::size_t lines = 0;
  for (std::size_t at = result.output.find("59 °C  100 %"); at != std::string::npos;
       at = result.output.find("59 °C  100 %", at + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 3u) << result.output;
}

TEST(CliGpu, no_nvml_and_no_nvidia_smi_is_a_clean_error) {
  TempDir empty;
  GpuEnv env(empty);
  const auto result = run_zkbench("gpu");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("error: no GPU telemetry: NVML: cannot load /nonexistent/libnvidia-ml.so.1"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("nvidia-smi: 'nvidia-smi' not found on PATH"), std::string::npos);
  EXPECT_NE(result.output.find("hint: install the NVIDIA driver"), std::string::npos);
}

TEST(CliGpu, broken_nvidia_smi_is_reported_not_crashed_on) {
  TempDir dir;
  write_file(dir / "nvidia-smi",
             "#!/bin/sh\necho \"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA "
             "driver. Make sure that the latest NVIDIA driver is installed and running.\"\nexit 9\n");
  std::filesystem::permissions(dir / "nvidia-smi", std::filesystem::perms::owner_all);
  GpuEnv env(dir);
  const auto result = run_zkbench("gpu");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("nvidia-smi: NVIDIA-SMI has failed because it couldn't communicate"),
            std::string::npos)
      << result.output;
}

TEST(CliGpu, uses_nvml_when_the_library_loads) {
  TempDir empty;
  GpuEnv env(empty, ZKBENCH_FAKE_NVML);
  const auto result = run_zkbench("gpu");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output,
            "GPU 0: NVIDIA H100 80GB HBM3 (via NVML)\n"
            "  driver 590.48.01, CUDA 13.1, compute capability 9.0 (sm_90), 79.6 GiB\n"
            "  59 °C  100 %  19.4 GiB  631.95 W  1980 MHz  clocks: sw_power_cap (throttling)\n");
}

TEST(CliGpu, env_reads_the_gpu_through_nvml_without_nvidia_smi) {
  TempDir dir;
  GpuEnv env(dir, ZKBENCH_FAKE_NVML);
  const auto result = run_zkbench("env --output env.yaml", dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("gpu: NVIDIA H100 80GB HBM3 (driver 590.48.01, CUDA 13.1)"), std::string::npos)
      << result.output;
}
