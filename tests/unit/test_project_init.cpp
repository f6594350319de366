#include <gtest/gtest.h>

#include "support/fixtures.hpp"
#include "project/config.hpp"
#include "project/init.hpp"

using namespace zkbench::project;
using zkbench::test::read_file;
using zkbench::test::TempDir;
using zkbench::test::write_file;

TEST(WorkflowInit, every_preset_writes_a_config_that_loads_back) {
  for (const Preset preset : {Preset::generic, Preset::zisk, Preset::sp1, Preset::risc0}) {
    TempDir dir;
    std::filesystem::create_directories(dir / ".git");
    const auto written = init_project(dir.path(), preset, Overwrite::no);
    ASSERT_TRUE(written) << written.error().message;
    ASSERT_EQ(written->size(), 2u);
    const auto config = load_config(dir / "zkbench.yaml", "zkbench.yaml");
    ASSERT_TRUE(config) << to_string(preset) << ": " << config.error().message;
    EXPECT_EQ(config->inputs_file, (dir / "benchmarks/inputs.yaml").lexically_normal());
    EXPECT_TRUE(std::filesystem::is_directory(dir / "benchmarks/inputs"));
    if (preset == Preset::generic) {
      EXPECT_EQ(config->policy.kind, PolicyKind::generic);
      // A CPU program needs no cooldown: 60 s between runs cost 39 minutes of sleep per baseline.
      EXPECT_DOUBLE_EQ(config->benchmark.cooldown_seconds, 0);
      continue;
    }
    EXPECT_EQ(config->policy.kind, PolicyKind::zkvm) << to_string(preset);
    EXPECT_DOUBLE_EQ(config->benchmark.timeout_multiplier, 1.15);
    EXPECT_DOUBLE_EQ(config->benchmark.cooldown_seconds, 120);
    EXPECT_EQ(config->benchmark.max_start_temp_c, 50.0);
    ASSERT_TRUE(config->profile);
  }
}

TEST(WorkflowInit, zisk_preset_fills_the_prover_commands) {
  TempDir dir;
  std::filesystem::create_directories(dir / ".git");
  ASSERT_TRUE(init_project(dir.path(), Preset::zisk, Overwrite::no));
  const auto config = load_config(dir / "zkbench.yaml", "zkbench.yaml");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->benchmark.command, "cargo-zisk prove -e {elf} -i {input} -o {out} -a -u -y");
  EXPECT_EQ(config->correctness.verify, "cargo-zisk verify -p {out}/vadcop_final_proof.bin");
  EXPECT_EQ(config->profile->command, "ziskemu -e {elf} -i {input} -X -S -D");
  EXPECT_EQ(config->benchmark.prover_metrics, zkbench::provers::ProverKind::zisk); // steps from the parsers
  EXPECT_EQ(config->benchmark.deterministic, (std::vector<std::string>{"steps"}));
}

TEST(WorkflowInit, sp1_and_risc0_presets_use_their_profilers) {
  const InitFiles sp1 = render_init_files(Preset::sp1);
  EXPECT_NE(sp1.config_yaml.find("TRACE_FILE="), std::string::npos);
  const InitFiles risc0 = render_init_files(Preset::risc0);
  EXPECT_NE(risc0.config_yaml.find("RISC0_INFO=1"), std::string::npos);
  EXPECT_NE(risc0.config_yaml.find("RISC0_PPROF_OUT="), std::string::npos);
}

TEST(WorkflowInit, written_inputs_file_loads_once_the_inputs_exist) {
  TempDir dir;
  std::filesystem::create_directories(dir / ".git");
  ASSERT_TRUE(init_project(dir.path(), Preset::generic, Overwrite::no));
  write_file(dir / "benchmarks/inputs/small.txt", "1");
  write_file(dir / "benchmarks/inputs/typical.txt", "2");
  const auto project = load_project(dir / "zkbench.yaml");
  ASSERT_TRUE(project) << project.error().message;
  EXPECT_EQ(project->inputs.inputs.size(), 2u);
}

TEST(WorkflowInit, refuses_outside_a_git_repository) {
  TempDir dir;
  const auto written = init_project(dir.path(), Preset::generic, Overwrite::no);
  ASSERT_FALSE(written);
  EXPECT_NE(written.error().message.find("is not inside a git repository"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir / "zkbench.yaml"));
}

TEST(WorkflowInit, refuses_to_overwrite_without_force) {
  TempDir dir;
  std::filesystem::create_directories(dir / ".git");
  std::filesystem::create_directories(dir / "sub");
  write_file(dir / "sub/zkbench.yaml", "mine\n");
  const auto refused = init_project(dir / "sub", Preset::zisk, Overwrite::no);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("already exists"), std::string::npos);
  EXPECT_EQ(read_file(dir / "sub/zkbench.yaml"), "mine\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "sub/benchmarks/inputs.yaml"));
  ASSERT_TRUE(init_project(dir / "sub", Preset::zisk, Overwrite::yes));
  EXPECT_NE(read_file(dir / "sub/zkbench.yaml"), "mine\n");
}

TEST(WorkflowInit, parses_preset_names) {
  EXPECT_EQ(parse_preset("risc0"), Preset::risc0);
  EXPECT_FALSE(parse_preset("jolt"));
}
