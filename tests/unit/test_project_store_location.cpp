#include <gtest/gtest.h>

#include "project/store_location.hpp"
#include "support/env.hpp"
#include "support/fixtures.hpp"

using zkbench::project::find_store_location;
using zkbench::project::store_location;

TEST(ProjectStoreLocation, option_then_environment_then_zkbench_yaml_then_the_project_file) {
  zkbench::test::ScopedEnv env;
  env.set("ZKBENCH_STORE", "");
  const std::optional<std::string> configured = "postgresql://db/team";
  EXPECT_EQ(store_location("x.db", configured, "/p"), "x.db");
  EXPECT_EQ(store_location("", configured, "/p"), "postgresql://db/team");
  EXPECT_EQ(store_location("", std::string("results/bench.db"), "/p"), "/p/results/bench.db");
  EXPECT_EQ(store_location("", std::string("/abs/bench.db"), "/p"), "/abs/bench.db");
  EXPECT_EQ(store_location("", std::nullopt, "/p"), "/p/.zkbench/zkbench.db");
  env.set("ZKBENCH_STORE", "postgresql://db/worker");
  EXPECT_EQ(store_location("", configured, "/p"), "postgresql://db/worker");
  EXPECT_EQ(store_location("x.db", configured, "/p"), "x.db");
}

TEST(ProjectStoreLocation, team_commands_read_the_store_of_zkbench_yaml) {
  zkbench::test::ScopedEnv env;
  env.set("ZKBENCH_STORE", "");
  const zkbench::test::TempDir dir;
  // No zkbench.yaml: the project's default beside where it would be.
  auto found = find_store_location("", dir / "zkbench.yaml");
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(*found, (dir / ".zkbench" / "zkbench.db").string());
  zkbench::test::write_file(dir / "zkbench.yaml", "benchmark:\n  command: \"prog {input}\"\ncorrectness:\n  command: \"prog {input}\"\n"
                                                "store: \"postgresql://db/team\"\n");
  found = find_store_location("", dir / "zkbench.yaml");
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(*found, "postgresql://db/team"); // issue 20: submit/queue/worker looked in .zkbench/zkbench.db
  zkbench::test::write_file(dir / "zkbench.yaml", "store: [not, a, string]\n");
  found = find_store_location("", dir / "zkbench.yaml");
  ASSERT_FALSE(found);
  EXPECT_NE(found.error().message.find("zkbench.yaml"), std::string::npos) << found.error().message;
}
