#include <gtest/gtest.h>

#include "gpu/nvml.hpp"
#include "gpu/telemetry.hpp"

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
