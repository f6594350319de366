#pragma once
// Verdicts and the contention gate (issue 18): contended runs never decide a KEEP or a KILL. The seam
// is two calls around any verdict rule, so the rule itself knows nothing of contention:
//   1. the rule judges `core::without_contended_rounds(benches)` (sides measured in rounds: a round goes
//      when any of its runs was contended) or `bench.uncontended()` (one side on its own); the run
//      loop's stop rule already sees only those; the store keeps every run;
//   2. `guard_contention` is applied to the rule's decision last: it names the contention and turns a
//      decision that contention leaves without evidence into INCONCLUSIVE.

#include <cstddef>
#include <string>

#include "core/run.hpp"
#include "verdict/decide.hpp"

namespace zkbench::verdict {

/// How contention touched one comparison.
struct ContentionCount {
  std::size_t contended = 0; // contended runs, both sides
  std::size_t runs = 0;      // all runs, both sides
  std::string top;           // the foreign load of the most loaded contended run ("cc1plus (2 processes, 1.9 cores)")
};

ContentionCount count_contention(const core::Benchmark& baseline, const core::Benchmark& candidate);

/// "4 of 20 runs contended (foreign load: cc1plus (2 processes, 1.9 cores))"; "" when none was.
std::string describe(const ContentionCount& count);

/// The final guard (see the header). `judged_runs`: the runs the rule judged on the side with fewer;
/// `min_runs`: the fewest per side it needs (else INCONCLUSIVE naming the contention).
/// `decided_by_contended_run`: the decision rests on one run that was contended (a KILL from a run that
/// timed out under load): INCONCLUSIVE. `judged_every_run`: the contended runs were judged with the rest
/// (the final look of a spent budget, verdict/ab_judge.hpp): named so, and no minimum of uncontended runs.
/// Unchanged when no run was contended.
Decision guard_contention(Decision decision, const ContentionCount& count, std::size_t judged_runs,
                          std::size_t min_runs, bool decided_by_contended_run = false, bool judged_every_run = false);

} // namespace zkbench::verdict
