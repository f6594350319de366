#include "workflow/bisect_search.hpp"

#include <algorithm>

namespace zkbench::workflow {

const char* to_string(CommitClass c) {
  switch (c) {
  case CommitClass::good:
    return "good";
  case CommitClass::bad:
    return "bad";
  case CommitClass::skip:
    return "skipped";
  case CommitClass::unsettled:
    return "unsettled";
  }
  return "?";
}

std::size_t bisect_halvings(std::size_t last) {
  std::size_t halvings = 0;
  for (std::size_t span = 1; span < last; span *= 2) { // integers: no log2 rounding at powers of two
    ++halvings;
  }
  return halvings;
}

std::optional<std::size_t> next_probe(std::size_t good, std::size_t bad,
                                      const std::vector<std::size_t>& tried) {
  if (bad <= good + 1) {
    return std::nullopt;
  }
  const std::size_t mid = good + (bad - good) / 2;
  const auto untried = [&](std::size_t i) { return std::find(tried.begin(), tried.end(), i) == tried.end(); };
  for (std::size_t d = 0; d < bad - good; ++d) {
    if (mid + d < bad && untried(mid + d)) {
      return mid + d;
    }
    if (d > 0 && mid >= good + 1 + d && untried(mid - d)) {
      return mid - d;
    }
  }
  return std::nullopt;
}

Result<SearchResult> bisect_search(std::size_t last, const CommitProbe& probe) {
  if (last == 0) {
    return make_error("nothing to bisect: the good and the bad end are the same commit");
  }
  SearchResult result;
  std::size_t good = 0;
  std::size_t bad = last;
  std::vector<std::size_t> tried;   // every probed commit
  std::vector<std::size_t> unknown; // skipped or unsettled ones
  std::size_t unsettled_in_a_row = 0;
  while (const auto next = next_probe(good, bad, tried)) {
    if (unsettled_in_a_row >= k_max_unsettled_in_a_row) {
      result.gave_up = true;
      break;
    }
    ZKBENCH_TRY_ASSIGN(verdict, probe(*next));
    tried.push_back(*next);
    result.steps.push_back({*next, *verdict});
    unsettled_in_a_row = *verdict == CommitClass::unsettled ? unsettled_in_a_row + 1
                         : *verdict == CommitClass::skip    ? unsettled_in_a_row
                                                            : 0;
    if (*verdict == CommitClass::good) {
      good = *next;
    } else if (*verdict == CommitClass::bad) {
      bad = *next;
    } else {
      unknown.push_back(*next);
    }
  }
  result.first_bad = bad;
  result.last_good = good;
  for (std::size_t i = good + 1; i < bad; ++i) { // untried commits of an abandoned search are unknown too
    if (result.gave_up || std::find(unknown.begin(), unknown.end(), i) != unknown.end()) {
      result.unknown.push_back(i);
    }
  }
  std::sort(result.unknown.begin(), result.unknown.end());
  return result;
}

} // namespace zkbench::workflow
