#include <gtest/gtest.h>

#include "support/fixtures.hpp"
#include "project/environment.hpp"

using namespace zkbench::project;
using zkbench::test::fixture_path;
using zkbench::test::read_file;
namespace gpu = zkbench::gpu;

namespace {

gpu::GpuInfo gpu_info(const std::string& name, std::optional<double> memory, const std::string& driver,
                      const std::string& cuda) {
  gpu::GpuInfo info;
  info.name = name;
  info.memory_total_bytes = memory;
  info.driver_version = driver;
  info.cuda_version = cuda;
  return info;
}

} // namespace

TEST(WorkflowEnvironment, parses_cpuinfo_meminfo_and_os_release) {
  const std::string cpuinfo = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD Ryzen 9 5950X 16-Core "
                              "Processor\n\nprocessor\t: 1\nmodel name\t: AMD Ryzen 9 5950X 16-Core Processor\n";
  EXPECT_EQ(parse_cpu_model(cpuinfo), "AMD Ryzen 9 5950X 16-Core Processor");
  EXPECT_EQ(count_processors(cpuinfo), 2);
  const std::string meminfo = "MemTotal:       65747884 kB\nMemFree:         1234 kB\nMemAvailable:   40000000 kB\n";
  EXPECT_EQ(parse_meminfo_bytes(meminfo, "MemTotal"), 65747884LL * 1024);
  EXPECT_EQ(parse_meminfo_bytes(meminfo, "MemAvailable"), 40000000LL * 1024);
  EXPECT_FALSE(parse_meminfo_bytes(meminfo, "SwapTotal"));
  EXPECT_EQ(parse_os_release("NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 13 (trixie)\"\n"),
            "Debian GNU/Linux 13 (trixie)");
  EXPECT_EQ(parse_os_release("NAME=Ubuntu\nVERSION=\"22.04.5 LTS (Jammy Jellyfish)\"\n"),
            "Ubuntu 22.04.5 LTS (Jammy Jellyfish)");
}

TEST(WorkflowEnvironment, parses_version_words_of_each_tool) {
  EXPECT_EQ(parse_version_word("rustc 1.84.0 (9fc6b4312 2025-01-07)\n"), "1.84.0");
  EXPECT_EQ(parse_version_word("cargo 1.84.0 (66221abde 2024-11-19)\n"), "1.84.0");
  EXPECT_EQ(parse_version_word("nvcc: NVIDIA (R) Cuda compiler driver\nCopyright (c) 2005-2024 NVIDIA Corporation\n"
                               "Built on Thu_Mar_28_02:18:24_PDT_2024\nCuda compilation tools, release 12.4, "
                               "V12.4.131\n"),
            "12.4");
  EXPECT_EQ(parse_version_word("cargo-zisk v0.15.0\n"), "v0.15.0");
  EXPECT_EQ(parse_version_word("cargo-prove sp1 (d454975 2026-04-11T01:51:47.829463000Z)\n"),
            "sp1 (d454975 2026-04-11T01:51:47.829463000Z)");
}

TEST(WorkflowEnvironment, reads_risc0_versions_from_the_fixture) {
  const std::string text = read_file(fixture_path("risc0/risc0_version_and_rzup_outputs.txt"));
  const auto start = text.find("cargo-risczero 3.0.5");
  ASSERT_NE(start, std::string::npos);
  EXPECT_EQ(parse_version_word(text.substr(start, text.find('\n', start) - start)), "3.0.5");
}

TEST(WorkflowEnvironment, lists_patched_crates) {
  const std::string toml = R"([package]
name = "guest"

[patch.crates-io]
# crypto patches
tiny-keccak = { git = "https://github.com/0xPolygonHermez/tiny-keccak", tag = "patch-2.0.2-zisk-0.15.0" }
k256 = { git = "https://github.com/0xPolygonHermez/elliptic-curves", tag = "x" }
"substrate-bn" = { git = "x" }

[patch.crates-io.sha2]
git = "x"

[dependencies]
serde = "1"
)";
  EXPECT_EQ(parse_cargo_patches(toml), (std::vector<std::string>{"tiny-keccak", "k256", "substrate-bn", "sha2"}));
  EXPECT_TRUE(parse_cargo_patches("[dependencies]\nserde = \"1\"\n").empty());
}

