// The JobQueue contract (run on SQLite here and on PostgreSQL in tests/pg/), see
// tests/support/queue_contract.hpp.

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "queue/job_queue.hpp"
#include "support/queue_contract.hpp"

using zkbench::queue::Job;
using zkbench::queue::JobSpec;
using zkbench::queue::JobStatus;
using zkbench::queue::Lease;
using zkbench::test::QueueContract;

namespace {

JobSpec command_job(const std::string& machine_class = "h100", int max_attempts = 3) {
  return JobSpec{"command", R"({"argv":["version"]})", machine_class, max_attempts};
}

Lease lease_of(const Job& job) {
  return {job.id, job.lease_token.value_or("")};
}

constexpr std::int64_t k_minute_us = 60'000'000;

} // namespace

INSTANTIATE_TEST_SUITE_P(Sqlite, QueueContract,
                         testing::Values(zkbench::test::QueueBackend{
                             "sqlite", [](const std::filesystem::path& path) {
                               return zkbench::queue::open_queue(path.string());
                             }}),
                         [](const auto& param_info) { return param_info.param.name; });

TEST_P(QueueContract, claims_the_oldest_job_of_its_kind_and_class_only) {
  auto queue = open_queue();
  ASSERT_TRUE(queue);
  const auto other_class = queue->submit(command_job("rtx3090"));
  const auto task = queue->submit(JobSpec{"task", R"({"id":"001"})", "h100", 3});
  const auto first = queue->submit(command_job());
  const auto second = queue->submit(command_job());
  ASSERT_TRUE(other_class && task && first && second);

  const auto claimed = queue->claim("command", "h100", "w1", k_minute_us);
  ASSERT_TRUE(claimed) << claimed.error().message;
  ASSERT_TRUE(claimed->has_value());
  const Job& job = **claimed;
  EXPECT_EQ(job.id, *first);
  EXPECT_EQ(job.status, JobStatus::running);
  EXPECT_EQ(job.attempts, 1);
  EXPECT_EQ(job.worker, "w1");
  EXPECT_EQ(job.spec.payload_json, R"({"argv":["version"]})");
  ASSERT_TRUE(job.lease_token.has_value());
  EXPECT_EQ(job.lease_token->size(), 32U);

  const auto next = queue->claim("command", "h100", "w2", k_minute_us);
  ASSERT_TRUE(next && next->has_value());
  EXPECT_EQ((*next)->id, *second);
  const auto none = queue->claim("command", "h100", "w3", k_minute_us);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
}

TEST_P(QueueContract, finish_records_the_result_once) {
  auto queue = open_queue();
  ASSERT_TRUE(queue);
  ASSERT_TRUE(queue->submit(command_job()));
  const auto claimed = queue->claim("command", "h100", "w1", k_minute_us);
  ASSERT_TRUE(claimed && claimed->has_value());
  const Lease lease = lease_of(**claimed);
  EXPECT_TRUE(*queue->heartbeat(lease, k_minute_us));
  EXPECT_TRUE(*queue->finish(lease, JobStatus::done, R"({"exit_code":0})"));
  EXPECT_FALSE(*queue->finish(lease, JobStatus::failed, R"({"exit_code":1})"));
  EXPECT_FALSE(*queue->heartbeat(lease, k_minute_us));
  const auto job = queue->get(lease.job_id);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->status, JobStatus::done);
  EXPECT_EQ(job->result_json, R"({"exit_code":0})");
  EXPECT_TRUE(job->finished_at_us.has_value());
}

TEST_P(QueueContract, an_expired_lease_is_claimed_again_and_the_late_worker_changes_nothing) {
  auto queue = open_queue();
  ASSERT_TRUE(queue);
  ASSERT_TRUE(queue->submit(command_job()));
  // A lease of zero has expired by the next claim.
  const auto first = queue->claim("command", "h100", "late", 0);
  ASSERT_TRUE(first && first->has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const auto second = queue->claim("command", "h100", "on-time", k_minute_us);
  ASSERT_TRUE(second && second->has_value());
  EXPECT_EQ((*second)->id, (*first)->id);
  EXPECT_EQ((*second)->attempts, 2);
  EXPECT_NE((*second)->lease_token, (*first)->lease_token);

  EXPECT_FALSE(*queue->heartbeat(lease_of(**first), k_minute_us));
  EXPECT_FALSE(*queue->finish(lease_of(**first), JobStatus::failed, R"({"late":true})"));
  EXPECT_TRUE(*queue->finish(lease_of(**second), JobStatus::done, R"({"on_time":true})"));
  const auto job = queue->get((*first)->id);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->status, JobStatus::done);
  EXPECT_EQ(job->worker, "on-time");
  EXPECT_EQ(job->result_json, R"({"on_time":true})");
}

