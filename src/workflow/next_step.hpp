#pragma once
// `zkbench next` (seed 002 §8.3): the diminishing-returns rule and what to try next. Pure.

#include <string>
#include <vector>

#include "workflow/tracker.hpp"

namespace zkbench::workflow {

struct NextAdvice {
  bool stop = false;                 // the rule says to stop iterating
  std::vector<std::string> reasons;  // why (or why not) stop
  std::vector<std::string> suggestions; // commands or ideas, best first
};

/// Stop when the last 3 finished experiments each improved by less than 1% AND nothing is left in the
/// backlog (no planned experiment, no open idea). Suggestions: planned experiments by expected impact,
/// compound tests of KEEP/MAYBE pairs not tested yet, open ideas, then `zkbench final`.
NextAdvice advise_next(const TrackerData& data);

} // namespace zkbench::workflow
