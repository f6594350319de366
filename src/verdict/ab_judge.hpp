#pragma once
// The one A/B judge of `zkbench ab`, `exp run`, `compound` and `bisect`: the run loop's stop rule while
// the two sides are measured, then the decision on what the loop kept, with the contention seam
// (verdict/contention.hpp) around it. It drives verdict::AbDecider on the two sides measured in rounds
// (A B B A), or, against a stored baseline, the sequential rule on the candidate's runs paired with the
// stored ones. Pure: the callers give the runs (the run loop's, the simulation's).
//
// Use: AbJudge judge(...); the loop runs at most max_pairs() rounds with look() as its stop rule; then
// judge() on every kept run (contended ones included: it leaves their rounds out itself, except at the final
// look of a spent budget, which judges every run); the caller may amend
// the decision's reason; guard() comes last.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/run.hpp"
#include "verdict/contention.hpp"
#include "verdict/decide.hpp"
#include "verdict/policy.hpp"
#include "verdict/sequential.hpp"

namespace zkbench::verdict {

/// What is judged when a run lacks the primary metric.
enum class MetricFallback {
  none, // the primary metric, always (`ab` stops the loop on a missing metric first)
  time, // both sides on time (judged_metric); after the rule has looked at the primary metric, no verdict
};

/// The decision on the kept runs, before guard().
struct AbJudgement {
  std::vector<core::Benchmark> judged; // [baseline, candidate]: the runs judged (contended rounds left out
                                       // unless every_run)
  ContentionCount contention;          // of every run
  std::string metric;                  // what was judged (the primary metric, or "time")
  /// The judged values (outcome.baseline, outcome.candidate), the decision, and, beside the baseline, the
  /// decider's looks, stopped_early and the metric's comparison with the deciding look's figures.
  AbOutcome outcome;
  /// The look whose estimate and interval are the figures of `look_metric` (apply_look with options()'s
  /// sequential options); none when no look decided.
  std::optional<Look> deciding;
  std::string look_metric;
  bool killed = false;      // KILL on evidence: the candidate clearly slower than kill_multiplier x the baseline
  bool metric_lost = false; // the primary metric went missing after the rule had looked at it: no verdict
  /// Against a stored baseline, the rule did not stop (fixed strategy, or not settled): no decision here,
  /// the caller's fixed rule on every metric decides.
  bool settled = true;
  /// The loop's budget ended before the rule decided on the uncontended rounds: the final look judged every
  /// run, contended rounds included (AbDecider::final_on_every_run); `judged` holds them all.
  bool every_run = false;
};

class AbJudge {
public:
  /// `primary`: the metric to decide on ("time" or a metric every run reports). `stored`: the stored
  /// baseline's runs when only the candidate is measured (must outlive the judge); null: both sides are
  /// measured in rounds. KILL on evidence when options.sequential.kill_multiplier > 0.
  AbJudge(std::string primary, Policy policy, AbOptions options, MetricFallback fallback,
          const core::Benchmark* stored = nullptr);

  /// The most rounds the loop may measure (the run count per side).
  int max_pairs() const;

  /// The stop rule: the sides' (uncontended) runs so far, [baseline, candidate] or [candidate] against a
  /// stored baseline; true when the evidence suffices.
  bool look(std::span<const core::Benchmark> sides);

  /// The decision on every kept run of both sides (the stored ones against a stored baseline).
  /// `budget_spent`: the loop measured all it may (LoopStatus::complete). `ended`: a failure that is the
  /// decision (`ab`: a candidate that failed or timed out); the figures are then the fixed rule's.
  AbJudgement judge(const core::Benchmark& baseline, const core::Benchmark& candidate, bool budget_spent,
                    std::optional<Decision> ended = std::nullopt) const;

  /// The looks the sequential rule makes on the judged values, recomputed from them (resumed runs
  /// included); empty for the fixed strategy or an empty side.
  std::vector<Look> trace(const AbJudgement& judgement) const;

  /// The futility projection's reach from the judged values (verdict::futility_reach with the options
  /// the rule judged them with); nullopt for the fixed strategy or an empty side.
  std::optional<Reach> reach(const AbJudgement& judgement) const;

  /// The contention guard, last: `decision` (the judgement's, amended by the caller) with the contention
  /// named, INCONCLUSIVE when too few uncontended runs remain or `decided_by_contended_run`.
  Decision guard(Decision decision, const AbJudgement& judgement, bool decided_by_contended_run = false) const;

  const AbOptions& options() const { return m_options; }

private:
  SequentialOptions judging(const std::string& metric) const;

  std::string m_primary;
  Policy m_policy;
  AbOptions m_options;
  MetricFallback m_fallback;
  const core::Benchmark* m_stored;
  std::optional<AbDecider> m_decider; // beside the baseline
  std::string m_decided_metric;       // what the decider judges
  bool m_looked = false;              // the decider has looked at the evidence (sequential: min_runs pairs)
  bool m_metric_lost = false;         // the decided metric went missing after a look
  bool m_killed = false;
};

} // namespace zkbench::verdict
