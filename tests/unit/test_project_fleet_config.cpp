// zkbench.yaml's fleet: section (project/fleet_config): every key's effect and its located errors.
#include <gtest/gtest.h>

#include "support/fixtures.hpp"
#include "project/config.hpp"

using namespace zkbench::project;
using zkbench::test::TempDir;
using zkbench::test::write_file;

namespace {

zkbench::Result<ProjectConfig> load_with_fleet(const TempDir& dir, const std::string& fleet) {
  write_file(dir / "zkbench.yaml", "benchmark:\n  command: \"./prove.sh {input}\"\ncorrectness:\n  command: \"./run.sh "
                                   "{input}\"\nfleet:\n" + fleet);
  return load_config(dir / "zkbench.yaml", "zkbench.yaml");
}

std::string error_of(const zkbench::Result<ProjectConfig>& result) {
  return result ? std::string("(loaded)") : result.error().message;
}

} // namespace

TEST(WorkflowFleetConfig, absent_section_gives_the_store_queue_and_defaults) {
  TempDir dir;
  write_file(dir / "zkbench.yaml",
             "benchmark:\n  command: \"./prove.sh {input}\"\ncorrectness:\n  command: \"./run.sh {input}\"\n");
  const auto config = load_config(dir / "zkbench.yaml", "zkbench.yaml");
  ASSERT_TRUE(config) << error_of(config);
  EXPECT_EQ(config->fleet.scheduler, Scheduler::queue);
  EXPECT_EQ(config->fleet.gres, "gpu:1");
  EXPECT_TRUE(config->fleet.partition.empty());
  EXPECT_TRUE(config->fleet.account.empty());
  EXPECT_TRUE(config->fleet.sbatch_options.empty());
  EXPECT_DOUBLE_EQ(config->fleet.min_time_limit_minutes, 10);
  EXPECT_FALSE(config->fleet.build_minutes);
}

TEST(WorkflowFleetConfig, every_key_is_read) {
  TempDir dir;
  const auto config = load_with_fleet(dir, "  scheduler: slurm\n  partition: gpu\n  gres: \"gpu:h100:2\"\n"
                                           "  account: zk-team\n  sbatch_options: [\"--qos=bench\", \"--time=120\"]\n"
                                           "  min_time_limit_minutes: 5\n  build_minutes: 0\n");
  ASSERT_TRUE(config) << error_of(config);
  EXPECT_EQ(config->fleet.scheduler, Scheduler::slurm);
  EXPECT_EQ(config->fleet.partition, "gpu");
  EXPECT_EQ(config->fleet.gres, "gpu:h100:2");
  EXPECT_EQ(config->fleet.account, "zk-team");
  EXPECT_EQ(config->fleet.sbatch_options, (std::vector<std::string>{"--qos=bench", "--time=120"}));
  EXPECT_DOUBLE_EQ(config->fleet.min_time_limit_minutes, 5);
  ASSERT_TRUE(config->fleet.build_minutes);
  EXPECT_DOUBLE_EQ(*config->fleet.build_minutes, 0);
}

TEST(WorkflowFleetConfig, an_empty_gres_asks_for_none) {
  TempDir dir;
  const auto config = load_with_fleet(dir, "  gres: \"\"\n");
  ASSERT_TRUE(config) << error_of(config);
  EXPECT_TRUE(config->fleet.gres.empty());
}

TEST(WorkflowFleetConfig, bad_values_fail_with_their_location) {
  TempDir dir;
  EXPECT_EQ(error_of(load_with_fleet(dir, "  scheduler: kubernetes\n")).rfind("zkbench.yaml:6:", 0), 0U);
  EXPECT_NE(error_of(load_with_fleet(dir, "  scheduler: kubernetes\n")).find("fleet.scheduler"), std::string::npos);
  const std::string gres = error_of(load_with_fleet(dir, "  gres: \"gpu\"\n"));
  EXPECT_NE(gres.find("fleet.gres: expected NAME:COUNT or NAME:TYPE:COUNT"), std::string::npos) << gres;
  EXPECT_NE(error_of(load_with_fleet(dir, "  gres: \"gpu:0\"\n")).find("fleet.gres"), std::string::npos);
  const std::string short_option = error_of(load_with_fleet(dir, "  sbatch_options: [\"-q bench\"]\n"));
  EXPECT_NE(short_option.find("fleet.sbatch_options[0]: expected a long sbatch option"), std::string::npos)
      << short_option;
  const std::string reserved = error_of(load_with_fleet(dir, "  sbatch_options: [\"--qos=a\", \"--job-name=x\"]\n"));
  EXPECT_NE(reserved.find("fleet.sbatch_options[1]: '--job-name=x' is set by zkbench itself"), std::string::npos)
      << reserved;
  EXPECT_NE(error_of(load_with_fleet(dir, "  min_time_limit_minutes: 0\n")).find("fleet.min_time_limit_minutes"),
            std::string::npos);
  EXPECT_NE(error_of(load_with_fleet(dir, "  build_minutes: -1\n")).find("fleet.build_minutes"), std::string::npos);
  const std::string unknown = error_of(load_with_fleet(dir, "  partitions: gpu\n"));
  EXPECT_NE(unknown.find("partitions"), std::string::npos) << unknown;
}

TEST(WorkflowFleetConfig, reserved_options_are_recognised_with_or_without_a_value) {
  EXPECT_TRUE(is_reserved_sbatch_option("--output=x.out"));
  EXPECT_TRUE(is_reserved_sbatch_option("--parsable"));
  EXPECT_FALSE(is_reserved_sbatch_option("--time=60"));
  EXPECT_FALSE(is_reserved_sbatch_option("--output-format")); // a different option
  EXPECT_EQ(parse_scheduler("slurm"), Scheduler::slurm);
  EXPECT_EQ(parse_scheduler("queue"), Scheduler::queue);
  EXPECT_FALSE(parse_scheduler("SLURM"));
  EXPECT_STREQ(to_string(Scheduler::slurm), "slurm");
}
