// project/workspace: this machine's class.

#include <gtest/gtest.h>

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
