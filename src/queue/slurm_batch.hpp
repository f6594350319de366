#pragma once
// A job of the store's queue as a Slurm batch job (pure: values in, sbatch's arguments and script text
// out). The batch script runs `zkbench worker --job ID` on the node, which claims that job of the
// store, runs its zkbench arguments under the machine lock and records the result, as a worker of the
// PostgreSQL queue does; the store's location travels in the job's environment (ZKBENCH_STORE, exported
// by sbatch from the submitter's), never in the script or on a command line.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "util/error.hpp"
#include "project/fleet_config.hpp"

namespace zkbench::queue::slurm {

/// The kind of the store's jobs that Slurm runs (`zkbench worker --class` claims only "command" jobs).
inline constexpr const char* k_job_kind = "slurm";

/// One batch job.
struct BatchJob {
  std::int64_t queue_job_id = 0;          // the store's job the batch job claims
  std::string name;                       // --job-name (job_name())
  std::vector<std::string> argv;          // the zkbench arguments the job runs (named in the script)
  std::filesystem::path program;          // the zkbench binary, as the nodes see it
  std::filesystem::path workdir;          // the project checkout, as the nodes see it (--chdir)
  std::filesystem::path artifacts_dir;    // Slurm's output and the worker's logs go under <artifacts>/slurm
  std::string store_display;              // the store with its password redacted (a comment in the script)
  std::optional<int> time_limit_minutes;  // --time; nullopt: the partition's (or sbatch_options') limit
  std::optional<std::int64_t> after_ok;   // a Slurm job this one waits for (--dependency=afterok)
};

/// "zkbench-001" for `exp run 001`, "zkbench-baseline" for `baseline`, "zkbench-compound-001-002" for
/// `compound 1 2`, "zkbench-bisect-<queue job id>" for `bisect`, else "zkbench-job-<queue job id>".
std::string job_name(const std::vector<std::string>& argv, std::int64_t queue_job_id);

/// The folder under the artifacts where a job's Slurm output, script and worker log go.
std::filesystem::path slurm_dir(const std::filesystem::path& artifacts_dir);

/// The batch script: a POSIX shell script that execs the worker for the job.
std::string batch_script(const BatchJob& job);

/// sbatch's argument vector (argv[0] "sbatch"): --parsable, the fleet's sbatch_options, then
/// --exclusive, --job-name, --gres, --partition, --account, --output, --chdir, --export=ALL, --time,
/// --dependency=afterok:ID with --kill-on-invalid-dep=yes, and the script's path last.
std::vector<std::string> sbatch_argv(const project::FleetConfig& fleet, const BatchJob& job,
                                     const std::filesystem::path& script);

/// The job id `sbatch --parsable` prints ("1234" or "1234;cluster"). Error: anything else.
Result<std::int64_t> parse_sbatch_job_id(const std::string& output);

/// What the time limit of a job is computed from: the baseline's figures on the class it runs on.
struct TimeLimitInputs {
  std::vector<double> baseline_medians_s; // per input: the baseline's median wall time
  int runs_per_input = 10;                // the most measured runs per input and side (the policy's extension)
  int sides = 1;                          // sides measured per input: an interleaved experiment measures 2
  int warmup = 3;
  double timeout_multiplier = 1.10;       // a run is killed past this x the baseline median
  double cooldown_s = 0;                  // between runs
  double build_s = 0;                     // the job's build
  double min_minutes = 10;                // the floor
};

/// Minutes: build + for each input (warmup + runs + 1 correctness run) x (median x multiplier +
/// cooldown), rounded up, at least min_minutes. Every run may last until its timeout, so a job within
/// its limit never meets Slurm's.
int time_limit_minutes(const TimeLimitInputs& inputs);

/// What the time limit of a bisection (`submit -- bisect GOOD BAD`) is computed from: its size, and one
/// run's time per input as for an experiment.
struct BisectTimeLimitInputs {
  std::size_t halvings = 0;   // the search's steps when each probe places its commit (bisect_halvings)
  std::vector<double> run_s;  // per judged input: one run's time (its median x the timeout multiplier)
  int max_runs = 40;          // the sequential rule's most runs per side of a comparison
  int warmup = 0;             // per side and comparison
  double cooldown_s = 0;      // between runs
  double build_s = 0;         // per commit built
  double safety_factor = 2.0; // k_bisect_safety_factor
  double min_minutes = 10;    // the floor
  std::optional<int> max_minutes; // the fleet's own --time (fleet_time_limit_minutes): the ceiling
};

/// The margin over the estimate: every midpoint takes two comparisons (both questions are asked, each a
/// check on the other), while the estimate's max_runs per comparison is far above what the sequential
/// rule uses where the evidence is clear (bench_verdicts --bisect: 345-785 runs per 64-commit bisection
/// under load bursts at 40 runs per side, against this estimate's 1,148); an unsettled commit or end asked
/// again, measured further (2x, 4x max_runs), and a skipped commit (a build and a probe more) come out of
/// that margin. A bisection stopped at its limit is resumed where it stopped.
inline constexpr double k_bisect_safety_factor = 2.0;

/// Minutes: safety_factor x (builds x (build_s + one correctness run per input) + comparisons x, per input,
/// 2 sides x (warmup + max_runs) x (run_s + cooldown_s)), with comparisons = halvings + 1 (the ends' check)
/// and builds = halvings + 2 (both ends and one midpoint per halving); rounded up, at least min_minutes, at
/// most max_minutes (which wins over the floor).
int bisect_time_limit_minutes(const BisectTimeLimitInputs& inputs);

/// The limit a `--time=VALUE` of the fleet's sbatch_options sets (the last one, as sbatch keeps), in minutes
/// rounded up; VALUE in Slurm's forms (M, M:S, H:M:S, D-H, D-H:M, D-H:M:S). nullopt when there is none, when
/// it asks for no limit (0, UNLIMITED, INFINITE), or when sbatch would refuse it anyway.
std::optional<int> fleet_time_limit_minutes(const project::FleetConfig& fleet);

} // namespace zkbench::queue::slurm
