// Parsing of squeue, scontrol and sacct output (queue/slurm_state), on output captured from the test
// cluster of scripts/slurm-test-cluster.sh (Slurm 22.05, Debian 12) in tests/data/slurm/.
#include <map>

#include <gtest/gtest.h>

#include "queue/slurm_state.hpp"
#include "support/fixtures.hpp"

using namespace zkbench::queue::slurm;

namespace {

std::string captured(const std::string& name) {
  return zkbench::test::read_file(std::filesystem::path(ZKBENCH_SOURCE_DIR) / "tests/data/slurm" / name);
}

} // namespace

TEST(QueueSlurmState, squeue_shows_one_running_exclusive_job_and_the_others_waiting) {
  const auto jobs = parse_squeue(captured("squeue_exclusive_three.txt"));
  ASSERT_TRUE(jobs) << jobs.error().message;
  ASSERT_EQ(jobs->size(), 3U);
  EXPECT_EQ((*jobs)[0].job_id, 2);
  EXPECT_EQ((*jobs)[0].name, "zkbench-002");
  EXPECT_EQ((*jobs)[0].state, "PENDING");
  EXPECT_EQ((*jobs)[0].reason, "Resources");
  EXPECT_TRUE((*jobs)[0].nodes.empty());
  EXPECT_EQ((*jobs)[1].reason, "Priority");
  EXPECT_EQ((*jobs)[2].state, "RUNNING");
  EXPECT_EQ((*jobs)[2].nodes, "vm");
  EXPECT_EQ((*jobs)[2].time_limit, "1:00");
}

TEST(QueueSlurmState, squeue_all_states_keeps_finished_jobs_and_how_they_ended) {
  const auto jobs = parse_squeue(captured("squeue_all_states.txt"));
  ASSERT_TRUE(jobs) << jobs.error().message;
  ASSERT_EQ(jobs->size(), 6U);
  std::map<std::int64_t, JobState> by_id;
  for (const auto& job : *jobs) {
    by_id[job.job_id] = job;
  }
  EXPECT_EQ(by_id[4].state, "TIMEOUT");
  EXPECT_EQ(by_id[4].reason, "TimeLimit");
  EXPECT_EQ(by_id[4].name, "zkbench-baseline");
  EXPECT_EQ(ending_of(by_id[4].state), Ending::timed_out);
  EXPECT_EQ(by_id[5].reason, "DependencyNeverSatisfied"); // --kill-on-invalid-dep after the timeout
  EXPECT_EQ(ending_of(by_id[5].state), Ending::cancelled);
  EXPECT_EQ(ending_of(by_id[1].state), Ending::completed);
}

TEST(QueueSlurmState, squeue_waiting_on_a_dependency) {
  const auto jobs = parse_squeue(captured("squeue_running_dependency_resources.txt"));
  ASSERT_TRUE(jobs) << jobs.error().message;
  ASSERT_EQ(jobs->size(), 3U);
  EXPECT_EQ((*jobs)[0].reason, "Dependency");
  EXPECT_EQ((*jobs)[0].time_limit, "UNLIMITED");
  EXPECT_EQ(ending_of((*jobs)[0].state), Ending::open);
}

