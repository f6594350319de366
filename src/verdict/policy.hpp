#pragma once
// Decision policies as data (seed 002 §4.5–4.6, seed 000 "zkVM-Specific Decision Criteria"): the
// thresholds that turn a comparison into KEEP / MAYBE / DISCARD / KILL / REJECT / INCONCLUSIVE.
// Built-in presets plus YAML files with the same keys; no policy is a code path of its own.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace zkbench::verdict {

/// All fractions are of the baseline (0.05 = 5%). "Improvement" is -change (smaller is better).
struct Policy {
  std::string name = "generic";
  double keep_threshold = 0.05;        // KEEP when the improvement exceeds this and p < p_threshold
  double maybe_threshold = 0.02;       // MAYBE when the improvement is in [maybe, keep]; below: DISCARD
  double regression_threshold = 0.02;  // a significant slowdown of at least this marks a regression (exit 4)
  double p_threshold = 0.05;           // significance level of the two-sided Welch test
  double timeout_multiplier = 1.10;    // KILL: a run over this x the baseline median (timeout)
  double timeout_min_slack_s = 0.0;    // ... and over the baseline median + this (jitter of short runs)
  double cv_limit = 0.10;              // flaky when a side's coefficient of variation exceeds this
  int flaky_runs = 20;                 // flaky: extend to this many runs per side before deciding
  double outlier_sigma = 2.0;          // flaky: then drop runs further than this many stddevs from the mean
  double deterministic_keep = 0.001;   // deterministic metric: KEEP at >= this fraction fewer
  double deterministic_regression = 0.001; // deterministic metric: regression at >= this fraction more
  std::string primary_metric = "time"; // the metric whose verdict is the command's verdict
  double input_regression_limit = 0.05; // several inputs: any input slower by more than this -> DISCARD
  /// Metrics declared deterministic: only these are decided by their exact change when equal on >= 3 runs
  /// per side (a coarse figure that repeats, e.g. a time in whole seconds, is not exact). zkbench.yaml's
  /// benchmark.deterministic replaces the list for a project.
  std::vector<std::string> deterministic_metrics{"steps", "cycles"};
};

/// True when `metric` is one of the policy's deterministic_metrics.
bool declares_deterministic(const Policy& policy, std::string_view metric);

/// The keys a YAML policy may set (the field names above), in declaration order.
std::vector<std::string_view> policy_keys();

/// Names of the presets: generic (first-pass code, KEEP > 5%), optimized (already-optimized code,
/// KEEP > 2%), zkvm (KEEP > 3%, MAYBE 1–3%, timeout 1.15x).
std::vector<std::string_view> preset_names();

/// A preset by name; an error listing the names when unknown.
Result<Policy> preset(std::string_view name);

/// Parses a YAML mapping of policy keys. An optional `preset: <name>` key picks the starting values
/// (generic when absent); the other keys override them. Errors name `source`, the line and the key:
/// unknown keys, values of the wrong type, thresholds out of range (fractions in [0, 1), keep >= maybe,
/// p in (0, 1), multiplier >= 1, runs >= 2).
Result<Policy> parse_policy_yaml(std::string_view text, std::string_view source);

} // namespace zkbench::verdict
