#include "verdict/sequential.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "stats/descriptive.hpp"
#include "stats/inference.hpp"

namespace zkbench::verdict {

namespace {

constexpr double k_inf = std::numeric_limits<double>::infinity();

std::string interval_text(const Look& look) {
  return fmt::format("{} [{}, {}] after {} runs", percent(look.change), percent(look.lo), percent(look.hi), look.runs);
}

// One-sided level of this look under the spending plan (see the header).
double look_level(int runs, const SequentialOptions& options) {
  const int looks = std::max(1, options.max_runs - options.min_runs + 1);
  if (looks == 1) {
    return options.alpha;
  }
  if (runs >= options.max_runs) {
    return options.alpha * options.final_share;
  }
  return options.alpha * (1.0 - options.final_share) / static_cast<double>(looks - 1);
}

// KEEP ruled out: which of the other verdicts the estimate points to.
Decision not_keep(const Look& look, const Policy& policy) {
  if (look.lo > 0.0 && look.change >= policy.regression_threshold) {
    return {Verdict::discard, true, "sequential: regression " + interval_text(look)};
  }
  if (-look.change >= policy.maybe_threshold) {
    return {Verdict::maybe, false,
            fmt::format("sequential: {} rules out KEEP (> {:.1f}%)", interval_text(look), policy.keep_threshold * 100)};
  }
  if (look.change >= 0) { // no improvement at all: say so rather than "below the threshold"
    return {Verdict::discard, false,
            fmt::format("sequential: {} rules out KEEP (> {:.1f}%); no improvement", interval_text(look),
                        policy.keep_threshold * 100)};
  }
  return {Verdict::discard, false,
          fmt::format("sequential: {} rules out KEEP (> {:.1f}%); improvement below {:.1f}%", interval_text(look),
                      policy.keep_threshold * 100, policy.maybe_threshold * 100)};
}

} // namespace

SequentialResult sequential_look(std::span<const double> baseline, std::span<const double> candidate,
                                 const Policy& policy, const SequentialOptions& options) {
  SequentialResult result;
  Look& look = result.look;
  look.runs = static_cast<int>(std::min(baseline.size(), candidate.size()));
  look.lo = -k_inf;
  look.hi = k_inf;
  const bool final = look.runs >= options.max_runs;
  const bool may_stop = look.runs >= options.min_runs;
  if (baseline.empty() || candidate.empty()) {
    return result;
  }
  look.change = stats::mean(candidate) / stats::mean(baseline) - 1.0;

  // Equal runs decide exactly, once at least 3 per side show a declared deterministic metric is; equal
  // runs of any other metric carry no spread to test with (compare_metric says so).
  if (is_constant(baseline) && is_constant(candidate) && look.runs >= 3) {
    const MetricComparison exact = compare_metric(options.metric, baseline, candidate, policy);
    if (exact.deterministic) {
      look.lo = look.hi = look.change;
    }
    if (may_stop) {
      look.stop = true;
      result.decision = exact.decision;
    }
    return result;
  }

  bool futile = false;
  bool flaky = false;
  const bool positive = std::all_of(baseline.begin(), baseline.end(), [](double x) { return x > 0; }) &&
                        std::all_of(candidate.begin(), candidate.end(), [](double x) { return x > 0; });
  if (positive && look.runs >= 2) {
    std::vector<double> lb;
    std::vector<double> lc;
    std::transform(baseline.begin(), baseline.end(), std::back_inserter(lb), [](double x) { return std::log(x); });
    std::transform(candidate.begin(), candidate.end(), std::back_inserter(lc), [](double x) { return std::log(x); });
    if (auto welch = stats::welch_t_test(lc, lb); welch && welch->se > 0.0) {
      // One side constant (a metric not declared deterministic): its spread is unseen, not zero. Give it the
      // other side's, so the standard error is not that side's alone (issue 22).
      if (is_constant(lb) != is_constant(lc)) {
        const double n_seen = static_cast<double>(is_constant(lb) ? lc.size() : lb.size());
        const double n_unseen = static_cast<double>(is_constant(lb) ? lb.size() : lc.size());
        welch->se *= std::sqrt(1.0 + n_seen / n_unseen);
      }
      const double t = stats::student_t_quantile(1.0 - look_level(look.runs, options), welch->df);
      look.change = std::exp(welch->difference) - 1.0;
      look.lo = std::exp(welch->difference - t * welch->se) - 1.0;
      look.hi = std::exp(welch->difference + t * welch->se) - 1.0;
      // Futility (stochastic curtailment, Lan, Simon & Halperin 1982): with the spread seen so far, the
      // interval at max_runs, centred where the estimate is now, would still reach into the DISCARD
      // region, so KEEP cannot be established within the budget. Stopping then can only give a
      // non-KEEP verdict, so it cannot add false KEEPs; it costs power, which bench/verdicts measures.
      if (options.futility && look.runs < options.max_runs && look.runs >= options.futility_min_runs) {
        const double scale = std::sqrt(static_cast<double>(look.runs) / static_cast<double>(options.max_runs));
        const double df_final = welch->df * static_cast<double>(options.max_runs - 1) / static_cast<double>(look.runs - 1);
        const double t_final = stats::student_t_quantile(1.0 - options.alpha * options.final_share, df_final);
        // The final estimate may still move by about se * sqrt(1 - n/max); assume it moves futility_z of
        // that in the candidate's favour before calling KEEP out of reach.
        const double optimistic = welch->difference - options.futility_z * welch->se * std::sqrt(1.0 - scale * scale);
        // KEEP needs both an interval clear of the DISCARD region and an estimate beyond -keep_threshold.
        futile = std::exp(optimistic + t_final * welch->se * scale) - 1.0 >= -policy.maybe_threshold ||
                 std::exp(optimistic) - 1.0 >= -policy.keep_threshold;
        flaky = std::max(stats::cv(baseline), stats::cv(candidate)) > policy.cv_limit;
      }
    }
  }
  if (!may_stop) {
    return result;
  }

  if (look.hi < -policy.maybe_threshold && look.change < -policy.keep_threshold) {
    look.stop = true;
    result.decision = {Verdict::keep, false,
                       fmt::format("sequential: {} lies below -{:.1f}%", interval_text(look), policy.maybe_threshold * 100)};
    return result;
  }
  if (look.lo > -policy.keep_threshold && !final) {
    look.stop = true;
    result.decision = not_keep(look, policy);
    return result;
  }
  if (futile) {
    look.stop = true;
    if (flaky) {
      result.decision = {Verdict::inconclusive, false,
                         fmt::format("sequential: too noisy to establish KEEP within {} runs: {}", options.max_runs,
                                     interval_text(look))};
    } else {
      result.decision = not_keep(look, policy);
      result.decision.reason += fmt::format("; KEEP out of reach within {} runs", options.max_runs);
    }
    return result;
  }
  if (final) {
    look.stop = true;
    result.decision = compare_metric(options.metric, baseline, candidate, policy).decision;
    if (result.decision.verdict == Verdict::keep) {
      result.decision = {Verdict::maybe, false,
                         fmt::format("sequential: {} does not establish KEEP under repeated looks; {}",
                                     interval_text(look), result.decision.reason)};
    } else if (result.decision.more_runs > 0) {
      result.decision = {Verdict::inconclusive, false,
                         fmt::format("{} (max runs {} reached)", result.decision.reason, options.max_runs)};
    }
  }
  return result;
}

std::vector<Look> sequential_trace(std::span<const double> baseline, std::span<const double> candidate,
                                   const Policy& policy, const SequentialOptions& options) {
  std::vector<Look> trace;
  const std::size_t last = std::min(baseline.size(), candidate.size());
  for (std::size_t n = static_cast<std::size_t>(std::max(options.min_runs, 1)); n <= last; ++n) {
    trace.push_back(sequential_look(baseline.first(n), candidate.first(n), policy, options).look);
    if (trace.back().stop) {
      break;
    }
  }
  return trace;
}

AbDecider::AbDecider(std::string metric, Policy policy, AbOptions options)
    : m_metric(std::move(metric)), m_policy(std::move(policy)), m_options(options),
      m_target(options.strategy == Strategy::fixed ? options.runs : options.sequential.max_runs) {
  m_options.sequential.metric = m_metric;
}

int AbDecider::max_pairs() const {
  if (m_options.strategy == Strategy::sequential) {
    return m_options.sequential.max_runs;
  }
  return std::max(m_options.runs, m_policy.flaky_runs);
}

bool AbDecider::look(std::span<const double> baseline, std::span<const double> candidate) {
  const int n = static_cast<int>(std::min(baseline.size(), candidate.size()));
  if (m_options.strategy == Strategy::sequential) {
    if (n < m_options.sequential.min_runs) {
      return false;
    }
    const auto look = sequential_look(baseline.first(static_cast<std::size_t>(n)),
                                      candidate.first(static_cast<std::size_t>(n)), m_policy, m_options.sequential);
    m_trace.push_back(look.look);
    if (look.look.stop) {
      m_decision = look.decision;
      m_stopped_early = n < m_options.sequential.max_runs;
      m_decided = true;
    }
    return m_decided;
  }
  if (n < m_target) {
    return false;
  }
  m_decision = compare_metric(m_metric, baseline, candidate, m_policy).decision;
  if (m_decision.more_runs > n) {
    m_target = m_decision.more_runs; // flaky: extend, then decide again (seed 002 §4.6)
    return false;
  }
  m_decided = true;
  return true;
}

AbOutcome AbDecider::outcome(std::span<const double> baseline, std::span<const double> candidate) const {
  AbOutcome out;
  out.baseline.assign(baseline.begin(), baseline.end());
  out.candidate.assign(candidate.begin(), candidate.end());
  out.trace = m_trace;
  out.stopped_early = m_stopped_early;
  out.comparison = compare_metric(m_metric, baseline, candidate, m_policy);
  // A loop that ended before the decider decided (run count reached) decides on what it has.
  out.decision = m_decided ? m_decision : out.comparison.decision;
  out.comparison.decision = out.decision;
  return out;
}

Result<AbOutcome> run_ab(const Sampler& sample, const std::string& metric, const Policy& policy,
                         const AbOptions& options) {
  AbDecider decider(metric, policy, options);
  std::vector<double> baseline;
  std::vector<double> candidate;
  for (int pair = 0; pair < decider.max_pairs(); ++pair) {
    // A B, B A, A B, ...: a linear drift adds the same amount to both sides over every two pairs.
    const Side first = pair % 2 == 0 ? Side::baseline : Side::candidate;
    for (const Side side : {first, first == Side::baseline ? Side::candidate : Side::baseline}) {
      auto& values = side == Side::baseline ? baseline : candidate;
      ZKBENCH_TRY_ASSIGN(value, sample(side, static_cast<int>(values.size())));
      values.push_back(*value);
    }
    if (decider.look(baseline, candidate)) {
      break;
    }
  }
  return decider.outcome(baseline, candidate);
}

bool clearly_slower(std::span<const double> baseline, std::span<const double> candidate, double multiplier,
                    const SequentialOptions& options) {
  const std::size_t n = std::min(baseline.size(), candidate.size());
  if (static_cast<int>(n) < std::max(options.min_runs, 2)) {
    return false;
  }
  const auto positive = [](double x) { return x > 0; };
  if (!std::all_of(baseline.begin(), baseline.end(), positive) ||
      !std::all_of(candidate.begin(), candidate.end(), positive)) {
    return false;
  }
  std::vector<double> lb;
  std::vector<double> lc;
  std::transform(baseline.begin(), baseline.begin() + static_cast<std::ptrdiff_t>(n), std::back_inserter(lb),
                 [](double x) { return std::log(x); });
  std::transform(candidate.begin(), candidate.begin() + static_cast<std::ptrdiff_t>(n), std::back_inserter(lc),
                 [](double x) { return std::log(x); });
  const auto welch = stats::welch_t_test(lc, lb);
  if (!welch) {
    return false;
  }
  if (!(welch->se > 0.0)) { // both sides constant: the exact ratio decides
    return welch->difference > std::log(multiplier);
  }
  const double t = stats::student_t_quantile(1.0 - look_level(static_cast<int>(n), options), welch->df);
  return welch->difference - t * welch->se > std::log(multiplier);
}

} // namespace zkbench::verdict
