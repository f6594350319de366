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
  std::optional<double> ci_lo;       // 95% Fieller interval of the change (absent when unbounded/undefined)
  std::optional<double> ci_hi;
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
  /// The primary metric's change (NaN when it is missing).
  double change = 0;
};

/// The comparison of `metric` among `metrics`, else the one of "time" (the fallback every decision
/// uses); nullptr when neither is there.
const MetricComparison* primary_comparison(std::span<const MetricComparison> metrics, const std::string& metric);

/// The values one side is judged on: `metric`'s in every run ("time": the wall times), or none when a
/// run lacks it (then judged_metric falls back to time, so both sides are judged on the same metric).
/// The dashboard plots these, so it draws the numbers that were judged.
std::vector<double> primary_values(const core::Benchmark& bench, const std::string& metric);

/// The metric two sides are judged on: `primary` when both have it in every run, else "time".
std::string judged_metric(const core::Benchmark& baseline, const core::Benchmark& candidate, const std::string& primary);

/// Compares every metric present on both sides ("time" from wall_s, "memory" from peak_rss_bytes when
/// recorded, then each named metric). The command's decision: REJECT when a candidate run failed
/// (non-zero exit or signal: the output cannot be trusted to be correct) while no baseline run did, KILL when one timed out or the
/// candidate is clearly slower than timeout_multiplier x the baseline's (verdict::clearly_slower) with its
/// median past the timeout slack, else the primary metric's
/// decision (policy.primary_metric, falling back to "time" when the candidate lacks it).
CommandComparison compare_benchmarks(const core::Benchmark& baseline, const core::Benchmark& candidate,
                                     const Policy& policy);

/// Several inputs (or commands) combined: REJECT or KILL if any input has it; DISCARD (regression) when
/// any input's primary metric grows by more than input_regression_limit; INCONCLUSIVE when every input
/// is; otherwise the weighted mean of the per-input changes decides with the policy's thresholds (KEEP
/// needs, in addition, at least one input whose own verdict is KEEP). A single input keeps its decision.
Decision combine_inputs(std::span<const CommandComparison> inputs, const Policy& policy);

} // namespace zkbench::verdict
