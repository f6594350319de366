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
