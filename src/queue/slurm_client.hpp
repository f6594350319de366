#pragma once
// Running Slurm's tools (sbatch, squeue, scontrol, sacct, scancel) through util::capture_output, and
// keeping the store's Slurm jobs in step with what Slurm says about them.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "queue/job_queue.hpp"
#include "queue/slurm_state.hpp"
#include "util/error.hpp"

namespace zkbench::queue::slurm {

/// True when sbatch is on PATH.
bool available();

/// Submits with `sbatch_argv` (from sbatch_argv()); returns Slurm's job id. Error: sbatch missing,
/// failing (its message) or printing no job id.
Result<std::int64_t> submit(const std::vector<std::string>& sbatch_argv);

/// The states of `ids` by Slurm job id: squeue (jobs the controller knows, finished ones included),
/// then sacct for the rest where accounting is set up. Ids neither knows are absent. Error: squeue
/// missing or failing for another reason than unknown ids.
Result<std::map<std::int64_t, JobState>> states(const std::vector<std::int64_t>& ids);

/// `scontrol show job -o ID`; nullopt when Slurm does not know it. Error: scontrol missing or failing.
Result<std::optional<JobState>> job(std::int64_t id);

/// `scancel ID`. Error: scancel missing or failing (its message).
Result<void> cancel(std::int64_t id);

/// The Slurm job id recorded in a queue job's payload ({"slurm": {"job_id": N}}); nullopt when none.
std::optional<std::int64_t> slurm_job_id(const Job& job);

/// How an open queue job is closed after Slurm ended it without its worker recording the end.
struct Closing {
  JobStatus status = JobStatus::failed;
  std::string result_json; // {"ended": "timed_out", "slurm_state": "TIMEOUT", "node": ..., "exit_code": ...}
};

/// The closing of an open queue job whose Slurm job is in `state`; nullopt while it is not ended
/// (pending, running). `state` nullopt: Slurm no longer knows the job (ended "lost").
std::optional<Closing> closing_for(const std::optional<JobState>& state);

/// Brings the open Slurm jobs among `jobs` (rows of the store's queue) up to date: asks Slurm for their
/// states, closes those Slurm ended (the rows in `jobs` are re-read), and returns the states found by
/// queue job id. Error: the queue's; when Slurm cannot be asked (no squeue), nothing is changed and the
/// map is empty.
Result<std::map<std::int64_t, JobState>> sync_jobs(JobQueue& queue, std::vector<Job>& jobs);

} // namespace zkbench::queue::slurm
