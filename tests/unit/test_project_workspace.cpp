// project/workspace: this machine's class and the project's policy.

#include <gtest/gtest.h>

#include <fstream>

#include "support/env.hpp"
#include "support/fixtures.hpp"
#include "project/workspace.hpp"

TEST(WorkflowMachineClass, comes_from_the_environment_trimmed_and_is_empty_when_unset) {
  zkbench::test::ScopedEnv env;
  env.set("ZKBENCH_MACHINE_CLASS", " h100\n");
  EXPECT_EQ(zkbench::project::machine_class_from_env(), "h100");
  ::unsetenv("ZKBENCH_MACHINE_CLASS"); // ScopedEnv restores the value from before the test
  EXPECT_EQ(zkbench::project::machine_class_from_env(), "");
}

TEST(WorkflowProjectPolicy, a_policy_files_timeout_slack_is_kept_and_the_workflow_minimum_applies_below_it) {
  zkbench::test::TempDir dir;
  const auto file = dir.path() / "policy.yaml";
  std::ofstream(file) << "preset: zkvm\ntimeout_min_slack_s: 30\n";
  zkbench::project::ProjectConfig config;
  config.policy.kind = zkbench::project::PolicyKind::file;
  config.policy.file = file;
  const auto from_file = zkbench::project::project_policy(config);
  ASSERT_TRUE(from_file) << from_file.error().message;
  EXPECT_DOUBLE_EQ(from_file->timeout_min_slack_s, 30.0); // the key the file sets does something
  config.policy.kind = zkbench::project::PolicyKind::generic;
  const auto preset = zkbench::project::project_policy(config);
  ASSERT_TRUE(preset) << preset.error().message;
  EXPECT_DOUBLE_EQ(preset->timeout_min_slack_s, zkbench::project::k_min_timeout_slack_s);
}
