// The sbatch arguments, batch script and time limit of a Slurm job (queue/slurm_batch).
#include <algorithm>

#include <gtest/gtest.h>

#include "queue/slurm_batch.hpp"

using namespace zkbench::queue::slurm;
using zkbench::project::FleetConfig;

namespace {

BatchJob experiment_job() {
  BatchJob job;
  job.queue_job_id = 17;
  job.argv = {"exp", "run", "001"};
  job.name = job_name(job.argv, job.queue_job_id);
  job.program = "/opt/zkbench/bin/zkbench";
  job.workdir = "/shared/project";
  job.artifacts_dir = "/shared/project/.zkbench/artifacts";
  job.store_display = "postgresql://bench:***@db/zk";
  return job;
}

bool has(const std::vector<std::string>& argv, const std::string& arg) {
  return std::find(argv.begin(), argv.end(), arg) != argv.end();
}

std::ptrdiff_t position(const std::vector<std::string>& argv, const std::string& arg) {
  return std::find(argv.begin(), argv.end(), arg) - argv.begin();
}

} // namespace

TEST(QueueSlurmBatch, job_names_follow_the_workflow) {
  EXPECT_EQ(job_name({"exp", "run", "001"}, 5), "zkbench-001");
  EXPECT_EQ(job_name({"exp", "run", "7"}, 5), "zkbench-007");
  EXPECT_EQ(job_name({"baseline"}, 5), "zkbench-baseline");
  EXPECT_EQ(job_name({"compound", "1", "002"}, 5), "zkbench-compound-001-002");
  EXPECT_EQ(job_name({"compound", "x"}, 5), "zkbench-job-5");
  EXPECT_EQ(job_name({"run", "--", "sleep", "1"}, 9), "zkbench-job-9");
  EXPECT_EQ(job_name({"bisect", "--metric", "steps", "v1", "v2"}, 4), "zkbench-bisect-4");
}

TEST(QueueSlurmBatch, every_job_is_exclusive_named_and_asks_for_the_gres) {
  FleetConfig fleet;
  const BatchJob job = experiment_job();
  const auto argv = sbatch_argv(fleet, job, "/shared/project/.zkbench/artifacts/slurm/zkbench-001-17.sh");
  EXPECT_EQ(argv.front(), "sbatch");
  EXPECT_TRUE(has(argv, "--parsable"));
  EXPECT_TRUE(has(argv, "--exclusive"));
  EXPECT_TRUE(has(argv, "--job-name=zkbench-001"));
  EXPECT_TRUE(has(argv, "--gres=gpu:1"));
  EXPECT_TRUE(has(argv, "--output=/shared/project/.zkbench/artifacts/slurm/zkbench-001-%j.out"));
  EXPECT_TRUE(has(argv, "--chdir=/shared/project"));
  EXPECT_TRUE(has(argv, "--export=ALL"));
  EXPECT_EQ(argv.back(), "/shared/project/.zkbench/artifacts/slurm/zkbench-001-17.sh");
  // Nothing configured, nothing estimated: no partition, account, time or dependency.
  for (const auto& arg : argv) {
    EXPECT_EQ(arg.rfind("--partition", 0), std::string::npos) << arg;
    EXPECT_EQ(arg.rfind("--account", 0), std::string::npos) << arg;
    EXPECT_EQ(arg.rfind("--time", 0), std::string::npos) << arg;
    EXPECT_EQ(arg.rfind("--dependency", 0), std::string::npos) << arg;
  }
}

