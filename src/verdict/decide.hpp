#pragma once
// Turning two samples into a verdict under a Policy (seed 002 §4.5–4.6): per-metric comparisons
// (statistical, or exact for deterministic metrics), the flaky-result procedure, timeouts and incorrect
// outputs, and the combination of several inputs. Pure: values in, values out.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/run.hpp"
#include "stats/descriptive.hpp"
#include "verdict/policy.hpp"

namespace zkbench::verdict {

/// keep, maybe, discard, kill, reject, inconclusive: defined in core (an experiment's outcome is one);
/// to_string gives "KEEP", "MAYBE", "DISCARD", "KILL", "REJECT", "INCONCLUSIVE".
using core::Verdict;
using core::to_string;

/// A change as a signed percentage with two decimals: -0.0512 -> "-5.12%".
std::string percent(double fraction);

/// A change with its interval as every report shows it: "-5.12% [-7.00%, -3.01%]" (an unbounded side
/// reads -inf/+inf; no interval at all: the change alone), "-" when the change is not a number.
std::string change_text(double change, const std::optional<double>& lo, const std::optional<double>& hi);

/// An interval's bounds as the verdicts' reasons say them: "[-7.00%, -3.01%]"; a side without a bound
/// (infinite, or at or below -100%) reads -inf/+inf, and an interval bounded on neither side reads
/// "[unbounded]" (a futility stop before any look could bound it, or a joint change with such an input).
std::string bounds_text(double lo, double hi);

/// True when every value of `xs` is the same (an empty sample counts as constant).
bool is_constant(std::span<const double> xs);

/// A verdict with its explanation. `regression` marks a DISCARD (or KILL) that is a real slowdown or
/// growth, which makes `compare`/`ab` exit with ExitCode::regression. `more_runs` > 0 asks the caller to
/// extend each side to that many runs and decide again (flaky results).
struct Decision {
  Verdict verdict = Verdict::inconclusive;
  bool regression = false;
  std::string reason;
  int more_runs = 0;
};

/// One metric compared between baseline and candidate.
struct MetricComparison {
  std::string metric;
  stats::Summary baseline;
  stats::Summary candidate;
  double change = 0;                 // mean_c / mean_b - 1 (NaN when not computable)
  std::optional<double> ci_lo;       // the interval of the change (absent when unbounded/undefined): 95% Fieller,
  std::optional<double> ci_hi;       // or after a sequential stop the deciding look's (verdict::apply_look)
  std::string interval = "95% Fieller"; // what ci_lo/ci_hi are ("exact" for deterministic metrics)
  std::optional<double> welch_p;
  std::optional<double> mwu_p;       // asymptotic, tie- and continuity-corrected
  std::optional<double> mwu_p_exact; // only without ties
  bool deterministic = false;        // every run equal on each side
  std::size_t dropped_outliers = 0;  // flaky procedure: runs removed before deciding
  Decision decision;
};

/// Compares the values of one metric. Deterministic metrics (all values equal on each side) are decided
/// by the exact change against the policy's deterministic thresholds. A clear regression (p < p_threshold
/// and the whole 95% interval at or above regression_threshold) is DISCARD + regression at once, flaky or
/// not ("any regression: immediate rejection"). Otherwise: flaky (CV > cv_limit
/// on a side) asks for flaky_runs per side first (INCONCLUSIVE, more_runs set), then drops outliers
/// beyond outlier_sigma and decides, or INCONCLUSIVE if still flaky. Then the fixed rule: significant
/// slowdown -> DISCARD (regression when >= regression_threshold); improvement > keep with
/// welch_p < p_threshold -> KEEP; improvement >= maybe -> MAYBE; else DISCARD. Empty sides or a zero
/// baseline mean give INCONCLUSIVE with the reason.
MetricComparison compare_metric(const std::string& metric, std::span<const double> baseline,
                                std::span<const double> candidate, const Policy& policy);

/// The comparison of one command (one input): every metric, and the command's decision.
struct CommandComparison {
  std::string command;
  double weight = 1.0;
  std::vector<MetricComparison> metrics;
  Decision decision;
  /// The metric the decision was taken on (the policy's primary metric, else "time").
  std::string metric = "time";
  /// That metric's change (NaN when it is missing); after a sequential stop the deciding estimate.
  double change = 0;
  /// Its measuring stopped before its own rule settled, at a joint look of the experiment's inputs
  /// (workflow::evaluate_checkout): INCONCLUSIVE on its own, its figures are its look there.
  bool paused = false;
};

/// The comparison of `metric` among `metrics`, else the one of "time" (the fallback every decision
/// uses); nullptr when neither is there.
const MetricComparison* primary_comparison(std::span<const MetricComparison> metrics, const std::string& metric);

/// The metric of the CPU time a run's process tree used, user + system (wait4): what a single-threaded,
/// CPU-bound command's wall time would be without the load beside it, since waiting for a CPU adds to the
/// wall time only. A policy's `primary_metric: cpu` judges it (docs/verdicts.md says when that is sound).
inline constexpr const char* k_cpu_metric = "cpu";

/// The metric of a run's wall time less the time its process waited for a CPU (core::Run::cpu_wait_s): the
/// run's time without the other work on the machine, its own waits (sleep, I/O, a GPU) included. Measured
/// where the process zkbench started did the run's CPU work itself (measure/cpu_wait.hpp); where both sides
/// have it on every run, it is what "time" is judged on (judged_metric), on a quiet machine and under load
/// alike (quiet, the wait is next to nothing and the two agree).
inline constexpr const char* k_unloaded_metric = "unloaded_time";

/// Whether zkbench measures `metric` itself on every run ("time", "cpu", "unloaded_time"): no pattern of
/// the project's needed.
/// Both are durations: shown in seconds.
bool is_builtin_metric(const std::string& metric);

/// The values one side is judged on: `metric`'s in every run ("time": the wall times; "cpu": user +
/// system; "unloaded_time": wall less CPU wait), or none when a run lacks it (then judged_metric falls back to time, so both sides are judged
/// on the same metric; a run that used no measurable CPU time lacks "cpu").
/// The dashboard plots these, so it draws the numbers that were judged.
std::vector<double> primary_values(const core::Benchmark& bench, const std::string& metric);

/// The metric two sides are judged on: `primary` when both have it in every run, else "time"; "time" itself
/// is judged as "unloaded_time" where both sides have that in every run.
std::string judged_metric(const core::Benchmark& baseline, const core::Benchmark& candidate, const std::string& primary);

/// Compares every metric present on both sides ("time" from wall_s, "memory" from peak_rss_bytes when
/// recorded, "cpu" from user_s + system_s when it is the policy's primary metric, then each named metric). The command's decision: REJECT when a candidate run failed
/// (non-zero exit or signal: the output cannot be trusted to be correct) while no baseline run did, KILL when one timed out or the
/// candidate is clearly slower than timeout_multiplier x the baseline's (verdict::clearly_slower) with its
/// median past the timeout slack, else the primary metric's
/// decision (policy.primary_metric, falling back to "time" when the candidate lacks it).
CommandComparison compare_benchmarks(const core::Benchmark& baseline, const core::Benchmark& candidate,
                                     const Policy& policy);

/// Several inputs (or commands) combined jointly. A single input keeps its decision. Otherwise: REJECT
/// or KILL if any input has it; DISCARD (regression) when an input's deciding interval, on the metric it
/// was judged on, establishes a growth beyond input_regression_limit (its lower bound above 0 and its
/// estimate beyond the limit; exact for a deterministic metric); INCONCLUSIVE when every input ended so (a
/// paused input, measured up to a joint look only, is unsettled, not ended). Then
/// the joint interval (joint_change): the weighted mean (by input weight) of the inputs' log estimates, each
/// side the inputs' weighted distances from estimate to bound combined in quadrature. Each input's interval
/// holds at alpha / inputs (the sequential rule of each input ran at that split, sequential_options(...,
/// inputs)); the inputs are measured apart, so for near-normal estimates the joint interval holds at that
/// level too (a Bonferroni margin to spare). KEEP: the joint interval lies
/// below -maybe_threshold and its estimate beyond -keep_threshold. KEEP ruled out (lower bound above
/// -keep_threshold): MAYBE when it establishes an improvement of the MAYBE size, else DISCARD. Neither:
/// INCONCLUSIVE while an input is; else MAYBE where an improvement is established, INCONCLUSIVE where an
/// input is KEEP (the inputs disagree), else DISCARD.
Decision combine_inputs(std::span<const CommandComparison> inputs, const Policy& policy);

/// The joint estimate and interval of combine_inputs (relative changes; bounds infinite when an input's
/// is). nullopt when no input has a change.
struct JointChange {
  double change = 0;
  double lo = 0;
  double hi = 0;
};
std::optional<JointChange> joint_change(std::span<const CommandComparison> inputs);

} // namespace zkbench::verdict
