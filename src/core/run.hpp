#pragma once
// zkbench's domain data: one measured run, and one benchmark (a command and all of its runs).
// Plain values shared by measure/, store/, report/ and verdict/; no behaviour beyond accessors.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zkbench::core {

/// How a run ended.
enum class RunStatus {
  success,    // exit code 0
  failed,     // non-zero exit code
  signaled,   // killed by a signal it did not get from zkbench's timeout
  timed_out,  // killed by zkbench after --timeout; wall_s is at least the limit
};

const char* to_string(RunStatus status);

/// How a run's processes were held together, which also says how its peak memory was measured
/// (measure/cgroup.hpp): a cgroup of the v2 or v1 hierarchy (the whole tree, escapes included, exact
/// peak memory), or only a process group (the largest ru_maxrss). Runs measured two ways are not
/// directly comparable: `compare` and `history` say so.
enum class Containment {
  unknown,       // not recorded: stored before schema 7, or read from another tool's JSON
  cgroup_v2,
  cgroup_v1,
  process_group,
};

/// "cgroup-v2", "cgroup-v1", "process-group", "unknown".
const char* to_string(Containment containment);
/// The inverse of to_string; nullopt for any other text.
std::optional<Containment> parse_containment(std::string_view text);

/// GPU figures for one run (filled when telemetry is available).
struct GpuRunStats {
  double utilization_mean_pct = 0;
  double utilization_max_pct = 0;
  double memory_peak_bytes = 0;
  double temperature_start_c = 0;
  double temperature_max_c = 0;
  double energy_joules = 0;
  bool throttled = false;
  std::string throttle_reasons;  // comma-separated, empty when not throttled
};

/// Load on the machine from outside the run's own process tree while the run ran (the contention gate,
/// measure/contention.hpp). A contended run is kept but never decides a verdict.
struct RunContention {
  double foreign_cores = 0;   // mean CPU used by other processes during the run, in cores
  double limit_cores = 0;     // the gate's max_foreign_cores when the run was measured
  bool contended = false;     // above the limit, or a foreign GPU compute process: the run was disturbed
  std::string top;            // the biggest foreign processes: "cc1plus (2 processes, 1.9 cores)"; may be empty
  int gpu_processes = 0;      // foreign compute processes on the GPU at the run's start or end
  double waited_s = 0;        // how long the gate waited for a quiet machine before this run's round
};

/// One measured execution of a command (warmup runs are not recorded as Runs).
struct Run {
  int index = 0;                  // 0-based among the measured runs of its benchmark
  double wall_s = 0;              // wall-clock time of what ran (never minus shell start-up)
  double user_s = 0;              // user CPU time of the process tree (wait4)
  double system_s = 0;            // system CPU time of the process tree (wait4)
  std::int64_t peak_rss_bytes = 0; // max resident set of the measured process tree, this run only
  // How long the started process waited for a CPU while others held it (its run-queue delay); set only
  // when that process did the run's CPU work itself (measure/cpu_wait.hpp). wall_s less it is the run's
  // time without the machine's other work: verdict::k_unloaded_metric.
  std::optional<double> cpu_wait_s;
  RunStatus status = RunStatus::success;
  std::optional<int> exit_code;   // set when the process exited
  std::optional<int> signal;      // set when it was killed by a signal (incl. timeouts)
  // Metric values read from the output or files; nullopt = the metric was missing in this run.
  std::map<std::string, std::optional<double>> metrics;
  std::optional<GpuRunStats> gpu;
  std::optional<RunContention> contention; // nullopt: not measured (the gate was off)
  std::string log_path;           // the run's stdout+stderr (tail-bounded), empty when not kept
  std::int64_t started_at_us = 0; // Unix time in microseconds
  std::int64_t finished_at_us = 0;
  Containment containment = Containment::unknown; // how its processes were contained

  bool timed_out() const { return status == RunStatus::timed_out; }
  bool succeeded() const { return status == RunStatus::success; }
  bool contended() const { return contention && contention->contended; }
};

/// One command measured many times (one entry of hyperfine's "results" array).
struct Benchmark {
  std::string command;                        // the command as run, parameters substituted
  std::optional<std::string> name;            // -n/--command-name
  std::map<std::string, std::string> parameters; // -P/-L values for this command
  std::vector<Run> runs;

  const std::string& display_name() const { return name ? *name : command; }

  std::vector<double> wall_times() const;
  std::vector<double> user_times() const;
  std::vector<double> system_times() const;
  /// Values of metric `name` over the runs where it was present.
  std::vector<double> metric_values(const std::string& name) const;
  /// Every metric name present in at least one run, sorted.
  std::vector<std::string> metric_names() const;
  /// The known ways its runs were contained, in Containment's order, joined by ", " ("cgroup-v1";
  /// "cgroup-v1, process-group" for a mix); "" when none is known.
  std::string containments() const;
  /// How many runs were contended (another process loaded the machine during them).
  std::size_t contended_runs() const;
  /// This benchmark without its contended runs (a benchmark judged on its own, e.g. a stored baseline).
  Benchmark uncontended() const;
};

/// Benchmarks measured in rounds (A B | B A: run i of each is round i) without their contended rounds:
/// a round goes when any of its runs was contended, so the sides stay paired. What verdicts and stop
/// rules judge; the store keeps every run.
std::vector<Benchmark> without_contended_rounds(const std::vector<Benchmark>& benchmarks);

} // namespace zkbench::core
