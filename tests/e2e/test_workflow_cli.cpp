// zkbench init and zkbench env, driven through the built binary in throwaway git repositories.
#include <regex>

#include <gtest/gtest.h>

#include "support/cli.hpp"
#include "support/fixtures.hpp"

using zkbench::test::read_file;
using zkbench::test::run_zkbench;
using zkbench::test::TempDir;
using zkbench::test::write_file;

namespace {

void git_init(const TempDir& dir) {
  const std::string command = "git init -q '" + dir.path().string() + "'";
  ASSERT_EQ(std::system(command.c_str()), 0);
}

} // namespace

TEST(WorkflowCli, init_outside_a_git_repository_says_so) {
  TempDir dir;
  const auto result = run_zkbench("init", dir.path());
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("is not inside a git repository"), std::string::npos) << result.output;
}

TEST(WorkflowCli, init_writes_the_files_and_refuses_to_overwrite_without_force) {
  TempDir dir;
  git_init(dir);
  auto result = run_zkbench("init --preset zisk", dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("wrote zkbench.yaml"), std::string::npos) << result.output;
  EXPECT_NE(read_file(dir / "zkbench.yaml").find("cargo-zisk prove -e {elf} -i {input} -o {out} -a -u -y"),
            std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir / "benchmarks/inputs.yaml"));

  result = run_zkbench("init", dir.path());
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("already exists"), std::string::npos) << result.output;
  EXPECT_NE(read_file(dir / "zkbench.yaml").find("cargo-zisk"), std::string::npos);

  result = run_zkbench("init --preset generic --force", dir.path());
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(read_file(dir / "zkbench.yaml").find("cargo-zisk"), std::string::npos);

  EXPECT_EQ(run_zkbench("init --preset jolt", dir.path()).exit_code, 2);
}

TEST(WorkflowCli, env_writes_environment_yaml_and_warns_about_changes) {
  TempDir dir;
  git_init(dir);
  auto result = run_zkbench("env", dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::string text = read_file(dir / "benchmarks/environment.yaml");
  for (const char* key : {"machine:", "hostname:", "cpu:", "cores:", "memory:", "os:", "kernel:", "toolchain:",
                          "commit:", "dirty:", "date:"}) {
    EXPECT_NE(text.find(key), std::string::npos) << key << "\n" << text;
  }
  // The C/C++ compiler is recorded as rustc and nvcc are (CI and these machines have cc and c++).
  EXPECT_TRUE(std::regex_search(text, std::regex(R"(\n  cc: "?(gcc|clang) [0-9])"))) << text;
  EXPECT_TRUE(std::regex_search(text, std::regex(R"(\n  c\+\+: "?(gcc|clang) [0-9])"))) << text;
  // Pretend the previous environment had another kernel: the next env names the difference.
  std::string edited = text;
  const auto at = edited.find("kernel: ");
  edited.replace(at, edited.find('\n', at) - at, "kernel: 0.0-old");
  write_file(dir / "benchmarks/environment.yaml", edited);
  result = run_zkbench("env", dir.path());
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.output.find("warning: since the last benchmarks/environment.yaml: environments differ: "
                               "machine.kernel (0.0-old vs "),
            std::string::npos)
      << result.output;
}

TEST(WorkflowCli, env_reports_a_config_error_with_file_line_and_key) {
  TempDir dir;
  git_init(dir);
  write_file(dir / "zkbench.yaml", "benchmark:\n  command: \"./p {input}\"\n  runs: ten\ncorrectness:\n  command: x\n");
  const auto result = run_zkbench("env --output env.yaml", dir.path());
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("error: zkbench.yaml:3:9: benchmark.runs: expected a positive integer, got 'ten'"),
            std::string::npos)
      << result.output;
}

TEST(WorkflowCli, env_records_the_guest_patches) {
  TempDir dir;
  git_init(dir);
  write_file(dir / "Cargo.toml", "[package]\nname = \"g\"\n\n[patch.crates-io]\nk256 = { git = \"x\" }\n");
  write_file(dir / "zkbench.yaml",
             "benchmark:\n  command: \"./p {input}\"\ncorrectness:\n  command: x\nguest: Cargo.toml\n");
  const auto result = run_zkbench("env", dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(read_file(dir / "benchmarks/environment.yaml").find("crates: [k256]"), std::string::npos)
      << read_file(dir / "benchmarks/environment.yaml");
}