TEST_P(QueueContract, a_job_that_used_up_its_attempts_fails_when_its_lease_expires) {
  auto queue = open_queue();
  ASSERT_TRUE(queue);
  const auto id = queue->submit(command_job("h100", 1));
  ASSERT_TRUE(id);
  ASSERT_TRUE(queue->claim("command", "h100", "w1", 0)->has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const auto again = queue->claim("command", "h100", "w2", k_minute_us);
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->has_value());
  const auto job = queue->get(*id);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->status, JobStatus::failed);
  EXPECT_EQ(job->attempts, 1);
  EXPECT_NE(job->result_json.value_or("").find("lease expired"), std::string::npos);
}

TEST_P(QueueContract, concurrent_claimers_take_every_job_exactly_once) {
  constexpr int k_jobs = 60;
  {
    auto queue = open_queue();
    ASSERT_TRUE(queue);
    for (int i = 0; i < k_jobs; ++i) {
      ASSERT_TRUE(queue->submit(command_job()));
    }
  }
  std::mutex mutex;
  std::vector<std::int64_t> taken;
  std::atomic<int> failures{0};
  std::vector<std::thread> claimers;
  for (int t = 0; t < 4; ++t) {
    claimers.emplace_back([&, t] {
      auto queue = GetParam().open(store_path());
      if (!queue) {
        ++failures;
        return;
      }
      while (true) {
        const auto claimed = (*queue)->claim("command", "h100", "w" + std::to_string(t), k_minute_us);
        if (!claimed) {
          ++failures;
          return;
        }
        if (!claimed->has_value()) {
          return;
        }
        (*queue)->finish(lease_of(**claimed), JobStatus::done, "{}");
        std::lock_guard lock(mutex);
        taken.push_back((*claimed)->id);
      }
    });
  }
  for (auto& claimer : claimers) {
    claimer.join();
  }
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(taken.size(), static_cast<std::size_t>(k_jobs));
  EXPECT_EQ(std::set<std::int64_t>(taken.begin(), taken.end()).size(), static_cast<std::size_t>(k_jobs));
}

TEST_P(QueueContract, lists_newest_first_and_rejects_bad_specs) {
  auto queue = open_queue();
  ASSERT_TRUE(queue);
  const auto a = queue->submit(command_job());
  const auto b = queue->submit(command_job());
  ASSERT_TRUE(a && b);
  const auto jobs = queue->list(10);
  ASSERT_TRUE(jobs);
  ASSERT_EQ(jobs->size(), 2U);
  EXPECT_EQ((*jobs)[0].id, *b);
  EXPECT_EQ((*jobs)[0].status, JobStatus::queued);
  EXPECT_EQ((*jobs)[0].spec.max_attempts, 3);
  EXPECT_FALSE(queue->submit(JobSpec{"command", "[1,2]", "h100", 3}));
  EXPECT_FALSE(queue->submit(JobSpec{"command", "{}", "", 3}));
  const auto missing = queue->get(999);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("no job 999"), std::string::npos);
}

TEST_P(QueueContract, claim_job_takes_that_queued_job_only_once) {
  auto queue = open_queue();
  ASSERT_TRUE(queue);
  const auto older = queue->submit(JobSpec{"slurm", R"({"argv":["baseline"]})", "h100", 1});
  const auto wanted = queue->submit(JobSpec{"slurm", R"({"argv":["exp","run","001"]})", "h100", 1});
  ASSERT_TRUE(older && wanted);

  const auto claimed = queue->claim_job(*wanted, "slurm job 7 on node1", k_minute_us);
  ASSERT_TRUE(claimed) << claimed.error().message;
  ASSERT_TRUE(claimed->has_value()); // the job asked for, not the oldest one
  EXPECT_EQ((*claimed)->id, *wanted);
  EXPECT_EQ((*claimed)->status, JobStatus::running);
  EXPECT_EQ((*claimed)->worker, "slurm job 7 on node1");
  EXPECT_EQ((*claimed)->attempts, 1);
  ASSERT_TRUE((*claimed)->started_at_us.has_value());

  const auto again = queue->claim_job(*wanted, "another", k_minute_us);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_FALSE(again->has_value()); // running: not claimable by id again
  EXPECT_EQ(queue->get(*older)->status, JobStatus::queued);
  const auto missing = queue->claim_job(*wanted + 100, "w", k_minute_us);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("no job"), std::string::npos) << missing.error().message;
}

