#pragma once
// The job queue of a team's fleet: a coordinator submits jobs for a machine class, workers of that
// class claim them one at a time, heartbeat while they run, and record the result. Lives in the
// store's database (table `jobs`, schema version 3), on SQLite or PostgreSQL.
//
// Guarantees of every backend:
// - a job is claimed by at most one worker at a time: PostgreSQL claims with SELECT ... FOR UPDATE
//   SKIP LOCKED (claimers never wait on each other), SQLite inside a BEGIN IMMEDIATE transaction;
// - a claim hands out a fresh lease token; a running job whose lease expired (its worker stopped
//   heartbeating) can be claimed again, which replaces the token; attempts counts the claims, and a
//   job that used up max_attempts and expired again is marked failed instead;
// - heartbeat and finish compare the token (compare-and-set): a worker whose lease was lost changes
//   nothing, so no result is recorded twice.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace zkbench::queue {

enum class JobStatus { queued, running, done, failed };

/// "queued", "running", "done", "failed" (the names stored in the database).
const char* to_string(JobStatus status);
std::optional<JobStatus> job_status_from_string(std::string_view text);

/// What a coordinator submits.
struct JobSpec {
  std::string kind;          // "command" (zkbench worker runs payload.argv), "task" (seed protocol)
  std::string payload_json;  // a JSON object
  std::string machine_class; // "h100", "rtx3090", ...
  int max_attempts = 3;
};

struct Job {
  std::int64_t id = 0;
  JobSpec spec;
  JobStatus status = JobStatus::queued;
  int attempts = 0;
  std::optional<std::string> worker;
  std::optional<std::string> lease_token;
  std::optional<std::int64_t> lease_expires_at_us;
  std::optional<std::int64_t> heartbeat_at_us;
  std::optional<std::string> result_json;
  std::int64_t created_at_us = 0;
  std::optional<std::int64_t> started_at_us;
  std::optional<std::int64_t> finished_at_us;
};

/// The claim a worker holds on a running job.
struct Lease {
  std::int64_t job_id = 0;
  std::string token;
};

class JobQueue {
public:
  virtual ~JobQueue() = default;

  /// Queues a job; returns its id. Error: payload not a JSON object, empty class or kind.
  virtual Result<std::int64_t> submit(const JobSpec& spec) = 0;
  /// Claims the oldest claimable job of `kind` for `machine_class` (queued, or running with an expired
  /// lease and attempts left) for `worker`, leased for `lease_us`; nullopt when there is none.
  virtual Result<std::optional<Job>> claim(std::string_view kind, std::string_view machine_class,
                                           std::string_view worker, std::int64_t lease_us) = 0;
  /// Extends the lease by `lease_us` from now. False when the lease was lost (the job was claimed
  /// again or finished): the caller must stop working on it.
  virtual Result<bool> heartbeat(const Lease& lease, std::int64_t lease_us) = 0;
  /// Records the result (a JSON object) and status done or failed. False when the lease was lost:
  /// nothing was written.
  virtual Result<bool> finish(const Lease& lease, JobStatus status, const std::string& result_json) = 0;
  /// Claims job `id` itself for `worker` when it is queued (a scheduler started the process meant for
  /// it: `zkbench worker --job ID` in a Slurm job); nullopt when it is not queued (cancelled, already
  /// claimed or finished). Error: no such job.
  virtual Result<std::optional<Job>> claim_job(std::int64_t id, std::string_view worker, std::int64_t lease_us) = 0;
  /// Ends a queued or running job without its lease, with `status` and `result_json` (a JSON object):
  /// a job cancelled, or one its scheduler ended (time limit, node failure) before its worker could
  /// record it. The lease is dropped, so a worker still running it changes nothing afterwards. False
  /// when the job had already ended (nothing written).
  virtual Result<bool> close(std::int64_t id, JobStatus status, const std::string& result_json) = 0;
  /// Replaces the payload (a JSON object) of job `id`, whatever its status: the submitter adds what it
  /// learns after queueing, such as the scheduler's job id. False when there is no such job.
  virtual Result<bool> set_payload(std::int64_t id, const std::string& payload_json) = 0;
  /// Jobs, newest first, at most `limit`.
  virtual Result<std::vector<Job>> list(std::size_t limit) = 0;
  /// One job. Error: no such job.
  virtual Result<Job> get(std::int64_t id) = 0;
  /// The store's location (password redacted), for messages.
  virtual std::string location() const = 0;
};

/// Opens the queue in the store at `location` (SQLite path or postgresql:// URL; created and migrated
/// as open_store does).
Result<std::unique_ptr<JobQueue>> open_queue(const std::string& location);

/// A fresh random lease token (32 hex digits).
std::string new_lease_token();

/// Checks a spec before it is queued: non-empty kind and class, payload a JSON object.
Result<void> validate(const JobSpec& spec);
/// Error unless `payload_json` is a JSON object.
Result<void> validate_payload(const std::string& payload_json);

} // namespace zkbench::queue
