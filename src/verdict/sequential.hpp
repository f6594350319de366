#pragma once
// The A/B decision of `zkbench ab`, `exp run` and `compound` (--strategy sequential, the default): a
// robust sequential rule that looks after every pair of runs (one round: A B or B A) and stops as soon as
// the evidence settles the verdict.
//
// Estimate and interval (on log values, mapped back with exp(.) - 1): the Hodges–Lehmann shift of
// log(candidate) against log(baseline) with the distribution-free interval of the inverted rank test
// (stats/rank_interval.hpp; unpaired: Mann–Whitney, paired by round: Wilcoxon signed-rank). Ranks make
// a few slow runs (a load burst, a cold run, a heavy tail) count as "slower" and no more.
//
// Repeated looks: every claim (KEEP settled, KEEP ruled out, regression) is one-sided and made at the
// level of its look under a pre-declared alpha spending plan (Bonferroni: the levels of all looks sum to
// alpha, so the overall error of a claim is at most alpha whatever the data do; Jennison & Turnbull,
// "Group Sequential Methods with Applications to Clinical Trials", 2000, ch. 1–2 and 7). alpha is the
// policy's p_threshold divided by the number of inputs judged jointly (combine_inputs). A share
// final_share is kept for the look at max_runs; the rest is spread evenly over the claim looks: the first
// look whose rank interval can reach that level at all (rank intervals cannot reach small levels at tiny
// samples: 1 / C(2n, n)), then each 1.5 times further (one input, defaults: 5, 8, 12, 18 pairs), so no
// alpha is spent on looks that cannot use it. Looks in between can only stop for futility.
//
// Two readings of the shift at each claim look, the look's level split between them (a union of two
// claims, each at its share, errs at most at the sum: the look's level):
//   - all runs: the Hodges–Lehmann shift with the Mann–Whitney interval;
//   - the fastest runs of each side (stats::hodges_lehmann_trimmed: the slowest k_trimmed_share of each
//     side left out, the bounds from the exact null distribution of the kept runs' ranks). Load only ever
//     slows a run, so under bursts that slow a third of the runs the kept runs are the clean ones and
//     their interval is as narrow as on a quiet machine, while the interval of all runs spreads over the
//     slowed ones (bench/verdicts' burst cells: a real 10% gain was INCONCLUSIVE in 60-85% of trials).
//     It settles KEEP, or rules KEEP out (DISCARD, or MAYBE where it establishes an improvement), only when
//     the side that would favour the claim does not scatter more than the other among the kept runs (a
//     KEEP: the candidate's; a DISCARD: the baseline's) and the estimate of all runs agrees (beyond
//     -keep_threshold for a KEEP, short of it for a DISCARD): the fastest runs compare lower tails, and a
//     side noisier than the other has a faster lower tail at the same median. Regression and KILL read the
//     interval of all runs. It gets half of a claim look's level, given only at looks where its bounds can
//     reach that share at all (from about 10 pairs), so the first looks are as before.
// One interval per look (Look::lo/hi, every claim and every figure): the intersection of the intervals of
// every claim look so far on the same runs, this one included. Under the spending plan all of them hold
// together with probability at least 1 - alpha (their levels sum to at most alpha), so the intersection
// does too (a confidence sequence from Bonferroni's union bound): the upper bound is the least of the two
// readings' (the fastest runs' where the candidate's kept runs do not scatter more), the lower bound the
// greatest of all runs'. A look between claim looks, a futility stop or an INCONCLUSIVE input still has the
// bounds of the looks before it, so several inputs' joint interval (combine_inputs) stays bounded.
// It stops when
//   - KEEP is settled: an interval lies below -maybe_threshold and its estimate is beyond -keep_threshold;
//     when a side's robust CV (1.4826 x MAD of the log values, of the runs that reading uses) exceeds
//     cv_limit (load, not the change), the whole interval must lie beyond -keep_threshold instead;
//   - KEEP is ruled out: the interval lies above -keep_threshold; the interval then says MAYBE (an
//     established improvement: hi < 0 and the estimate at least maybe_threshold), regression (lo > 0 and the
//     estimate at least regression_threshold), or DISCARD;
//   - KEEP is out of reach (futility, from futility_min_runs on): the interval projected to max_runs
//     (robust spread, normal approximation of the Hodges–Lehmann estimate), centred on the estimate moved
//     futility_z standard errors in the candidate's favour, would still reach above the bound KEEP needs, or
//     that moved estimate is not beyond -keep_threshold, for both readings (the fastest runs' not where the
//     candidate's kept runs scatter more than the baseline's and beyond half the KEEP threshold: slowed runs
//     among them, which would make a real gain look out of reach; a slowdown waits for the first claim look,
//     so a regression is called one); the verdict is INCONCLUSIVE when a side's robust CV exceeds cv_limit (too
//     noisy), else as when KEEP is ruled out. Futility only ever gives non-KEEP verdicts, so it adds no
//     false KEEP;
//   - at max_runs: KEEP if settled at the final level; MAYBE when the interval establishes an improvement
//     of the MAYBE size; else INCONCLUSIVE (neither settled nor ruled out);
//   - with a budget (budget_runs, below max_runs: exp run's runs per side, max_runs twice that): the claim
//     looks are planned up to the budget, and the look there decides as max_runs would unless the estimate
//     (of all runs, or of the fastest runs) is beyond -keep_threshold: such an input goes on to max_runs,
//     where one more look is made. The two looks share the final look's level (half each), so the levels
//     still sum to alpha. Futility projects to the budget, or to max_runs for a sample scattered beyond
//     cv_limit (whose KEEP-sized estimate would go on), and only ever ends an input with a non-KEEP verdict.
// Never before min_runs. The deciding look's estimate and interval are the input's figures everywhere
// (apply_look): no fixed-rule figure decides anything after a sequential stop.
// Pure: the run loop gives the samples, so real processes and the simulation use the same code.

