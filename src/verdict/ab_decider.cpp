#include "verdict/sequential.hpp"

#include <algorithm>

#include <fmt/format.h>

// The one A/B driver (AbDecider): the sequential rule (sequential.cpp) or the fixed rule, one look at a time,
// as the run loop's stop rule; and what a look that did not stop, or the runs of a spent budget, decide.

namespace zkbench::verdict {

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

namespace {

Decision too_few_runs(std::size_t pairs, int min_runs) {
  return {Verdict::inconclusive, false,
          fmt::format("sequential: {} runs per side, fewer than the {} the rule needs", pairs, min_runs)};
}

} // namespace

AbOutcome AbDecider::started_outcome(std::span<const double> baseline, std::span<const double> candidate) const {
  AbOutcome out;
  out.baseline.assign(baseline.begin(), baseline.end());
  out.candidate.assign(candidate.begin(), candidate.end());
  out.trace = m_trace;
  out.stopped_early = m_stopped_early;
  out.comparison = compare_metric(m_metric, baseline, candidate, m_policy);
  return out;
}

AbOutcome AbDecider::outcome(std::span<const double> baseline, std::span<const double> candidate,
                             bool budget_spent) const {
  AbOutcome out = started_outcome(baseline, candidate);
  if (m_options.strategy == Strategy::sequential) {
    SequentialOptions options = m_options.sequential;
    const int pairs = static_cast<int>(std::min(baseline.size(), candidate.size()));
    if (!m_decided && budget_spent && pairs < options.max_runs) {
      options.last_look = pairs; // contended rounds left out: the last look there is is the final one
    }
    if (!m_decided) {
      // No look stopped (the loop ended first, e.g. every pair was already stored): the rule looks at what
      // there is, so the sequential rule decides, never the fixed one.
      out.trace = sequential_trace(baseline, candidate, m_policy, options);
    }
    if (!out.trace.empty()) {
      const Look& deciding = out.trace.back();
      apply_look(out.comparison, deciding, options);
      if (m_decided) {
        out.decision = m_decision;
      } else {
        const auto k = static_cast<std::size_t>(deciding.runs);
        const auto last = sequential_look(baseline.first(k), candidate.first(k), m_policy, options);
        out.decision = last.look.stop ? last.decision
                                      : Decision{Verdict::inconclusive, false,
                                                 fmt::format("sequential: {} (of at most {}): not settled",
                                                             interval_text(deciding), m_options.sequential.max_runs)};
      }
    } else {
      out.decision = too_few_runs(std::min(baseline.size(), candidate.size()), m_options.sequential.min_runs);
    }
  } else {
    out.decision = m_decided ? m_decision : out.comparison.decision;
  }
  out.comparison.decision = out.decision;
  return out;
}

AbOutcome AbDecider::final_on_every_run(std::span<const double> baseline, std::span<const double> candidate) const {
  AbOutcome out = started_outcome(baseline, candidate);
  SequentialOptions options = m_options.sequential;
  const int pairs = static_cast<int>(std::min(baseline.size(), candidate.size()));
  if (pairs < options.min_runs) {
    out.decision = too_few_runs(static_cast<std::size_t>(pairs), options.min_runs);
  } else {
    options.last_look = pairs < options.max_runs ? pairs : 0;
    options.carry = false; // other runs than the loop's looks saw: only this look's own level is left
    const SequentialResult last = sequential_look(baseline, candidate, m_policy, options);
    out.trace.push_back(last.look);
    apply_look(out.comparison, last.look, options);
    out.decision = last.decision;
  }
  out.comparison.decision = out.decision;
  return out;
}

} // namespace zkbench::verdict
