#include "verdict/decide.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "stats/inference.hpp"
#include "util/strings.hpp"
#include "verdict/sequential.hpp"

namespace zkbench::verdict {

namespace {

constexpr double k_inf = std::numeric_limits<double>::infinity();

// Runs per side below which equal values do not make a metric deterministic (issue 11).
constexpr std::size_t k_min_deterministic_runs = 3;

// Seed 002 §4.6 step 2: remove values further than `sigmas` standard deviations from the mean.
std::vector<double> without_outliers(std::span<const double> xs, double sigmas, std::size_t& dropped) {
  const double m = stats::mean(xs);
  const double sd = stats::stddev(xs);
  std::vector<double> kept;
  for (const double x : xs) {
    if (sd == 0.0 || std::fabs(x - m) <= sigmas * sd) {
      kept.push_back(x);
    } else {
      ++dropped;
    }
  }
  return kept;
}

void fill_statistics(MetricComparison& m, std::span<const double> baseline, std::span<const double> candidate) {
  m.baseline = stats::summarize(baseline);
  m.candidate = stats::summarize(candidate);
  m.change = m.candidate.mean / m.baseline.mean - 1.0;
  m.ci_lo.reset();
  m.ci_hi.reset();
  if (const auto ci = stats::relative_change_ci(baseline, candidate); ci && std::isfinite(ci->lo) &&
                                                                       std::isfinite(ci->hi)) {
    m.ci_lo = ci->lo;
    m.ci_hi = ci->hi;
  }
  m.welch_p.reset();
  if (const auto welch = stats::welch_t_test(candidate, baseline)) {
    m.welch_p = welch->p;
  }
  m.mwu_p.reset();
  m.mwu_p_exact.reset();
  if (const auto mwu = stats::mann_whitney_u(candidate, baseline)) {
    m.mwu_p = mwu->p_asymptotic;
    m.mwu_p_exact = mwu->p_exact;
  }
}

Decision decide_deterministic(double change, const Policy& policy) {
  if (-change >= policy.deterministic_keep) {
    return {Verdict::keep, false,
            fmt::format("deterministic: {} (KEEP at >= {:.2f}% fewer)", percent(change), policy.deterministic_keep * 100)};
  }
  if (change >= policy.deterministic_regression) {
    return {Verdict::discard, true,
            fmt::format("deterministic: {} is a regression (>= {:.2f}% more)", percent(change),
                        policy.deterministic_regression * 100)};
  }
  return {Verdict::discard, false,
          fmt::format("deterministic: {} is below the {:.2f}% needed to keep", percent(change),
                      policy.deterministic_keep * 100)};
}

// The seeds' fixed rule (seed 002 §4.5) on a sample that is not flaky.
Decision decide_statistical(const MetricComparison& m, const Policy& policy) {
  if (!m.welch_p) {
    return {Verdict::inconclusive, false, "needs at least 2 runs on each side", 0};
  }
  const double p = *m.welch_p;
  const double improvement = -m.change;
  // A claim (KEEP, a regression) also needs the ranks and the median to say what the mean and Welch's t say:
  // on a busy machine a few runs of one side slowed by a burst of load move the mean and t while the typical
  // run is unchanged. Measured beside two busy loops, one command on both sides, 20 runs each: KEEP -5.13%
  // (p=0.016) on the mean while the medians were 2.4% apart (issue 22). The rank test's smallest two-sided
  // p-value at 3 runs per side is 0.1: a claim needs at least 4.
  const double median_change =
      m.baseline.median > 0 ? m.candidate.median / m.baseline.median - 1.0 : std::nan("");
  const bool ranks_agree = m.mwu_p && *m.mwu_p < policy.p_threshold;
  const auto unsupported = [&](double wanted_median) {
    if (!ranks_agree) {
      return fmt::format("the ranks do not establish it (Mann-Whitney p={})",
                         m.mwu_p ? fmt::format("{:.3g}", *m.mwu_p) : std::string("n/a"));
    }
    return fmt::format("the median moved {} (a few runs moved the mean, not the typical run; needs {})",
                       percent(median_change), percent(wanted_median));
  };
  if (m.change > 0 && p < policy.p_threshold) {
    const bool large = m.change >= policy.regression_threshold;
    const bool established = ranks_agree && median_change >= policy.regression_threshold;
    return {Verdict::discard, large && established,
            fmt::format("{} slower/larger (p={:.3g}){}", percent(m.change), p,
                        !large         ? ", below the regression threshold"
                        : established ? ": regression"
                                      : ", not established as a regression: " + unsupported(policy.regression_threshold))};
  }
  const bool keep_median = -median_change > policy.keep_threshold;
  if (improvement > policy.keep_threshold && p < policy.p_threshold && ranks_agree && keep_median) {
    return {Verdict::keep, false,
            fmt::format("{} (> {:.1f}% and p={:.3g} < {})", percent(m.change), policy.keep_threshold * 100, p,
                        policy.p_threshold)};
  }
  if (improvement >= policy.maybe_threshold) {
    const std::string why = improvement > policy.keep_threshold
                                ? (p < policy.p_threshold ? fmt::format("p={:.3g}, but {}", p, unsupported(-policy.keep_threshold))
                                                          : fmt::format("not significant (p={:.3g})", p))
                                : fmt::format("between {:.1f}% and {:.1f}%", policy.maybe_threshold * 100,
                                              policy.keep_threshold * 100);
    return {Verdict::maybe, false, fmt::format("{}: {}", percent(m.change), why)};
  }
  if (m.change >= 0) { // slower or equal, but not significantly: no improvement at all
    return {Verdict::discard, false, fmt::format("{}: no improvement (not significant, p={:.3g})", percent(m.change), p)};
  }
  return {Verdict::discard, false,
          fmt::format("{}: improvement below {:.1f}% (p={:.3g})", percent(m.change), policy.maybe_threshold * 100, p)};
}

// Roughly how many more runs per side would let the 95% interval clear the nearest decision boundary
// (0, the MAYBE and KEEP thresholds, the regression threshold): the half-width shrinks as 1/sqrt(n).
// nullopt when the interval is unknown or already clear of every boundary.
std::optional<int> runs_to_settle(const MetricComparison& m, const Policy& policy, std::size_t n) {
  if (!m.ci_lo || !m.ci_hi || n < 2 || !std::isfinite(m.change)) {
    return std::nullopt;
  }
  const double half = (*m.ci_hi - *m.ci_lo) / 2;
  double distance = std::numeric_limits<double>::infinity();
  for (const double boundary : {0.0, -policy.maybe_threshold, -policy.keep_threshold, policy.regression_threshold}) {
    if (*m.ci_lo < boundary && boundary < *m.ci_hi) {
      distance = std::min(distance, std::fabs(m.change - boundary));
    }
  }
  if (!std::isfinite(distance) || !(half > 0)) {
    return std::nullopt;
  }
  constexpr double k_most = 1000;
  const double needed = distance > 0 ? static_cast<double>(n) * (half / distance) * (half / distance) : k_most;
  return static_cast<int>(std::ceil(std::min(needed, k_most) - static_cast<double>(n)));
}

std::string settle_text(const MetricComparison& m, const Policy& policy, std::size_t n) {
  const auto more = runs_to_settle(m, policy, n);
  if (!more || *more <= 0) {
    return {};
  }
  return *more >= 1000 - static_cast<int>(n) ? "; the change sits on a decision boundary: more runs are unlikely to settle it"
                                             : fmt::format("; about {} more runs per side would likely settle it", *more);
}

} // namespace

std::string percent(double fraction) {
  return fmt::format("{:+.2f}%", fraction * 100.0);
}

std::string bounds_text(double lo, double hi) {
  const bool has_lo = std::isfinite(lo) && lo > -1.0;
  const bool has_hi = std::isfinite(hi);
  if (!has_lo && !has_hi) {
    return "[unbounded]";
  }
  return fmt::format("[{}, {}]", has_lo ? percent(lo) : "-inf", has_hi ? percent(hi) : "+inf");
}

std::string change_text(double change, const std::optional<double>& lo, const std::optional<double>& hi) {
  if (!std::isfinite(change)) {
    return "-";
  }
  if (!lo && !hi) {
    return percent(change);
  }
  return percent(change) + " " + bounds_text(lo.value_or(-k_inf), hi.value_or(k_inf));
}

bool is_constant(std::span<const double> xs) {
  return std::adjacent_find(xs.begin(), xs.end(), std::not_equal_to<>()) == xs.end();
}

bool is_builtin_metric(const std::string& metric) {
  return metric == "time" || metric == k_cpu_metric || metric == k_unloaded_metric;
}

namespace {

// A figure every run of `bench` must have (`of` returns nullopt, or a non-positive value, where a run lacks
// it): the values in run order, or none.
template <typename Of>
std::vector<double> every_runs(const core::Benchmark& bench, Of of) {
  std::vector<double> values;
  values.reserve(bench.runs.size());
  for (const core::Run& run : bench.runs) {
    const std::optional<double> value = of(run);
    if (!value || !(*value > 0)) {
      return {};
    }
    values.push_back(*value);
  }
  return values;
}

} // namespace

std::vector<double> primary_values(const core::Benchmark& bench, const std::string& metric) {
  if (metric == "time") {
    return bench.wall_times();
  }
  if (metric == k_cpu_metric) {
    return every_runs(bench, [](const core::Run& run) { return std::optional<double>(run.user_s + run.system_s); });
  }
  if (metric == k_unloaded_metric) {
    return every_runs(bench, [](const core::Run& run) {
      return run.cpu_wait_s ? std::optional<double>(run.wall_s - *run.cpu_wait_s) : std::nullopt;
    });
  }
  std::vector<double> values = bench.metric_values(metric);
  return values.size() == bench.runs.size() ? values : std::vector<double>{};
}

std::string judged_metric(const core::Benchmark& baseline, const core::Benchmark& candidate,
                          const std::string& primary) {
  const std::string wanted = primary == "time" ? std::string(k_unloaded_metric) : primary;
  if (!baseline.runs.empty() && !candidate.runs.empty() && !primary_values(baseline, wanted).empty() &&
      !primary_values(candidate, wanted).empty()) {
    return wanted;
  }
  return "time";
}

MetricComparison compare_metric(const std::string& metric, std::span<const double> baseline,
                                std::span<const double> candidate, const Policy& policy) {
  MetricComparison m;
  m.metric = metric;
  m.baseline = stats::summarize(baseline);
  m.candidate = stats::summarize(candidate);
  if (baseline.empty() || candidate.empty()) {
    m.change = std::nan("");
    m.decision = {Verdict::inconclusive, false,
                  fmt::format("no values on the {} side", baseline.empty() ? "baseline" : "candidate")};
    return m;
  }
  if (m.baseline.mean == 0.0) {
    m.change = std::nan("");
    m.decision = {Verdict::inconclusive, false, "the baseline mean is 0: no relative change"};
    return m;
  }
  fill_statistics(m, baseline, candidate);
  const std::size_t n = std::min(baseline.size(), candidate.size());
  const bool constant = is_constant(baseline) && is_constant(candidate);
  const bool declared = declares_deterministic(policy, metric);
  // A metric is deterministic only when it is declared so and seen to be: a single run (or two) equal by
  // chance is not, nor a coarse figure that repeats (issue 22).
  m.deterministic = declared && constant && n >= k_min_deterministic_runs;
  if (constant && !declared) {
    m.decision = {Verdict::inconclusive, false,
                  fmt::format("{}: equal runs on each side, but '{}' is not declared deterministic (zkbench.yaml "
                              "benchmark.deterministic, or the policy's deterministic_metrics): a figure that repeats "
                              "is too coarse to show a change",
                              percent(m.change), metric)};
    return m;
  }
  if (constant && !m.deterministic) {
    m.decision = {Verdict::inconclusive, false,
                  fmt::format("{}: equal runs on each side, but {} per side cannot show the metric is deterministic "
                              "(needs {})",
                              percent(m.change), n, k_min_deterministic_runs),
                  static_cast<int>(k_min_deterministic_runs)};
    return m;
  }
  if (m.deterministic) {
    m.ci_lo = m.change;
    m.ci_hi = m.change;
    m.interval = "exact";
    m.decision = decide_deterministic(m.change, policy);
    return m;
  }
  const double worst_cv = std::max(m.baseline.cv, m.candidate.cv);
  // Seed 002 §4.5: any regression is an immediate rejection. A significant slowdown whose whole interval
  // lies above the regression threshold is not hidden behind the flaky procedure.
  const bool clear_regression = m.welch_p && *m.welch_p < policy.p_threshold && m.ci_lo &&
                                *m.ci_lo >= policy.regression_threshold;
  // Likewise a clear improvement: an interval entirely beyond the KEEP threshold is KEEP, noisy or not
  // (the noise is already in the interval).
  const bool clear_keep = m.welch_p && *m.welch_p < policy.p_threshold && m.ci_hi && *m.ci_hi < -policy.keep_threshold;
  if (!(worst_cv > policy.cv_limit) || clear_regression || clear_keep) {
    m.decision = decide_statistical(m, policy);
    return m;
  }
  // Flaky (seed 002 §4.6): more runs first, then outliers out, then INCONCLUSIVE if still flaky.
  const auto wanted = static_cast<std::size_t>(policy.flaky_runs);
  if (baseline.size() < wanted || candidate.size() < wanted) {
    m.decision = {Verdict::inconclusive, false,
                  fmt::format("flaky: CV {:.1f}% > {:.0f}%; extend to {} runs per side", worst_cv * 100,
                              policy.cv_limit * 100, policy.flaky_runs),
                  policy.flaky_runs};
    return m;
  }
  const auto clean_b = without_outliers(baseline, policy.outlier_sigma, m.dropped_outliers);
  const auto clean_c = without_outliers(candidate, policy.outlier_sigma, m.dropped_outliers);
  fill_statistics(m, clean_b, clean_c);
  const double clean_cv = std::max(m.baseline.cv, m.candidate.cv);
  if (clean_cv > policy.cv_limit) {
    m.decision = {Verdict::inconclusive, false,
                  fmt::format("still flaky after {} runs and dropping {} outliers beyond {:g} sigma: CV {:.1f}%{}",
                              std::min(baseline.size(), candidate.size()), m.dropped_outliers,
                              policy.outlier_sigma, clean_cv * 100, settle_text(m, policy, n))};
    return m;
  }
  m.decision = decide_statistical(m, policy);
  m.decision.reason += fmt::format(" (after dropping {} outliers beyond {:g} sigma)", m.dropped_outliers,
                                   policy.outlier_sigma);
  return m;
}

const MetricComparison* primary_comparison(std::span<const MetricComparison> metrics, const std::string& metric) {
  const MetricComparison* time = nullptr;
  for (const MetricComparison& m : metrics) {
    if (m.metric == metric) {
      return &m;
    }
    if (m.metric == "time") {
      time = &m;
    }
  }
  return time;
}

CommandComparison compare_benchmarks(const core::Benchmark& baseline, const core::Benchmark& candidate,
                                     const Policy& policy) {
  CommandComparison result;
  result.command = candidate.display_name();
  const auto base_times = baseline.wall_times();
  const auto cand_times = candidate.wall_times();
  result.metrics.push_back(compare_metric("time", base_times, cand_times, policy));

  auto rss = [](const core::Benchmark& b) {
    std::vector<double> xs;
    for (const auto& run : b.runs) {
      if (run.peak_rss_bytes > 0) {
        xs.push_back(static_cast<double>(run.peak_rss_bytes));
      }
    }
    return xs;
  };
  if (const auto rb = rss(baseline), rc = rss(candidate); !rb.empty() && !rc.empty()) {
    result.metrics.push_back(compare_metric("memory", rb, rc, policy));
  }
  const std::string judged = judged_metric(baseline, candidate, policy.primary_metric);
  if (judged == k_cpu_metric || judged == k_unloaded_metric) {
    result.metrics.push_back(
        compare_metric(judged, primary_values(baseline, judged), primary_values(candidate, judged), policy));
  }
  const auto cand_names = candidate.metric_names();
  for (const auto& name : baseline.metric_names()) {
    if (std::binary_search(cand_names.begin(), cand_names.end(), name)) {
      result.metrics.push_back(compare_metric(name, baseline.metric_values(name), candidate.metric_values(name), policy));
    }
  }

  const MetricComparison* primary = primary_comparison(result.metrics, judged); // "time" is always there
  result.metric = primary->metric;
  result.change = primary->change;
  result.decision = primary->decision;
  if (primary->metric != "time" || policy.primary_metric != "time") {
    result.decision.reason = primary->metric + ": " + result.decision.reason;
  }

  const auto failed = [](const core::Run& r) {
    return r.status == core::RunStatus::failed || r.status == core::RunStatus::signaled;
  };
  // A candidate that fails where the baseline did not is wrong; one failing like its baseline is not new.
  const bool baseline_failed = std::any_of(baseline.runs.begin(), baseline.runs.end(), failed);
  for (const auto& run : candidate.runs) {
    if (failed(run) && !baseline_failed) {
      result.decision = {Verdict::reject, false,
                         fmt::format("candidate run {} {}: its output cannot be trusted", run.index + 1,
                                     run.exit_code ? fmt::format("exited with code {}", *run.exit_code)
                                                   : std::string("was killed by a signal"))};
      return result;
    }
  }
  const auto timed_out = std::find_if(candidate.runs.begin(), candidate.runs.end(),
                                      [](const core::Run& r) { return r.timed_out(); });
  if (timed_out != candidate.runs.end()) {
    result.decision = {Verdict::kill, true, fmt::format("candidate run {} timed out", timed_out->index + 1)};
    return result;
  }
  if (!base_times.empty() && !cand_times.empty()) {
    // KILL on evidence, as exp run decides it: the candidate is clearly slower than timeout_multiplier x the
    // baseline (the lower bound of its rank interval at p_threshold), and its median is past the slack;
    // timing noise of a short command never kills.
    const double base_median = stats::median(base_times);
    const double limit = std::max(policy.timeout_multiplier * base_median, base_median + policy.timeout_min_slack_s);
    const double typical = stats::median(cand_times);
    // One look at the runs there are: the whole error budget on it.
    const int n = static_cast<int>(std::min(base_times.size(), cand_times.size()));
    if (typical > limit && clearly_slower(base_times, cand_times, policy.timeout_multiplier, sequential_options(policy, n, n))) {
      result.decision = {Verdict::kill, true,
                         fmt::format("candidate median {:.4g} s is clearly past the timeout {:.3g} x baseline median = "
                                     "{:.4g} s",
                                     typical, policy.timeout_multiplier, limit)};
    }
  }
  return result;
}

std::optional<JointChange> joint_change(std::span<const CommandComparison> inputs) {
  // On the log scale: the weighted mean of the estimates, and each side's distance to its bound combined in
  // quadrature (the inputs are measured apart: their errors are independent), each input's interval already
  // at alpha / inputs.
  double total = 0;
  double estimate = 0;
  double below = 0; // sum of (weight x distance from the estimate to the lower bound)^2
  double above = 0;
  for (const auto& input : inputs) {
    if (!std::isfinite(input.change) || !(input.weight > 0) || input.change <= -1.0) {
      continue;
    }
    const MetricComparison* m = primary_comparison(input.metrics, input.metric);
    const double e = std::log1p(input.change);
    // The distance from the estimate to a bound (infinite where the bound is missing or at -100%); 0 for an
    // interval narrowed past its estimate (intersected with earlier looks'): it counts from the estimate.
    const auto distance = [e](const std::optional<double>& bound, double side) {
      return bound && *bound > -1.0 ? std::max(0.0, side * (std::log1p(*bound) - e)) : k_inf;
    };
    const double to_lo = distance(m != nullptr ? m->ci_lo : std::nullopt, -1.0);
    const double to_hi = distance(m != nullptr ? m->ci_hi : std::nullopt, 1.0);
    total += input.weight;
    estimate += input.weight * e;
    below += input.weight * input.weight * to_lo * to_lo;
    above += input.weight * input.weight * to_hi * to_hi;
  }
  if (!(total > 0)) {
    return std::nullopt;
  }
  const double mean = estimate / total;
  return JointChange{std::expm1(mean), std::expm1(mean - std::sqrt(below) / total),
                     std::expm1(mean + std::sqrt(above) / total)};
}

Decision combine_inputs(std::span<const CommandComparison> inputs, const Policy& policy) {
  if (inputs.empty()) {
    return {Verdict::inconclusive, false, "nothing to compare"};
  }
  if (inputs.size() == 1) {
    return inputs.front().decision;
  }
  for (const Verdict severe : {Verdict::reject, Verdict::kill}) {
    for (const auto& input : inputs) {
      if (input.decision.verdict == severe) {
        return {severe, input.decision.regression, fmt::format("{}: {}", input.command, input.decision.reason)};
      }
    }
  }
  // "Any input regresses > 5%" counts an input only when its deciding interval, on the metric it was judged
  // on, establishes the regression (lower bound above 0, or the metric is deterministic). An input that only
  // may regress asks for more runs instead of deciding.
  for (const auto& input : inputs) {
    if (!(input.change > policy.input_regression_limit)) {
      continue;
    }
    const MetricComparison* judged = primary_comparison(input.metrics, input.metric);
    const bool established = judged != nullptr && (judged->deterministic || (judged->ci_lo && *judged->ci_lo > 0.0));
    if (established) {
      return {Verdict::discard, true,
              fmt::format("input '{}' regresses {} on {} (interval {}; > {:.0f}% on any input)", input.command,
                          percent(input.change), input.metric,
                          judged->deterministic ? std::string("exact")
                                                : bounds_text(*judged->ci_lo, judged->ci_hi.value_or(k_inf)),
                          policy.input_regression_limit * 100)};
    }
    if (input.decision.verdict != Verdict::inconclusive || judged == nullptr) {
      continue; // decided on its own (e.g. no change in deterministic work): not a regression
    }
    const std::size_t n = judged->candidate.n;
    return {Verdict::inconclusive, false,
            fmt::format("input '{}' may regress {} (> {:.0f}%) but its interval {} includes no change{}",
                        input.command, percent(input.change), policy.input_regression_limit * 100,
                        bounds_text(judged->ci_lo.value_or(-k_inf), judged->ci_hi.value_or(k_inf)),
                        settle_text(*judged, policy, n)),
            static_cast<int>(n) * 2};
  }
  bool all_inconclusive = true;
  int more_runs = 0;
  std::string unsettled;
  for (const auto& input : inputs) {
    // A paused input (its runs stopped at a joint look) has not ended INCONCLUSIVE: the joint interval decides.
    all_inconclusive = all_inconclusive && input.decision.verdict == Verdict::inconclusive && !input.paused;
    more_runs = std::max(more_runs, input.decision.more_runs);
    if (input.decision.verdict == Verdict::inconclusive) {
      unsettled += fmt::format("; {}: {}", input.command, input.decision.reason);
    }
  }
  const auto joint = joint_change(inputs);
  if (all_inconclusive || !joint) {
    return {Verdict::inconclusive, false, "every input is inconclusive" + unsettled, more_runs};
  }
  const std::string head = fmt::format("joint change over {} inputs {} {} (weighted; each input's interval at "
                                       "alpha / {})",
                                       inputs.size(), percent(joint->change), bounds_text(joint->lo, joint->hi),
                                       inputs.size());
  if (joint->hi < -policy.maybe_threshold && -joint->change > policy.keep_threshold) {
    return {Verdict::keep, false,
            head + fmt::format(": lies below -{:.1f}% (KEEP > {:.1f}%)", policy.maybe_threshold * 100,
                               policy.keep_threshold * 100)};
  }
  const bool ruled_out = joint->lo > -policy.keep_threshold;
  if (!ruled_out && !unsettled.empty()) {
    return {Verdict::inconclusive, false, head + ": neither established as a KEEP nor ruled out" + unsettled, more_runs};
  }
  const bool regression = std::any_of(inputs.begin(), inputs.end(), [](const CommandComparison& c) {
    return c.decision.regression;
  });
  if (joint->hi < 0.0 && -joint->change >= policy.maybe_threshold) {
    return {Verdict::maybe, false,
            head + fmt::format(": an established improvement, KEEP (> {:.1f}%) {}", policy.keep_threshold * 100,
                               ruled_out ? "ruled out" : "not established")};
  }
  // Inputs that disagree: one established a KEEP, the joint interval neither establishes it nor rules it
  // out, nor establishes an improvement. No DISCARD then ("no established improvement" of a change that
  // improved some inputs beyond the KEEP threshold: in bench/verdicts' contention cells real 10% gains were
  // DISCARDed so, another input's futility look taken inside a contention episode): INCONCLUSIVE.
  if (!ruled_out && !regression) {
    std::vector<std::string> kept;
    for (const auto& input : inputs) {
      if (input.decision.verdict == Verdict::keep) {
        kept.push_back(fmt::format("'{}' {}", input.command, percent(input.change)));
      }
    }
    if (!kept.empty()) {
      return {Verdict::inconclusive, false,
              head + fmt::format(": neither established as a KEEP nor ruled out; the inputs disagree ({} KEEP, {} not)",
                                 util::join(kept, ", "), inputs.size() - kept.size())};
    }
  }
  return {Verdict::discard, regression,
          head + fmt::format(": no established improvement of {:.1f}% (KEEP > {:.1f}% {})", policy.maybe_threshold * 100,
                             policy.keep_threshold * 100, ruled_out ? "ruled out" : "not established")};
}

} // namespace zkbench::verdict