#include <span>
#include <string>
#include <vector>

#include "util/error.hpp"
#include "verdict/decide.hpp"
#include "verdict/policy.hpp"

namespace zkbench::verdict {

/// How the two sides' runs are compared: as two samples, or round by round (within-round differences).
enum class Pairing { unpaired, paired };

struct SequentialOptions {
  int min_runs = 3;           // per side; never stop before
  int max_runs = 20;          // per side; decide at this many at the latest
  double alpha = 0.05;        // one-sided error of each claim over all looks (policy p_threshold / inputs)
  double final_share = 0.5;   // share of alpha kept for the look at max_runs
  bool futility = true;       // stop early when KEEP is out of reach within max_runs (see above)
  double futility_z = 1.0;    // how optimistic the futility projection is (standard errors of drift)
  int futility_min_runs = 4;  // no futility stop before this many runs per side
  Pairing pairing = Pairing::unpaired;
  // The loop's budget ended at this many pairs, fewer than max_runs (rounds the contention gate found
  // contended are left out): that look is the last, made at the final look's level (the plan's levels,
  // fixed by max_runs, are unchanged, so the looks' levels still sum to at most alpha). 0: max_runs.
  int last_look = 0;
  // The budget of an input that has not settled: at this many pairs (fewer than max_runs) it ends, as at
  // max_runs, unless its estimate is beyond the KEEP threshold, when it goes on to max_runs (a real gain
  // that bursts of load keep unsettled gets the runs to settle, a change that does nothing does not).
  // The claim looks are planned up to it; the look at it and the look at max_runs share the final
  // look's level. 0: no budget (max_runs is the budget).
  int budget_runs = 0;
  // The workflow's KILL (clearly_slower at kill_level): a slowdown beyond kill_multiplier x is not
  // stopped as a regression before a look at which KILL can be claimed, so a slow build is a KILL.
  // 0: no KILL (`ab`).
  double kill_multiplier = 0;
  std::string metric = "time"; // what is judged: equal runs are exact only for a declared deterministic metric
  // Carry the claim looks' bounds: each look's interval is the intersection of the intervals of every claim
  // look so far on the same runs (see sequential.hpp's head). Off for a one-off look on other runs than the
  // loop's looks were made on (final_on_every_run, the CPU time's reading): their levels were spent there.
  bool carry = true;
};

/// The options of the rule under `policy` for `inputs` inputs judged jointly (alpha = p_threshold / inputs).
SequentialOptions sequential_options(const Policy& policy, int min_runs, int max_runs, int inputs = 1);

/// The one-sided level of the look at `runs` pairs under the spending plan (0: no claim possible there).
double look_level(int runs, const SequentialOptions& options);

/// The one-sided level of a KILL claim at the look at `runs` pairs: an eighth of look_level (0: none).
double kill_level(int runs, const SequentialOptions& options);

/// The interval after one pair (the dashboard draws these as the stopping trace).
struct Look {
  int runs = 0;        // per side
  double change = 0;   // exp(Hodges–Lehmann shift of the logs) - 1
  double lo = 0;       // one-sided bounds, each valid at `level` under repeated looks (infinite: out of reach)
  double hi = 0;
  double level = 0;    // the one-sided level of this look (0: before the first look that can claim)
  bool stop = false;
  // Which reading the figures are: 0, the Hodges–Lehmann interval of all runs; else the trimmed one of the
  // fastest `kept` runs per side (the KEEP that settled on it). bound_level: the level its bounds were built
  // at (the look's level, or the share of it that reading got).
  int kept = 0;
  double bound_level = 0;
};

struct SequentialResult {
  Look look;
  Decision decision; // meaningful when look.stop
};

/// Evaluates the rule on equal-sized samples (runs = their size). Values must be > 0 (times, counts):
/// a non-positive value makes the interval unbounded (no early stop). Deterministic samples (all equal on
/// each side) stop at min_runs with the exact decision.
SequentialResult sequential_look(std::span<const double> baseline, std::span<const double> candidate,
                                 const Policy& policy, const SequentialOptions& options);

/// The looks the rule makes on two samples measured one round at a time: one look per size
/// n = min_runs .. min(sizes), up to and including the first that stops. Recomputing from the kept runs
/// gives the same looks the run made, resumed runs included. Empty when either sample has fewer than
/// min_runs values.
std::vector<Look> sequential_trace(std::span<const double> baseline, std::span<const double> candidate,
                                   const Policy& policy, const SequentialOptions& options);

/// How far the rule's futility projection reaches from these runs (evaluate_checkout's joint futility,
/// over several inputs): the log estimate now, its standard error as the rule's futility reads it
/// (shift_standard_error), the runs per side, and the horizon it projects to (the budget, or max_runs for a
/// sample scattered beyond cv_limit, as sequential_look), and the projection's drift in the candidate's
/// favour: futility_z x se x sqrt(1 - runs / horizon). nullopt without a log scale or an interval.
struct Reach {
  double estimate = 0;
  double se = 0;
  int runs = 0;
  int horizon = 0;
  double optimism = 0;
};
std::optional<Reach> futility_reach(std::span<const double> baseline, std::span<const double> candidate,
                                    const Policy& policy, const SequentialOptions& options);

/// What the interval of the figures says: "95% Fieller" for the fixed rule's figures, else the deciding
/// look's ("sequential, Hodges–Lehmann/Mann–Whitney, 0.18% per bound at 6 pairs").
std::string interval_method(const Look& look, const SequentialOptions& options);

/// A look's estimate and bounds as the reasons say them: "-2.21% [-10.12%, +10.40%] after 20 runs".
std::string interval_text(const Look& look);

/// The deciding look becomes the metric's figures: change = its estimate, ci_lo/ci_hi = its bounds (unset
/// when unbounded), interval = its method. Every renderer and combine_inputs read these.
void apply_look(MetricComparison& metric, const Look& look, const SequentialOptions& options);

enum class Strategy { fixed, sequential };

struct AbOptions {
  Strategy strategy = Strategy::fixed;
  int runs = 10; // fixed: per side (extended to policy.flaky_runs when the result is flaky)
  SequentialOptions sequential;
};

struct AbOutcome {
  std::vector<double> baseline;
  std::vector<double> candidate;
  std::vector<Look> trace;   // one per pair from min_runs on (sequential only)
  bool stopped_early = false;
  MetricComparison comparison; // of the metric, on all runs; sequential: the deciding look's figures
  Decision decision;
};

/// The A/B decision taken one look at a time, after every pair of runs: the run loop's stop rule for
/// `zkbench ab`, `exp run` and `compound` (the one A/B driver is measure::run_benchmarks; the simulation
/// drives it too). Fixed: decide at `runs` pairs (extended once to the policy's flaky_runs when the sample
/// is flaky). Sequential: sequential_look after each pair.
class AbDecider {
public:
  AbDecider(std::string metric, Policy policy, AbOptions options);
  /// Looks at equal-sized samples (n pairs so far); true when the evidence suffices (decision() is set).
  bool look(std::span<const double> baseline, std::span<const double> candidate);
  /// The most pairs the decision may need (the loop's run count): max_runs, or runs (flaky: flaky_runs).
  int max_pairs() const;
  const Decision& decision() const { return m_decision; }
  /// The outcome on the final samples: the metric's comparison with the decision and (sequential) the
  /// deciding look's estimate and interval, the trace. A sequential decider that has not stopped (the
  /// loop ended first: a resumed input whose pairs are all stored) looks once at what there is;
  /// `budget_spent`: the loop measured every run it may (contended rounds left out, fewer pairs than
  /// max_runs remain), so that look is the final one (SequentialOptions::last_look).
  AbOutcome outcome(std::span<const double> baseline, std::span<const double> candidate,
                    bool budget_spent = false) const;
  /// Whether a look stopped.
  bool decided() const { return m_decided; }
  /// The final look on every run the loop measured, contended rounds included (all of each side's runs, in
  /// order), for a loop whose budget ended before the rule decided on the uncontended rounds: one look at the
  /// final look's level, which no look of the loop used (each look is a test at its own level on the runs it
  /// is given, so the levels of all looks still sum to at most alpha). The trace: the loop's looks, then it.
  AbOutcome final_on_every_run(std::span<const double> baseline, std::span<const double> candidate) const;

private:
  /// What every outcome starts from: the values, the loop's looks, the metric's comparison on the values.
  AbOutcome started_outcome(std::span<const double> baseline, std::span<const double> candidate) const;

  std::string m_metric;
  Policy m_policy;
  AbOptions m_options;
  int m_target = 0;
  std::vector<Look> m_trace;
  Decision m_decision;
  bool m_decided = false;
  bool m_stopped_early = false;
};

/// True when the candidate is clearly slower than `multiplier` x the baseline measured beside it: the
/// lower bound of the sequential interval of the change (the rank interval at the level of this look,
/// valid under repeated looks) lies above multiplier - 1. The workflow's KILL: a single slow or cold run
/// never satisfies it.
bool clearly_slower(std::span<const double> baseline, std::span<const double> candidate, double multiplier,
                    const SequentialOptions& options);

} // namespace zkbench::verdict
