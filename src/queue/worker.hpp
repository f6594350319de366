#pragma once
// `zkbench worker`'s loop: take the machine lock, claim one job of the worker's class, run its
// command as a child process while heartbeating, record the result, release the lock, repeat.
//
// The machine lock is project's MachineLock (default project::default_lock_path()): one benchmark at
// a time per machine, whichever worker or zkbench holds it. It is taken before claiming, so a worker
// never holds a lease while waiting for the machine. The worker holds it for its child, which gets
// ZKBENCH_LOCK_FILE=<job log>.lock so that a zkbench child taking "the machine lock" does not wait
// for its own parent.
//
// A job of kind "command" has payload {"argv": ["run", ...], ...}: the worker runs
// `<zkbench> <argv...>` with ZKBENCH_JOB_ID, ZKBENCH_JOB_ATTEMPT, ZKBENCH_MACHINE_CLASS set. The
// child gets SIGTERM when the worker dies (PR_SET_PDEATHSIG), on which zkbench stops its measured
// command's whole tree (cgroup or process group) and exits; the measured command itself dies with that
// zkbench (its own parent-death signal). The child inherits the machine lock's descriptor, and so does
// what it starts: a killed worker's lock is free only once its job's tree is gone, so the next job
// never measures beside a leftover. When a heartbeat finds the lease lost, the worker stops the child
// the same way (SIGTERM, then SIGKILL to its group after 10 s) and records nothing.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "queue/job_queue.hpp"

namespace zkbench::queue {

struct WorkerOptions {
  std::string machine_class;
  std::string name;                          // recorded as jobs.worker (default host:pid)
  std::int64_t lease_us = 60'000'000;        // lease per claim and per heartbeat
  std::int64_t heartbeat_us = 5'000'000;     // time between heartbeats (at most a third of the lease)
  std::int64_t poll_us = 1'000'000;          // wait between claims when nothing is queued
  std::filesystem::path lock_path;            // the machine lock file
  std::filesystem::path program;             // what runs the jobs: this zkbench binary
  bool once = false;                         // stop after one job (or none)
  bool until_empty = false;                  // stop when no job is claimable
  std::filesystem::path log_dir;             // where each job's output goes
  // Run this job of the queue only (claim_job), then stop: what a scheduler's batch job does.
  std::optional<std::int64_t> job_id;
  // Added to the recorded result (the scheduler's job id, the node).
  std::map<std::string, std::string> result_fields;
  // Asked when the job's command was ended by a signal or the worker was asked to stop: what ended it
  // ("timed_out", "cancelled"), recorded as the result's "ended"; "" when the scheduler is ending the job
  // but cannot say how yet: nothing is recorded, the scheduler's final state closes the job (JobQueue::close);
  // nullopt: not the scheduler, the job is recorded as usual.
  std::function<std::optional<std::string>()> ended_by;
};

struct WorkerSummary {
  int done = 0;
  int failed = 0;
  int lost = 0; // jobs whose lease was lost while running (their result was not recorded)
};

/// With `options.job_id`: claims that job only (nothing to do when it is no longer queued) and runs it.
/// Runs the loop until `options` says stop or `stop_requested()` is true. `log` receives one line
/// per event (claimed, finished, lease lost). Errors: the lock file cannot be opened, the queue fails.
Result<WorkerSummary> run_worker(JobQueue& queue, const WorkerOptions& options,
                                 const std::function<bool()>& stop_requested,
                                 const std::function<void(const std::string&)>& log);

} // namespace zkbench::queue
