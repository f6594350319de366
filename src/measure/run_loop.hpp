#pragma once
// The run loop: the one place zkbench measures (`run`, `ab`, `baseline`, `exp run`, `compound`). It runs
// a list of commands as hyperfine does (setup, warmups, runs with prepare and conclude around each,
// cleanup), one command after the other or alternately (A B B A ...), owns the session in the store
// (each run kept as soon as it ends), the per-run timeout, metrics, the run monitor (thermal gate, GPU
// telemetry), a verifier after runs, interruption and an optional stop rule. It prints nothing: progress
// goes to an observer, the result comes back as a typed outcome.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/run.hpp"
#include "measure/contention.hpp"
#include "measure/executor.hpp"
#include "measure/metrics.hpp"
#include "store/run_sink.hpp"
#include "util/error.hpp"

namespace zkbench::measure {

/// Reads the metric values of one finished run (from its output, or from files). A metric that is
/// missing in the run maps to nullopt.
using MetricReader = std::function<std::map<std::string, std::optional<double>>(const ExecutionResult&)>;

/// Figures a run's whole output gives beyond the regex and file metrics (a prover's parsers).
using OutputFigures = std::function<std::map<std::string, double>(std::string_view output)>;

/// The one reader of a run's metrics for `run`, `ab` and the workflow: `figures` of the output (may be
/// empty), then the regex `specs` and the `files` (collect_metrics), which win over a figure of the same
/// name. Empty (no reader) when there is nothing to read.
MetricReader make_metric_reader(std::vector<MetricSpec> specs, std::vector<MetricFileSpec> files,
                                OutputFigures figures = {});

/// When a command's verifier runs (after a measured run, outside the timed window).
enum class VerifyWhen {
  every_run, // after every measured run (a candidate's proofs must all verify)
  first_run, // after the first measured run only (checks that the command itself verifies)
};

/// One command to benchmark, after parameter expansion, with its hooks (parameters substituted).
struct PlannedCommand {
  std::string command;
  std::optional<std::string> name;
  std::map<std::string, std::string> parameters;
  std::optional<std::string> setup;    // once before its warmups and runs
  std::optional<std::string> prepare;  // before every run, warmups included
  std::optional<std::string> conclude; // after every run, warmups included
  std::optional<std::string> cleanup;  // once after its runs
  /// After measured runs (see `verify_when`); a failure ends the loop with LoopStatus::verify_failed.
  std::optional<std::string> verify;
  VerifyWhen verify_when = VerifyWhen::every_run;
  std::optional<std::filesystem::path> working_dir; // every command of this entry runs there
  std::optional<double> timeout_s;     // overrides the plan's per-run timeout
  MetricReader read_metrics;           // overrides the plan's reader (metric files relative to working_dir)
  /// Runs of this command measured before (an earlier, interrupted attempt): they count towards the
  /// run count and the stop rule, are returned in the outcome, and are not stored again.
  std::vector<core::Run> previous_runs;
};

/// How many runs, as hyperfine: `runs` fixes the count; otherwise the loop runs at least `min_runs`
/// and at least as many as fit in `min_time_s` (estimated from the first run), capped by `max_runs`.
struct RunCount {
  std::optional<std::size_t> runs;
  std::size_t min_runs = 10;
  std::optional<std::size_t> max_runs;
  double min_time_s = 3.0;
};

/// The number of runs to make given the first run's cycle time in seconds (hyperfine's rule): its wall
/// time plus the wall times of the --prepare and --conclude commands around it, so that hooks count in
/// the `min_time_s` budget.
std::size_t planned_run_count(const RunCount& count, double first_cycle_s);

enum class IgnoreFailure { no, yes };

/// The order of runs when there are several commands.
enum class Order {
  sequential,  // every run of the first command, then of the next (hyperfine)
  interleaved, // rounds of one run per command, alternating direction: A B, B A, A B ... (drift falls
               // on every command alike); warmups alternate too
};

/// Hooks around every measured run (warmups excluded): the thermal gate and GPU telemetry live behind it
/// (gpu::GpuRunMonitor), so the loop knows nothing of GPUs. Both calls happen outside the timed window.
class RunMonitor {
public:
  virtual ~RunMonitor() = default;
  /// Just before a measured run starts, after its prepare command; may block (waiting for the GPU to
  /// cool) and should return early when `stop_requested` becomes true.
  virtual void before_run(const std::function<bool()>& /*stop_requested*/) {}
  /// Right after the run ended; what it returns is stored with the run (nullopt: no GPU figures).
  virtual std::optional<core::GpuRunStats> after_run() { return std::nullopt; }
};

/// A stop rule: looks at every command's runs so far (previous runs included) after each round
/// (interleaved) or each run (sequential) and says whether the evidence suffices. True ends the loop
/// with LoopStatus::decided; the caller decides from the outcome's benchmarks.
using StopRule = std::function<bool(std::span<const core::Benchmark> benchmarks)>;

/// The runs a stop rule is shown: uncontended runs only (a disturbed run never decides), whole rounds of
/// commands measured interleaved (the rounds stay paired), each command's own runs otherwise.
std::vector<core::Benchmark> stop_rule_view(const std::vector<core::Benchmark>& benchmarks, Order order);

struct RunPlan {
  std::vector<PlannedCommand> commands;
  Order order = Order::sequential;
  std::size_t warmup = 0;
  RunCount count;                      // interleaved: per command, the largest count applies to every round
  std::optional<double> timeout_s;
  ShellMode shell = ShellMode::auto_detect;
  bool show_output = false;
  IgnoreFailure ignore_failure = IgnoreFailure::no;
  std::vector<int> ignored_exit_codes;  // with IgnoreFailure::yes: only these exit codes (empty: every failure)
  MetricReader read_metrics;           // may be empty: no metrics
  RunMonitor* monitor = nullptr;       // may be null: no thermal gate, no GPU telemetry
  /// May be null: no contention gate. Else: waits for a quiet machine before each round (sequential:
  /// each run), stores each run's foreign load, measures a contended round again (at most the policy's
  /// max_redone_rounds), and the stop rule sees only uncontended runs.
  ContentionGate* contention = nullptr;
  StopRule stop_rule;                  // may be empty: the run count alone ends the loop
  std::string session_kind = "run";    // "run", "ab", "baseline", "experiment", "compound"
  std::string argv;                    // what was run, recorded with the session (shown by `history`)
  std::string machine_class;           // recorded with the session ("" = none); baselines compare within a class
};

/// Progress callbacks. Every method has an empty default, so an observer overrides what it shows.
class RunObserver {
public:
  virtual ~RunObserver() = default;
  /// The session exists in the store (before any of its runs is stored): callers link it to what it measures.
  virtual void session_started(std::int64_t /*session_id*/) {}
  /// Benchmark `index` (0-based) of `total` starts (interleaved: all are announced before the first round).
  virtual void benchmark_started(std::size_t /*index*/, std::size_t /*total*/, const core::Benchmark& /*bench*/) {}
  /// Warmup `index` (0-based) of `total` starts.
  virtual void warmup_started(std::size_t /*index*/, std::size_t /*total*/) {}
  /// Measured run `index` (0-based, previous runs counted) of command `command` starts; `total` is unknown
  /// (nullopt) until the first run has set it. `expected_s` is the median of the runs so far (nullopt for the first).
  virtual void run_started(std::size_t /*index*/, std::optional<std::size_t> /*total*/,
                           std::optional<double> /*expected_s*/) {}
  /// A measured run finished and has been stored.
  virtual void run_finished(const core::Benchmark& /*bench*/, const core::Run& /*run*/, std::size_t /*total*/) {}
  /// The contention gate waits for a quiet machine before a round: "waiting: cc1plus (2 processes,
  /// 1.9 cores) — needs < 0.2 cores for 5 s" (said again when it changes, at most every 5 s).
  virtual void contention_waiting(const std::string& /*line*/) {}
  /// A metric did not match in a run.
  virtual void metric_missing(const core::Run& /*run*/, const std::string& /*metric*/) {}
  /// All runs of a benchmark are done (also when the loop stops early).
  virtual void benchmark_finished(const core::Benchmark& /*bench*/) {}
};

enum class LoopStatus {
  complete,       // every command measured its run count
  decided,        // the stop rule said the evidence suffices
  command_failed, // a benchmarked command failed (non-zero exit or signal) without -i; its run is stored
  timed_out,      // a run (or warmup) ran past its timeout without -i; a measured one is stored
  verify_failed,  // the verifier failed after a measured run (that run is stored)
  interrupted,    // stop was requested; finished runs are kept
  contended,      // the contention gate waited max_wait with `on_timeout: fail`; finished runs are kept
};

/// "complete", "decided", "command_failed", "timed_out", "verify_failed", "interrupted", "contended".
const char* to_string(LoopStatus status);

/// What ended the loop when a command (or its verifier) failed.
struct LoopFailure {
  std::size_t command = 0;       // index into RunPlan::commands
  bool warmup = false;           // it was a warmup (not stored as a run)
  std::optional<std::size_t> run; // the failing measured run's index in its benchmark
  ExecutionResult result;        // the benchmarked command's (or the verifier's) execution
  std::string verifier_output;   // verify_failed: the last lines of the verifier's output
};

struct LoopOutcome {
  LoopStatus status = LoopStatus::complete;
  std::vector<core::Benchmark> benchmarks; // one per command, previous runs first, then this session's
  std::optional<std::int64_t> session_id;  // when a store was given
  std::size_t kept_runs = 0;               // measured runs kept (and stored) by this call
  std::size_t redone_rounds = 0;           // contended rounds measured again (sequential: runs)
  std::optional<LoopFailure> failure;      // command_failed, timed_out, verify_failed
  std::string message;                     // what failed, with the hint to use -i (hyperfine's wording)
};

/// A measured run as the store keeps it: the execution's figures, `index` among its benchmark's runs,
/// and its log. Metrics are left for the caller to fill.
core::Run make_run(const ExecutionResult& result, std::size_t index, const std::string& log_path);

/// This machine's host name ("unknown" when it cannot be read), recorded with sessions.
std::string host_name();

/// How describe_ending words it: as a sentence's verb (`run`, `ab`: hyperfine's words) or briefly, inside
/// a workflow message's parentheses.
enum class EndingWords { sentence, brief };

/// How a command ended, in a few words: "succeeded", "terminated with non-zero exit code 2", "was killed
/// by signal 9", "timed out after 3.000 s"; brief: "exit 2", "killed by signal 9", "timed out after 3.0 s".
std::string describe_ending(const ExecutionResult& result, EndingWords words = EndingWords::sentence);

/// Measures the plan. `sink` may be null (nothing is kept, no logs). `stop_requested` is polled
/// between and after executions (Ctrl-C); a run that ends while a stop is requested was cut short and
/// is not kept.
///
/// Errors (the session is marked failed): a setup/prepare/conclude/cleanup command that fails
/// ("The preparation command 'x' terminated with exit code 1 ..."), a command that cannot run at all
/// (unknown program), the store failing. Runs stored before the error stay in the store.
Result<LoopOutcome> run_benchmarks(const RunPlan& plan, Executor& executor, store::RunSink* sink,
                                   RunObserver& observer, const std::function<bool()>& stop_requested);

} // namespace zkbench::measure
