#pragma once
// Interleaved A/B comparison and its early-stopping rule (`zkbench ab --strategy fixed|sequential`).
//
// The sequential rule looks after every pair of runs at an interval of the change of the geometric mean
// (Welch's t interval of mean(log c) - mean(log b), mapped back with exp(.) - 1) that stays valid under
// repeated looks: the looks n = min_runs .. max_runs are at most K = max_runs - min_runs + 1, and the
// error budget alpha (per boundary, one-sided) is split by Bonferroni's inequality: a share
// `final_share` for the last look and the rest evenly over the K - 1 interim looks (alpha spending with
// a fixed, pre-declared spending plan; the union bound makes the overall error at most alpha whatever
// the data do; see e.g. Jennison & Turnbull, "Group Sequential Methods", 2000, ch. 1–2).
//
// It stops when
//   - KEEP is settled: the interval lies below -maybe_threshold (the improvement is surely above the
//     DISCARD region) and the estimate is beyond -keep_threshold;
//   - KEEP is ruled out: the interval lies above -keep_threshold (the improvement is surely below the
//     KEEP region); the estimate then picks MAYBE, DISCARD or regression as the fixed rule would;
//   - KEEP is out of reach (futility): the interval projected to max_runs with the spread seen so far,
//     centred on the current estimate moved futility_z standard errors (of what the remaining runs can still
//     change) in the candidate's favour, would still reach above -maybe_threshold, or that moved estimate
//     itself is not beyond -keep_threshold; the verdict is then
//     INCONCLUSIVE when a side's CV exceeds cv_limit (too noisy), else as when KEEP is ruled out;
//   - at max_runs: KEEP if settled at the final level, else the fixed rule's verdict (a fixed-rule KEEP
//     that the interval does not support becomes MAYBE; a flaky sample stays INCONCLUSIVE).
// Never before min_runs. False KEEP (true improvement <= maybe_threshold) is thus at most alpha.
// Pure: samples come from a callback, so real processes and the simulation use the same loop.

#include <functional>
#include <span>
#include <vector>

#include "util/error.hpp"
#include "verdict/decide.hpp"
#include "verdict/policy.hpp"

namespace zkbench::verdict {

struct SequentialOptions {
  int min_runs = 3;          // per side; never stop before
  int max_runs = 20;         // per side; decide at this many at the latest
  double alpha = 0.05;       // one-sided error per boundary, spent over all looks
  double final_share = 0.8;  // share of alpha kept for the look at max_runs
  bool futility = true;      // stop early when KEEP is out of reach within max_runs (see below)
  double futility_z = 1.0;   // how optimistic the futility projection is (standard errors of drift)
  int futility_min_runs = 0; // no futility stop before this many runs per side (one outlier in 3 pairs
                             // should not end an input that would reach KEEP)
  std::string metric = "time"; // what is judged: equal runs are exact only for a declared deterministic metric
};

/// The interval after one pair (the dashboard draws these as the stopping trace).
struct Look {
  int runs = 0;        // per side
  double change = 0;   // exp(mean log c - mean log b) - 1
  double lo = 0;       // valid under repeated looks at the level of this look
  double hi = 0;
  bool stop = false;
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

/// The looks the rule makes on two samples measured one run at a time (the workflow's `exp run
/// --strategy sequential`, which compares each candidate prefix with the baseline's prefix of the same
/// size): one look per size n = min_runs .. min(sizes), up to and including the first that stops.
/// Recomputing from the kept runs gives the same looks the run made, resumed runs included. Empty when
/// either sample has fewer than min_runs values.
std::vector<Look> sequential_trace(std::span<const double> baseline, std::span<const double> candidate,
                                   const Policy& policy, const SequentialOptions& options);

enum class Side { baseline, candidate };
enum class Strategy { fixed, sequential };

struct AbOptions {
  Strategy strategy = Strategy::fixed;
  int runs = 10; // fixed: per side (extended to policy.flaky_runs when the result is flaky)
  SequentialOptions sequential;
};

/// One measured value for a side; `index` counts that side's runs from 0. An error stops the loop.
using Sampler = std::function<Result<double>(Side side, int index)>;

struct AbOutcome {
  std::vector<double> baseline;
  std::vector<double> candidate;
  std::vector<Look> trace;   // one per pair from min_runs on (sequential only)
  bool stopped_early = false;
  MetricComparison comparison; // of the metric, on all runs
  Decision decision;
};

/// The A/B decision taken one look at a time, after every pair of runs: the run loop's stop rule for
/// `zkbench ab` and `exp run`, and run_ab below. Fixed: decide at `runs` pairs (extended once to the
/// policy's flaky_runs when the sample is flaky). Sequential: sequential_look after each pair.
class AbDecider {
public:
  AbDecider(std::string metric, Policy policy, AbOptions options);
  /// Looks at equal-sized samples (n pairs so far); true when the evidence suffices (decision() is set).
  bool look(std::span<const double> baseline, std::span<const double> candidate);
  /// The most pairs the decision may need (the loop's run count): max_runs, or runs (flaky: flaky_runs).
  int max_pairs() const;
  const Decision& decision() const { return m_decision; }
  /// The outcome on the final samples: the metric's comparison with the decision, the trace.
  AbOutcome outcome(std::span<const double> baseline, std::span<const double> candidate) const;

private:
  std::string m_metric;
  Policy m_policy;
  AbOptions m_options;
  int m_target = 0;
  std::vector<Look> m_trace;
  Decision m_decision;
  bool m_decided = false;
  bool m_stopped_early = false;
};

/// Runs pairs in the order A B, B A, A B, ... (so drift falls on both sides alike) and decides with the
/// policy (AbDecider). Returns the sampler's first error.
Result<AbOutcome> run_ab(const Sampler& sample, const std::string& metric, const Policy& policy,
                         const AbOptions& options);

/// True when the candidate is clearly slower than `multiplier` x the baseline measured beside it: the
/// lower bound of the sequential interval of the change (valid under repeated looks, at the level of
/// this look) lies above multiplier - 1. Never before options.min_runs pairs. The workflow's KILL: a
/// single slow or cold run never satisfies it.
bool clearly_slower(std::span<const double> baseline, std::span<const double> candidate, double multiplier,
                    const SequentialOptions& options);

} // namespace zkbench::verdict