TEST(QueueSlurmBatch, fleet_keys_time_limit_and_dependency_become_options) {
  FleetConfig fleet;
  fleet.partition = "gpu";
  fleet.gres = "gpu:h100:2";
  fleet.account = "zk-team";
  fleet.sbatch_options = {"--qos=bench", "--time=120"};
  BatchJob job = experiment_job();
  job.time_limit_minutes = 42;
  job.after_ok = 1234;
  const auto argv = sbatch_argv(fleet, job, "job.sh");
  EXPECT_TRUE(has(argv, "--partition=gpu"));
  EXPECT_TRUE(has(argv, "--gres=gpu:h100:2"));
  EXPECT_TRUE(has(argv, "--account=zk-team"));
  EXPECT_TRUE(has(argv, "--qos=bench"));
  EXPECT_TRUE(has(argv, "--time=42"));
  EXPECT_TRUE(has(argv, "--dependency=afterok:1234"));
  EXPECT_TRUE(has(argv, "--kill-on-invalid-dep=yes"));
  // The configured --time comes first, so the computed one (later) is the one sbatch keeps.
  EXPECT_LT(position(argv, "--time=120"), position(argv, "--time=42"));
}

TEST(QueueSlurmBatch, an_empty_gres_asks_for_none) {
  FleetConfig fleet;
  fleet.gres.clear();
  for (const auto& arg : sbatch_argv(fleet, experiment_job(), "job.sh")) {
    EXPECT_EQ(arg.rfind("--gres", 0), std::string::npos) << arg;
  }
}

TEST(QueueSlurmBatch, the_script_runs_the_worker_for_its_job_and_holds_no_secret) {
  BatchJob job = experiment_job();
  job.workdir = "/shared/my project";
  const std::string script = batch_script(job);
  EXPECT_EQ(script.rfind("#!/bin/sh\n", 0), 0U);
  EXPECT_NE(script.find("# zkbench job 17: zkbench exp run 001\n"), std::string::npos) << script;
  EXPECT_NE(script.find("# store: postgresql://bench:***@db/zk"), std::string::npos) << script;
  EXPECT_NE(script.find("exec /opt/zkbench/bin/zkbench worker --job 17 --log-dir "
                        "/shared/project/.zkbench/artifacts/slurm\n"),
            std::string::npos)
      << script;
  BatchJob quoted = experiment_job();
  quoted.program = "/opt/zk bench/zkbench";
  EXPECT_NE(batch_script(quoted).find("exec '/opt/zk bench/zkbench' worker"), std::string::npos);
}

