// `zkbench doctor` end to end: no GPU, the H100 replayed through a fake nvidia-smi, a guest crate with
// patches, a log with a known failure. No real GPU or prover is needed.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/cli.hpp"
#include "support/env.hpp"
#include "support/fake_nvidia_smi.hpp"
#include "support/fixtures.hpp"

using namespace zkbench::test;

namespace {

// A fake `cargo-zisk` printing a v0.15-style version, in `dir`.
void add_fake_cargo_zisk(const TempDir& dir) {
  write_file(dir / "cargo-zisk", "#!/bin/sh\necho '0.15.0 (b3ca745 2025-12-18T10:11:12Z)'\n");
  std::filesystem::permissions(dir / "cargo-zisk", std::filesystem::perms::owner_all);
}

} // namespace

TEST(CliDoctor, without_a_gpu_says_so_and_exits_zero) {
  TempDir empty;
  GpuEnv env(empty);
  const auto result = run_zkbench("doctor --zkvm zisk");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("ZisK: not available: 'cargo-zisk' not found on PATH"), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("no GPU telemetry: NVML: cannot load /nonexistent/libnvidia-ml.so.1"),
            std::string::npos);
  EXPECT_NE(result.output.find("zkbench works without one"), std::string::npos);
}

TEST(CliDoctor, reports_the_replayed_h100_and_the_prover_version) {
  FakeNvidiaSmi fake;
  add_fake_cargo_zisk(fake.dir());
  const auto result = run_zkbench("doctor --zkvm zisk");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("ok    ZisK v0.15.0 (cargo-zisk --version)"), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("ok    NVIDIA H100 80GB HBM3 (via nvidia-smi)"), std::string::npos);
  EXPECT_NE(result.output.find("driver 590.48.01, CUDA 13.1, compute capability 9.0 (sm_90)"),
            std::string::npos);
  EXPECT_NE(result.output.find("!!    temperature 59 °C (zkvm preset waits for < 50 °C"), std::string::npos);
  EXPECT_NE(result.output.find("first-run timeout without a baseline: 34.5 s"), std::string::npos);
}

TEST(CliDoctor, json_with_guest_patches_and_a_failing_log) {
  FakeNvidiaSmi fake;
  TempDir guest;
  write_file(guest / "Cargo.toml",
             "[package]\nname = \"guest\"\nversion = \"0.1.0\"\n\n[patch.crates-io]\n"
             "sha2 = { git = \"https://github.com/0xPolygonHermez/zisk-patch-hashes.git\", tag = \"v1\" }\n"
             "substrate-bn = { git = \"https://github.com/0xPolygonHermez/zisk-patch-bn\" }\n");
  write_file(guest / "Cargo.lock",
             "version = 4\n\n[[package]]\nname = \"sha2\"\nversion = \"0.10.9\"\n"
             "source = \"git+https://github.com/0xPolygonHermez/zisk-patch-hashes?tag=v1#0123abc\"\n\n"
             "[[package]]\nname = \"substrate-bn\"\nversion = \"0.6.0\"\n"
             "source = \"registry+https://github.com/rust-lang/crates.io-index\"\n");
  write_file(guest / "prove.log",
             "[INFO ] loading\n[CUDA] cudaMemcpyToSymbol(...) failed due to: no kernel image is "
             "available for execution\n");
  const auto result = run_zkbench("doctor --zkvm zisk --json --guest '" + guest.path().string() +
                                  "' --log '" + (guest / "prove.log").string() + "'");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto j = nlohmann::json::parse(result.output);
  EXPECT_EQ(j["gpu"]["present"], true);
  EXPECT_EQ(j["gpu"]["sm_architecture"], "sm_90");
  EXPECT_EQ(j["gpu"]["temperature_c"], 59.0);
  ASSERT_EQ(j["guest"]["patches"].size(), 2u);
  EXPECT_EQ(j["guest"]["patches"][0]["state"], "applied");
  EXPECT_EQ(j["guest"]["patches"][0]["resolved"][0]["version"], "0.10.9");
  EXPECT_EQ(j["guest"]["patches"][1]["state"], "not applied");
  ASSERT_EQ(j["log"]["failures"].size(), 1u);
  EXPECT_EQ(j["log"]["failures"][0]["id"], "cuda-arch");
  EXPECT_EQ(j["log"]["failures"][0]["line"], 2);
  EXPECT_NE(j["log"]["failures"][0]["fix"].get<std::string>().find("export CUDA_ARCH=sm_90"),
            std::string::npos);
}

TEST(CliDoctor, text_report_of_guest_and_log) {
  TempDir guest;
  GpuEnv env(guest);
  write_file(guest / "Cargo.toml", "[package]\nname = \"guest\"\n");
  write_file(guest / "run.log", "thread 'main' panicked: GasMismatch { expected: 1, actual: 2 }\n");
  const auto result = run_zkbench("doctor --zkvm sp1 --guest '" + guest.path().string() + "' --log '" +
                                  (guest / "run.log").string() + "'");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("no [patch.*] section"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("line 1: SP1: block execution disagrees on gas"), std::string::npos);
  EXPECT_NE(result.output.find("fix: use ark_bn254 instead of the substrate-bn patch"), std::string::npos);
}

TEST(CliDoctor, bad_input_is_a_one_line_error) {
  EXPECT_EQ(run_zkbench("doctor --zkvm jolt").exit_code, 2);
  const auto missing = run_zkbench("doctor --zkvm zisk --guest /nonexistent/guest");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("error: cannot read the guest manifest '/nonexistent/guest'"),
            std::string::npos)
      << missing.output;
  TempDir dir;
  write_file(dir / "Cargo.toml", "[patch.crates-io]\nsha2 = { git = \"x\"\n");
  const auto bad = run_zkbench("doctor --zkvm zisk --guest '" + dir.path().string() + "'");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("Cargo.toml:2:"), std::string::npos) << bad.output;
}