TEST_P(QueueContract, close_ends_an_open_job_without_its_lease_and_the_worker_then_changes_nothing) {
  auto queue = open_queue();
  ASSERT_TRUE(queue);
  const auto queued = queue->submit(command_job());
  const auto running = queue->submit(command_job());
  ASSERT_TRUE(queued && running);
  const auto claimed = queue->claim_job(*running, "w1", k_minute_us);
  ASSERT_TRUE(claimed && claimed->has_value());

  const auto closed_queued = queue->close(*queued, JobStatus::failed, R"({"ended":"cancelled"})");
  ASSERT_TRUE(closed_queued) << closed_queued.error().message;
  EXPECT_TRUE(*closed_queued);
  const auto closed_running = queue->close(*running, JobStatus::failed, R"({"ended":"timed_out"})");
  ASSERT_TRUE(closed_running && *closed_running);

  const Job cancelled = *queue->get(*queued);
  EXPECT_EQ(cancelled.status, JobStatus::failed);
  EXPECT_EQ(cancelled.result_json, R"({"ended":"cancelled"})");
  EXPECT_FALSE(cancelled.started_at_us.has_value()); // it never ran
  ASSERT_TRUE(cancelled.finished_at_us.has_value());
  EXPECT_FALSE(*queue->claim_job(*queued, "w2", k_minute_us)); // a closed job is not claimable

  // The worker that held the lease can neither heartbeat nor overwrite the recorded end.
  EXPECT_FALSE(*queue->heartbeat(lease_of(**claimed), k_minute_us));
  EXPECT_FALSE(*queue->finish(lease_of(**claimed), JobStatus::done, R"({"exit_code":0})"));
  EXPECT_EQ(queue->get(*running)->result_json, R"({"ended":"timed_out"})");
  // An ended job is not closed twice.
  EXPECT_FALSE(*queue->close(*running, JobStatus::failed, R"({"ended":"cancelled"})"));
}

TEST_P(QueueContract, set_payload_replaces_the_payload_of_an_existing_job_only) {
  auto queue = open_queue();
  ASSERT_TRUE(queue);
  const auto id = queue->submit(JobSpec{"slurm", R"({"argv":["baseline"]})", "h100", 1});
  ASSERT_TRUE(id);
  const auto set = queue->set_payload(*id, R"({"argv":["baseline"],"slurm":{"job_id":42}})");
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_TRUE(*set);
  EXPECT_EQ(queue->get(*id)->spec.payload_json, R"({"argv":["baseline"],"slurm":{"job_id":42}})");
  EXPECT_FALSE(*queue->set_payload(*id + 1, "{}"));
  EXPECT_FALSE(queue->set_payload(*id, "[1]")); // not an object: an error, nothing written
  EXPECT_EQ(queue->get(*id)->spec.payload_json, R"({"argv":["baseline"],"slurm":{"job_id":42}})");
}

TEST_P(QueueContract, a_claimer_expires_only_jobs_of_its_own_kind) {
  auto queue = open_queue();
  ASSERT_TRUE(queue);
  const auto slurm_job = queue->submit(JobSpec{"slurm", R"({"argv":["baseline"]})", "h100", 1});
  ASSERT_TRUE(slurm_job);
  ASSERT_TRUE(queue->claim_job(*slurm_job, "slurm job 3 on n1", 0)->has_value()); // its lease is over at once
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_TRUE(queue->claim("command", "h100", "w1", k_minute_us));
  // A queue worker's claim leaves it: Slurm's state closes it (JobQueue::close), not a lease.
  EXPECT_EQ(queue->get(*slurm_job)->status, JobStatus::running);
}
