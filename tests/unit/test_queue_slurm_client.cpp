// The pure parts of queue/slurm_client: the Slurm id in a job's payload and how Slurm's end of a job
// closes its row of the store's queue.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "queue/slurm_client.hpp"

using namespace zkbench::queue;
using namespace zkbench::queue::slurm;

namespace {

Job job_with_payload(const std::string& payload) {
  Job job;
  job.id = 3;
  job.spec = {"slurm", payload, "h100", 1};
  return job;
}

nlohmann::json result_of(const Closing& closing) {
  return nlohmann::json::parse(closing.result_json);
}

} // namespace

TEST(QueueSlurmClient, the_slurm_job_id_comes_from_the_payload) {
  EXPECT_EQ(slurm_job_id(job_with_payload(R"({"argv":["baseline"],"slurm":{"job_id":42}})")), 42);
  EXPECT_FALSE(slurm_job_id(job_with_payload(R"({"argv":["baseline"]})")));
  EXPECT_FALSE(slurm_job_id(job_with_payload(R"({"slurm":{"job_id":"42"}})")));
  EXPECT_FALSE(slurm_job_id(job_with_payload("not json")));
}

TEST(QueueSlurmClient, open_states_leave_the_job_open) {
  EXPECT_FALSE(closing_for(JobState{5, "zkbench-001", "PENDING", "", "Dependency", "", "", ""}));
  EXPECT_FALSE(closing_for(JobState{5, "zkbench-001", "RUNNING", "vm", "None", "", "", ""}));
}

TEST(QueueSlurmClient, a_time_limit_is_recorded_as_timed_out_with_the_node) {
  const auto closing = closing_for(JobState{4, "zkbench-baseline", "TIMEOUT", "vm", "TimeLimit", "", "", "0:9"});
  ASSERT_TRUE(closing);
  EXPECT_EQ(closing->status, JobStatus::failed);
  const auto result = result_of(*closing);
  EXPECT_EQ(result["ended"], "timed_out");
  EXPECT_EQ(result["slurm_state"], "TIMEOUT");
  EXPECT_EQ(result["slurm_job_id"], 4);
  EXPECT_EQ(result["node"], "vm");
  EXPECT_EQ(result["slurm_exit_code"], "0:9");
}

TEST(QueueSlurmClient, cancelled_failed_completed_and_forgotten_jobs_are_told_apart) {
  EXPECT_EQ(result_of(*closing_for(JobState{6, "", "CANCELLED", "", "", "", "", ""}))["ended"], "cancelled");
  EXPECT_EQ(result_of(*closing_for(JobState{6, "", "NODE_FAIL", "n1", "", "", "", ""}))["ended"], "failed");
  // A batch job that completed with its row still open: its worker never recorded the result.
  const auto completed = result_of(*closing_for(JobState{6, "", "COMPLETED", "n1", "", "", "", "0:0"}));
  EXPECT_EQ(completed["ended"], "lost");
  EXPECT_EQ(completed["slurm_state"], "COMPLETED");
  const auto forgotten = closing_for(std::nullopt);
  ASSERT_TRUE(forgotten);
  EXPECT_EQ(result_of(*forgotten)["ended"], "lost");
}
