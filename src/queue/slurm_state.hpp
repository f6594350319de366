#pragma once
// What Slurm says about its jobs, parsed from the tools' output (pure: text in, values out), and how
// a Slurm state ends a job of the store's queue.
//
// Sources, all without an accounting daemon except the last:
// - `squeue --noheader --states=all --jobs=ID,... --format=k_squeue_format`: pending and running jobs,
//   and finished ones the controller still remembers (MinJobAge);
// - `scontrol show job -o ID`: one job as key=value pairs on one line (what a job asks about itself);
// - `sacct --noheader --parsable2 --allocations --jobs=ID,... --format=k_sacct_fields`: finished jobs the
//   controller has forgotten, where accounting (slurmdbd) is set up.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace zkbench::queue::slurm {

/// One Slurm job as squeue, scontrol or sacct describe it (fields a source lacks stay empty).
struct JobState {
  std::int64_t job_id = 0;
  std::string name;       // "zkbench-001"
  std::string state;      // "PENDING", "RUNNING", "COMPLETED", "TIMEOUT", "CANCELLED", "FAILED", ...
  std::string nodes;      // "gpu-node-3"; empty while pending
  std::string reason;     // why it is pending or how it ended: "Resources", "Dependency", "TimeLimit", "None"
  std::string time_used;  // "1:02" (squeue)
  std::string time_limit; // "1:00", "UNLIMITED"
  std::string exit_code;  // "0:9" (exit code:signal; scontrol and sacct)
};

/// The squeue --format that parse_squeue reads: id, name, state, nodes, reason, time used, time limit,
/// start time, separated by '|'.
inline constexpr const char* k_squeue_format = "%i|%j|%T|%N|%r|%M|%l|%S";
/// The sacct --format that parse_sacct reads (with --parsable2: '|' between fields).
inline constexpr const char* k_sacct_fields = "JobID,JobName,State,NodeList,ExitCode,Reason";

/// Parses squeue's lines in k_squeue_format. Error: a line without its 8 fields or with a job id that is
/// not a number ("squeue line 2: ...").
Result<std::vector<JobState>> parse_squeue(const std::string& text);
/// Parses `scontrol show job -o` for one job; nullopt when Slurm does not know it ("Invalid job id
/// specified"). Error: no JobId= or JobState= in the text.
Result<std::optional<JobState>> parse_scontrol_job(const std::string& text);
/// Parses `sacct --parsable2 --noheader` in k_sacct_fields; a state "CANCELLED by 0" is kept as
/// "CANCELLED". Lines of job steps ("12.batch") are skipped. Error: a line without its fields.
Result<std::vector<JobState>> parse_sacct(const std::string& text);

/// How a Slurm state ends a job of the store's queue.
enum class Ending {
  open,      // PENDING, RUNNING, CONFIGURING, COMPLETING, SUSPENDED, REQUEUED, ...: not ended yet
  completed, // COMPLETED: the job's worker records done or failed itself
  failed,    // FAILED, NODE_FAIL, OUT_OF_MEMORY, BOOT_FAIL, PREEMPTED, REVOKED, SPECIAL_EXIT
  timed_out, // TIMEOUT, DEADLINE: Slurm ended it at its limit
  cancelled, // CANCELLED
};

Ending ending_of(const std::string& state);
/// How a job whose processes Slurm is stopping ended: while they stop it is COMPLETING, with Reason
/// TimeLimit when its time limit ended it (timed_out); CANCELLED once it is over. Ending::open when that
/// cannot be told yet (COMPLETING after scancel: the state becomes CANCELLED when the processes are gone).
Ending ending_when_stopped(const JobState& state);
/// "open", "completed", "failed", "timed_out", "cancelled" (the words stored in a job's result "ended").
const char* to_string(Ending ending);

} // namespace zkbench::queue::slurm