TEST(WorkflowEnvironment, yaml_round_trips) {
  Environment env;
  env.machine = {"prover-1", "AMD EPYC 9654", 192, 1LL << 40, "Ubuntu 22.04", "5.15.0"};
  env.gpu = gpu_info("NVIDIA H100 80GB HBM3", 81559.0 * 1024 * 1024, "590.48.01", "13.1");
  env.toolchain = {{"rustc", "1.84.0"}, {"cargo-zisk", "0.15.0"}};
  env.commit = "abc123";
  env.dirty = true;
  env.date = "2026-01-16T10:00:00Z";
  env.guest_manifest = "guest/Cargo.toml";
  env.patches = {"tiny-keccak", "k256"};
  const auto back = parse_environment_yaml(to_yaml(env), "environment.yaml");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_TRUE(diff_environments(env, *back).empty()) << describe_differences(diff_environments(env, *back));
  EXPECT_EQ(back->commit, "abc123");
  EXPECT_TRUE(back->dirty);
  EXPECT_EQ(back->toolchain.at("cargo-zisk"), "0.15.0");
  EXPECT_FALSE(parse_environment_yaml("machine: [", "environment.yaml"));
  env.gpu.reset();
  env.guest_manifest.reset();
  const auto without_gpu = parse_environment_yaml(to_yaml(env), "environment.yaml");
  ASSERT_TRUE(without_gpu) << without_gpu.error().message;
  EXPECT_FALSE(without_gpu->gpu);
}

TEST(WorkflowEnvironment, diff_names_each_difference_and_ignores_commit_and_date) {
  Environment a;
  a.machine.cpu = "AMD Ryzen 9 5950X";
  a.gpu = gpu_info("NVIDIA RTX 3090", 24.0 * (1LL << 30), "550.1", "12.4");
  a.toolchain = {{"rustc", "1.84.0"}};
  a.commit = "aaa";
  a.date = "2026-01-16T10:00:00Z";
  Environment b = a;
  b.commit = "bbb";
  b.date = "2026-01-17T10:00:00Z";
  EXPECT_TRUE(diff_environments(a, b).empty());
  b.gpu->driver_version = "580.2";
  b.toolchain["rustc"] = "1.85.0";
  b.toolchain["nvcc"] = "13.0";
  const auto differences = diff_environments(a, b);
  ASSERT_EQ(differences.size(), 3u);
  EXPECT_EQ(describe_differences(differences),
            "environments differ: gpu.driver (550.1 vs 580.2), toolchain.nvcc ((none) vs 13.0), toolchain.rustc "
            "(1.84.0 vs 1.85.0)");
  b.gpu.reset();
  EXPECT_EQ(diff_environments(a, b).front().key, "gpu.cuda");
}

TEST(WorkflowEnvironment, collects_this_machine_with_an_injected_gpu_probe) {
  CollectOptions options;
  options.repo_dir = ZKBENCH_SOURCE_DIR;
  options.gpu_probe = [] { return std::optional<gpu::GpuInfo>(gpu_info("Fake GPU", std::nullopt, "1.0", "")); };
  const Environment env = collect_environment(options);
  EXPECT_GT(env.machine.cores, 0);
  EXPECT_GT(env.machine.memory_bytes, 0);
  EXPECT_FALSE(env.machine.kernel.empty());
  ASSERT_TRUE(env.gpu);
  EXPECT_EQ(env.gpu->name, "Fake GPU");
  EXPECT_EQ(env.commit.size(), 40u) << env.commit;
  EXPECT_EQ(env.date.size(), 20u);
}

namespace zkbench::workflow {
namespace {

TEST(WorkflowEnvironment, compiler_versions_name_the_compiler) {
  // First lines of `cc --version` on Debian 12 (gcc) and of `clang --version`.
  EXPECT_EQ(parse_compiler_version("cc (Debian 12.2.0-14+deb12u1) 12.2.0\nCopyright (C) 2022 Free Software "
                                   "Foundation, Inc.\n"),
            "gcc 12.2.0");
  EXPECT_EQ(parse_compiler_version("Debian clang version 14.0.6\nTarget: x86_64-pc-linux-gnu\nThread model: posix\n"),
            "clang 14.0.6");
  EXPECT_EQ(parse_compiler_version("tcc version 0.9.27 (x86_64 Linux)\n"), "0.9.27");
}

} // namespace
} // namespace zkbench::workflow
