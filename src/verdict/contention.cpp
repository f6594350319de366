#include "verdict/contention.hpp"

#include <fmt/format.h>

namespace zkbench::verdict {

ContentionCount count_contention(const core::Benchmark& baseline, const core::Benchmark& candidate) {
  ContentionCount count;
  double most = -1;
  for (const core::Benchmark* bench : {&baseline, &candidate}) {
    for (const core::Run& run : bench->runs) {
      ++count.runs;
      if (run.contended()) {
        ++count.contended;
        if (run.contention->foreign_cores > most) {
          most = run.contention->foreign_cores;
          count.top = run.contention->top.empty() ? fmt::format("{:.1f} cores", run.contention->foreign_cores)
                                                  : run.contention->top;
        }
      }
    }
  }
  return count;
}

std::string describe(const ContentionCount& count) {
  if (count.contended == 0) {
    return {};
  }
  return fmt::format("{} of {} runs contended (foreign load: {})", count.contended, count.runs, count.top);
}

Decision guard_contention(Decision decision, const ContentionCount& count, std::size_t judged_runs,
                          std::size_t min_runs, bool decided_by_contended_run, bool judged_every_run) {
  if (count.contended == 0) {
    return decision;
  }
  const std::string what = describe(count);
  if (decided_by_contended_run) {
    return {Verdict::inconclusive, false,
            fmt::format("the run that would decide {} was contended: {}; measure again on a quiet machine",
                        core::to_string(decision.verdict), what)};
  }
  if (!judged_every_run && judged_runs < min_runs && decision.verdict != Verdict::reject) {
    return {Verdict::inconclusive, false,
            fmt::format("contention: {}; {} uncontended runs per side, {} needed: measure again on a quiet machine",
                        what, judged_runs, min_runs)};
  }
  const std::string how = judged_every_run ? "; the budget ended: the final look judged every run" : "; left out";
  decision.reason += decision.verdict == Verdict::inconclusive ? "; contention: " + what + (judged_every_run ? how : "")
                                                               : " (" + what + how + ")";
  return decision;
}

} // namespace zkbench::verdict