TEST(QueueSlurmBatch, sbatch_parsable_output_gives_the_job_id) {
  EXPECT_EQ(parse_sbatch_job_id("4\n").value_or(0), 4);
  EXPECT_EQ(parse_sbatch_job_id("1234;cluster\n").value_or(0), 1234);
  const auto bad = parse_sbatch_job_id("sbatch: error: Batch job submission failed\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("not a job id"), std::string::npos);
  EXPECT_FALSE(parse_sbatch_job_id(""));
}

TEST(QueueSlurmBatch, time_limit_counts_every_run_at_its_timeout_plus_cooldowns_and_build) {
  TimeLimitInputs inputs;
  inputs.baseline_medians_s = {60, 120}; // two inputs
  inputs.runs_per_input = 20;
  inputs.warmup = 3;
  inputs.timeout_multiplier = 1.5;
  inputs.cooldown_s = 30;
  inputs.build_s = 600;
  inputs.min_minutes = 10;
  // (3 + 20 + 1) runs per input: 24 x (60 x 1.5 + 30) + 24 x (120 x 1.5 + 30) + 600 = 2880 + 5040 + 600 s
  EXPECT_EQ(time_limit_minutes(inputs), 142); // 8520 s = 142 min
  inputs.cooldown_s = 0;
  inputs.build_s = 0;
  EXPECT_EQ(time_limit_minutes(inputs), 108); // 24 x 90 + 24 x 180 = 6480 s
  // An interleaved experiment measures the baseline's build too: every side's runs count.
  inputs.sides = 2;
  EXPECT_EQ(time_limit_minutes(inputs), 216);
}

TEST(QueueSlurmBatch, time_limit_has_a_floor_and_rounds_up) {
  TimeLimitInputs inputs;
  inputs.baseline_medians_s = {0.05};
  inputs.runs_per_input = 2;
  inputs.warmup = 0;
  inputs.min_minutes = 10;
  EXPECT_EQ(time_limit_minutes(inputs), 10);
  inputs.min_minutes = 1;
  EXPECT_EQ(time_limit_minutes(inputs), 1);
  inputs.min_minutes = 0.5;
  inputs.baseline_medians_s = {61}; // 3 runs x 61 s x 1.1 = 201.3 s
  EXPECT_EQ(time_limit_minutes(inputs), 4);
}

TEST(QueueSlurmBatch, a_bisections_limit_counts_its_comparisons_builds_and_correctness_runs) {
  BisectTimeLimitInputs inputs;
  inputs.halvings = 4;         // 9 to 16 commits after GOOD: 5 comparisons, 6 builds
  inputs.run_s = {10, 20};     // two inputs
  inputs.max_runs = 40;
  inputs.warmup = 2;
  inputs.cooldown_s = 5;
  inputs.build_s = 300;
  inputs.safety_factor = 1.0;
  inputs.min_minutes = 1;
  // builds: 6 x 300 = 1800 s; correctness: 6 x (10 + 20) = 180 s;
  // comparisons: 5 x 2 sides x 42 runs x ((10 + 5) + (20 + 5)) = 16800 s; 18780 s = 313 min
  EXPECT_EQ(bisect_time_limit_minutes(inputs), 313);
  inputs.safety_factor = 2.0;
  EXPECT_EQ(bisect_time_limit_minutes(inputs), 626);
  inputs.halvings = 5; // twice the commits: one comparison and one build more
  EXPECT_EQ(bisect_time_limit_minutes(inputs), 2 * (7 * 300 + 7 * 30 + 6 * 2 * 42 * 40) / 60);
}

TEST(QueueSlurmBatch, a_bisections_limit_has_the_floor_and_the_fleets_limit_as_ceiling) {
  BisectTimeLimitInputs inputs;
  inputs.halvings = 0; // adjacent ends: the ends' comparison only
  inputs.run_s = {0.05};
  inputs.max_runs = 3;
  inputs.safety_factor = 1.0;
  inputs.min_minutes = 10;
  EXPECT_EQ(bisect_time_limit_minutes(inputs), 10);
  inputs.min_minutes = 0;
  EXPECT_EQ(bisect_time_limit_minutes(inputs), 1); // 0.4 s rounds up to a minute
  inputs.run_s = {600};
  inputs.max_runs = 40;
  inputs.halvings = 6;
  EXPECT_GT(bisect_time_limit_minutes(inputs), 120);
  inputs.max_minutes = 120;
  EXPECT_EQ(bisect_time_limit_minutes(inputs), 120);
  inputs.min_minutes = 240; // the fleet's limit wins over the floor: sbatch would refuse more
  EXPECT_EQ(bisect_time_limit_minutes(inputs), 120);
}

TEST(QueueSlurmBatch, the_fleets_time_limit_is_read_in_slurms_forms) {
  const auto limit = [](std::vector<std::string> options) {
    FleetConfig fleet;
    fleet.sbatch_options = std::move(options);
    return fleet_time_limit_minutes(fleet);
  };
  EXPECT_EQ(limit({}), std::nullopt);
  EXPECT_EQ(limit({"--qos=bench"}), std::nullopt);
  EXPECT_EQ(limit({"--time=120"}), 120);
  EXPECT_EQ(limit({"--time=90:30"}), 91); // M:S, rounded up
  EXPECT_EQ(limit({"--time=2:00:00"}), 120);
  EXPECT_EQ(limit({"--time=1-0"}), 24 * 60);
  EXPECT_EQ(limit({"--time=1-2:30"}), 26 * 60 + 30);
  EXPECT_EQ(limit({"--time=1-00:00:30"}), 24 * 60 + 1);
  EXPECT_EQ(limit({"--time=30", "--qos=bench", "--time=45"}), 45); // sbatch keeps the last
  for (const std::string none : {"0", "UNLIMITED", "INFINITE", "", "soon", "1:2:3:4", "-5", "1-", "2h"}) {
    EXPECT_EQ(limit({"--time=" + none}), std::nullopt) << none;
  }
}