TEST(QueueSlurmState, squeue_rejects_lines_without_their_fields) {
  const auto short_line = parse_squeue("12|zkbench-001|RUNNING\n");
  ASSERT_FALSE(short_line);
  EXPECT_NE(short_line.error().message.find("squeue line 1"), std::string::npos) << short_line.error().message;
  EXPECT_FALSE(parse_squeue("x|a|b|c|d|e|f|g\n"));
  const auto empty = parse_squeue("\n");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(QueueSlurmState, scontrol_reads_a_job_in_each_state) {
  const auto running = parse_scontrol_job(captured("scontrol_completed.txt"));
  ASSERT_TRUE(running && *running) << (running ? "" : running.error().message);
  EXPECT_EQ((*running)->job_id, 1);
  EXPECT_EQ((*running)->name, "zkbench-001");
  EXPECT_EQ((*running)->state, "COMPLETED");
  EXPECT_EQ((*running)->nodes, "vm");
  EXPECT_EQ((*running)->exit_code, "0:0");
  EXPECT_EQ((*running)->time_limit, "00:01:00");

  const auto timed_out = parse_scontrol_job(captured("scontrol_timeout.txt"));
  ASSERT_TRUE(timed_out && *timed_out);
  EXPECT_EQ((*timed_out)->state, "TIMEOUT");
  EXPECT_EQ((*timed_out)->reason, "TimeLimit");
  EXPECT_EQ((*timed_out)->exit_code, "0:9"); // killed after KillWait

  const auto pending = parse_scontrol_job(captured("scontrol_pending_dependency.txt"));
  ASSERT_TRUE(pending && *pending);
  EXPECT_EQ((*pending)->state, "PENDING");
  EXPECT_EQ((*pending)->reason, "Dependency");
  EXPECT_TRUE((*pending)->nodes.empty());

  const auto cancelled = parse_scontrol_job(captured("scontrol_cancelled_pending.txt"));
  ASSERT_TRUE(cancelled && *cancelled);
  EXPECT_EQ(ending_of((*cancelled)->state), Ending::cancelled);
  EXPECT_TRUE((*cancelled)->nodes.empty()); // it never ran (SchedNodeList is not NodeList)
}

TEST(QueueSlurmState, scontrol_of_an_unknown_job_is_nothing_and_garbage_an_error) {
  const auto unknown = parse_scontrol_job(captured("scontrol_invalid_id.txt"));
  ASSERT_TRUE(unknown) << unknown.error().message;
  EXPECT_FALSE(*unknown);
  EXPECT_FALSE(parse_scontrol_job("JobName=x JobState=RUNNING"));
  EXPECT_FALSE(parse_scontrol_job("JobId=abc JobState=RUNNING"));
}

TEST(QueueSlurmState, sacct_without_accounting_is_not_parsed_as_jobs) {
  // What sacct prints on a cluster without slurmdbd (exit 1): the client treats the jobs as unknown.
  EXPECT_FALSE(parse_sacct(captured("sacct_accounting_disabled.txt")));
}

TEST(QueueSlurmState, sacct_parsable_lines_skip_steps_and_trim_the_canceller) {
  // sacct --parsable2 in k_sacct_fields, as written for jobs 7 and 8 (steps of 7 included).
  const auto jobs = parse_sacct("7|zkbench-001|TIMEOUT|node3|0:0|TimeLimit\n7.batch|batch|CANCELLED|node3|0:15|\n"
                                "8|zkbench-002|CANCELLED by 0|None assigned|0:0|None\n");
  ASSERT_TRUE(jobs) << jobs.error().message;
  ASSERT_EQ(jobs->size(), 2U);
  EXPECT_EQ((*jobs)[0].state, "TIMEOUT");
  EXPECT_EQ((*jobs)[0].nodes, "node3");
  EXPECT_EQ((*jobs)[1].state, "CANCELLED");
  EXPECT_TRUE((*jobs)[1].nodes.empty());
  EXPECT_EQ(ending_of((*jobs)[1].state), Ending::cancelled);
}

TEST(QueueSlurmState, endings_of_slurm_states) {
  EXPECT_EQ(ending_of("PENDING"), Ending::open);
  EXPECT_EQ(ending_of("RUNNING"), Ending::open);
  EXPECT_EQ(ending_of("COMPLETING"), Ending::open);
  EXPECT_EQ(ending_of("COMPLETED"), Ending::completed);
  EXPECT_EQ(ending_of("DEADLINE"), Ending::timed_out);
  EXPECT_EQ(ending_of("NODE_FAIL"), Ending::failed);
  EXPECT_EQ(ending_of("OUT_OF_MEMORY"), Ending::failed);
  EXPECT_EQ(ending_of("CANCELLED+"), Ending::cancelled);
  EXPECT_STREQ(to_string(Ending::timed_out), "timed_out");
}

TEST(QueueSlurmState, a_job_being_stopped_tells_a_time_limit_from_a_cancel_only_once_it_can) {
  // Captured during KillWait: Slurm shows COMPLETING while the job's processes stop.
  const auto at_limit = parse_scontrol_job(captured("scontrol_completing_at_time_limit.txt"));
  ASSERT_TRUE(at_limit && *at_limit);
  EXPECT_EQ((*at_limit)->state, "COMPLETING");
  EXPECT_EQ(ending_of((*at_limit)->state), Ending::open);
  EXPECT_EQ(ending_when_stopped(**at_limit), Ending::timed_out); // Reason=TimeLimit
  const auto after_scancel = parse_scontrol_job(captured("scontrol_completing_after_scancel.txt"));
  ASSERT_TRUE(after_scancel && *after_scancel);
  EXPECT_EQ((*after_scancel)->state, "COMPLETING");
  EXPECT_EQ(ending_when_stopped(**after_scancel), Ending::open); // CANCELLED only once it is over
  const auto cancelled = parse_scontrol_job(captured("scontrol_cancelled_pending.txt"));
  EXPECT_EQ(ending_when_stopped(**cancelled), Ending::cancelled);
}
