#include <gtest/gtest.h>

#include "gpu/nvml.hpp"
#include "gpu/telemetry.hpp"

#include <cstdlib>

using namespace zkbench;
using namespace zkbench::gpu;

TEST(GpuTelemetry, absent_nvml_library_is_a_clean_error) {
  auto nvml = open_nvml("/nonexistent/libnvidia-ml.so.1");
  ASSERT_FALSE(nvml);
  EXPECT_NE(nvml.error().message.find("NVML: cannot load /nonexistent/libnvidia-ml.so.1"),
            std::string::npos);
}

TEST(GpuTelemetry, a_library_that_is_not_nvml_is_refused) {
  // libz is on every machine that builds zkbench; it has none of NVML's symbols.
  auto nvml = open_nvml("libz.so.1");
  ASSERT_FALSE(nvml);
  EXPECT_NE(nvml.error().message.find("not an NVML library"), std::string::npos);
}

TEST(GpuTelemetry, falls_back_to_none_and_says_why) {
  SourceOptions options;
  options.nvml_library = "/nonexistent/libnvidia-ml.so.1";
  options.nvidia_smi = "/nonexistent/nvidia-smi";
  auto source = open_best_source(options);
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(source->kind(), SourceKind::none);
  auto sample = source->sample();
  ASSERT_FALSE(sample);
  EXPECT_NE(sample.error().message.find("no GPU telemetry: NVML: cannot load"), std::string::npos);
  EXPECT_NE(sample.error().message.find("nvidia-smi: '/nonexistent/nvidia-smi' not found on PATH"),
            std::string::npos);
  EXPECT_FALSE(source->info());
}

TEST(GpuTelemetry, cuda_driver_version_is_major_dot_minor) {
  EXPECT_EQ(format_cuda_driver_version(13010), "13.1");
  EXPECT_EQ(format_cuda_driver_version(12020), "12.2");
  EXPECT_EQ(format_cuda_driver_version(11080), "11.8");
}

TEST(GpuTelemetry, source_kinds_have_names) {
  EXPECT_STREQ(to_string(SourceKind::nvml), "NVML");
  EXPECT_STREQ(to_string(SourceKind::nvidia_smi), "nvidia-smi");
  EXPECT_STREQ(to_string(SourceKind::none), "none");
}

TEST(GpuTelemetry, sm_architecture_from_compute_capability) {
  EXPECT_EQ(sm_architecture("9.0"), "sm_90");
  EXPECT_EQ(sm_architecture("12.0"), "sm_120");
  EXPECT_EQ(sm_architecture("[N/A]"), "");
  EXPECT_EQ(sm_architecture("9"), "");
}

TEST(GpuTelemetry, reads_every_figure_through_a_stand_in_nvml_library) {
  auto nvml = open_nvml(ZKBENCH_FAKE_NVML);
  ASSERT_TRUE(nvml) << nvml.error().message;
  TelemetrySource& source = **nvml;
  EXPECT_EQ(source.kind(), SourceKind::nvml);
  auto info = source.info();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->name, "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(info->driver_version, "590.48.01");
  EXPECT_EQ(info->cuda_version, "13.1");
  EXPECT_EQ(info->compute_capability, "9.0");
  EXPECT_DOUBLE_EQ(*info->memory_total_bytes, 81559.0 * 1024 * 1024);
  auto first = source.sample();
  auto second = source.sample();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->temperature_c, 59.0);
  EXPECT_EQ(first->utilization_pct, 100.0);
  EXPECT_DOUBLE_EQ(*first->memory_used_bytes, 19818.0 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(*first->power_w, 631.95); // milliwatts converted
  EXPECT_EQ(first->sm_clock_mhz, 1980.0);
  EXPECT_EQ(first->clock_event_reasons, reason::sw_power_cap);
  EXPECT_DOUBLE_EQ(*second->total_energy_mj - *first->total_energy_mj, 631950.0);
}

TEST(GpuTelemetry, nvml_init_failure_is_reported_with_nvml_error_text) {
  ::setenv("FAKE_NVML_INIT_ERROR", "9", 1);
  auto nvml = open_nvml(ZKBENCH_FAKE_NVML);
  ::unsetenv("FAKE_NVML_INIT_ERROR");
  ASSERT_FALSE(nvml);
  EXPECT_EQ(nvml.error().message, "NVML: nvmlInit failed: Driver Not Loaded (code 9)");
  EXPECT_EQ(open_nvml(ZKBENCH_FAKE_NVML, 3).error().message, "NVML: no GPU with index 3 (1 found)");
}

TEST(GpuTelemetry, best_source_prefers_nvml) {
  SourceOptions options;
  options.nvml_library = ZKBENCH_FAKE_NVML;
  options.nvidia_smi = "/nonexistent/nvidia-smi";
  EXPECT_EQ(open_best_source(options)->kind(), SourceKind::nvml);
}

TEST(GpuTelemetry, lists_compute_processes_through_the_stand_in_nvml_library) {
  auto nvml = open_nvml(ZKBENCH_FAKE_NVML);
  ASSERT_TRUE(nvml) << nvml.error().message;
  auto none = (*nvml)->compute_processes();
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_TRUE(none->empty());
  ::setenv("FAKE_NVML_COMPUTE_PIDS", "4242,77", 1);
  auto two = (*nvml)->compute_processes();
  ::unsetenv("FAKE_NVML_COMPUTE_PIDS");
  ASSERT_TRUE(two) << two.error().message;
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[0].pid, 4242);
  EXPECT_EQ((*two)[1].pid, 77);
}

TEST(GpuTelemetry, parses_nvidia_smi_compute_apps) {
  // nvidia-smi --query-compute-apps=pid,process_name --format=csv,noheader
  const auto processes = parse_compute_apps("4242, /usr/bin/python3\n77, ./target/release/cargo-zisk\n");
  ASSERT_EQ(processes.size(), 2u);
  EXPECT_EQ(processes[0].pid, 4242);
  EXPECT_EQ(processes[0].name, "python3");
  EXPECT_EQ(processes[1].name, "cargo-zisk");
  EXPECT_TRUE(parse_compute_apps("No running processes found\n").empty());
  EXPECT_TRUE(parse_compute_apps("").empty());
}
