#include <gtest/gtest.h>

#include "provers/failure_signatures.hpp"

using namespace zkbench::provers;

TEST(ProversFailureSignatures, cuda_architecture_error_names_this_gpus_sm) {
  const std::string log =
      "[INFO ] starting proof\n"
      "[CUDA] cudaMemcpyToSymbol(...) failed due to: no kernel image is available for execution on the device\n"
      "[CUDA] cudaMemcpyToSymbol(...) failed due to: no kernel image is available for execution\n";
  const auto found = scan_failure_signatures(log, "sm_86");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, "cuda-arch");
  EXPECT_EQ(found[0].line, 2);
  EXPECT_NE(found[0].fix.find("export CUDA_ARCH=sm_86"), std::string::npos);
  EXPECT_NE(scan_failure_signatures(log)[0].fix.find("sm_XX"), std::string::npos);
}

TEST(ProversFailureSignatures, finds_several_in_log_order) {
  const std::string log = "thread 'main' panicked at 'GasMismatch'\n"
                          "CUDA error: out of memory (cudaMalloc)\n"
                          "error: feature `unstable` is required by risc0-zkvm keccak\n";
  const auto found = scan_failure_signatures(log);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].id, "sp1-gas-mismatch");
  EXPECT_NE(found[0].fix.find("ark_bn254"), std::string::npos);
  EXPECT_EQ(found[1].id, "cuda-oom");
  EXPECT_EQ(found[2].id, "risc0-unstable");
  EXPECT_EQ(found[2].excerpt, "error: feature `unstable` is required by risc0-zkvm keccak");
}

TEST(ProversFailureSignatures, clean_log_and_host_oom_without_gpu_context) {
  EXPECT_TRUE(scan_failure_signatures("✓ Stark proof was verified\n").empty());
  // "out of memory" alone (no CUDA/GPU word) is not the GPU signature.
  EXPECT_TRUE(scan_failure_signatures("allocator: out of memory\n").empty());
}

