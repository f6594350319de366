#pragma once
// The run loop: measures a list of commands as hyperfine does (setup, warmups, runs with prepare and
// conclude around each, cleanup), stores every run as soon as it finishes, and reports progress through
// an observer so that the loop itself prints nothing.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/run.hpp"
#include "measure/executor.hpp"
#include "store/store.hpp"
#include "util/error.hpp"

namespace zkbench::measure {

/// One command to benchmark, after parameter expansion, with its hooks (parameters substituted).
struct PlannedCommand {
  std::string command;
  std::optional<std::string> name;
  std::map<std::string, std::string> parameters;
  std::optional<std::string> setup;    // once before its warmups and runs
  std::optional<std::string> prepare;  // before every run, warmups included
  std::optional<std::string> conclude; // after every run, warmups included
  std::optional<std::string> cleanup;  // once after its runs
};

/// How many runs, as hyperfine: `runs` fixes the count; otherwise the loop runs at least `min_runs`
/// and at least as many as fit in `min_time_s` (estimated from the first run), capped by `max_runs`.
struct RunCount {
  std::optional<std::size_t> runs;
  std::size_t min_runs = 10;
  std::optional<std::size_t> max_runs;
  double min_time_s = 3.0;
};

/// The number of runs to make given the first run's wall time (hyperfine's rule).
std::size_t planned_run_count(const RunCount& count, double first_wall_s);

enum class IgnoreFailure { no, yes };

/// Reads the metric values of one finished run (from its output, or from files). A metric that is
/// missing in the run maps to nullopt.
using MetricReader = std::function<std::map<std::string, std::optional<double>>(const ExecutionResult&)>;

struct RunPlan {
  std::vector<PlannedCommand> commands;
  std::size_t warmup = 0;
  RunCount count;
  std::optional<double> timeout_s;
  ShellMode shell = ShellMode::auto_detect;
  bool show_output = false;
  IgnoreFailure ignore_failure = IgnoreFailure::no;
  MetricReader read_metrics; // may be empty: no metrics
  std::string argv;          // the command line, recorded with the session
};

/// Progress callbacks. Every method has an empty default, so an observer overrides what it shows.
class RunObserver {
public:
  virtual ~RunObserver() = default;
  /// Benchmark `index` (0-based) of `total` starts.
  virtual void benchmark_started(std::size_t /*index*/, std::size_t /*total*/, const core::Benchmark& /*bench*/) {}
  /// Warmup `index` (0-based) of `total` starts.
  virtual void warmup_started(std::size_t /*index*/, std::size_t /*total*/) {}
  /// Measured run `index` (0-based) starts; `total` is unknown (nullopt) until the first run has set it.
  /// `expected_s` is the median of the runs so far (nullopt for the first).
  virtual void run_started(std::size_t /*index*/, std::optional<std::size_t> /*total*/,
                           std::optional<double> /*expected_s*/) {}
  /// A measured run finished and has been stored.
  virtual void run_finished(const core::Benchmark& /*bench*/, const core::Run& /*run*/,
                            std::size_t /*total*/) {}
  /// A metric did not match in a run.
  virtual void metric_missing(const core::Run& /*run*/, const std::string& /*metric*/) {}
  /// All runs of a benchmark are done (also when the loop stops early on a failure).
  virtual void benchmark_finished(const core::Benchmark& /*bench*/) {}
};

enum class LoopStatus {
  complete,       // every command measured
  command_failed, // a benchmarked command failed without -i; its failing run is stored
  interrupted,    // stop was requested; finished runs are kept
};

struct LoopOutcome {
  LoopStatus status = LoopStatus::complete;
  std::vector<core::Benchmark> benchmarks; // measured so far, runs included
  std::optional<std::int64_t> session_id;  // when a store was given
  std::size_t kept_runs = 0;               // measured runs kept (and stored)
  std::string message;                     // for command_failed: what failed and the hint to use -i
};

/// Measures the plan. `store` may be null (nothing is kept, no logs). `stop_requested` is polled
/// between and after executions (Ctrl-C); a run that ends while a stop is requested was cut short and
/// is not kept.
///
/// Errors (the session is marked failed): a setup/prepare/conclude/cleanup command that fails
/// ("The preparation command 'x' terminated with exit code 1 ..."), a command that cannot run at all
/// (unknown program), the store failing. Runs stored before the error stay in the store.
Result<LoopOutcome> run_benchmarks(const RunPlan& plan, Executor& executor, store::Store* store,
                                   RunObserver& observer, const std::function<bool()>& stop_requested);

} // namespace zkbench::measure
