#include "workflow/bisect_search.hpp"

#include <algorithm>
#include <iterator>

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

bool SearchResult::placed_any() const {
  return std::any_of(steps.begin(), steps.end(), [](const SearchStep& s) {
    return s.verdict == CommitClass::good || s.verdict == CommitClass::bad;
  });
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
  std::vector<std::size_t> tried;     // the commits next_probe steps over now
  std::vector<std::size_t> unsettled; // ... of them, unsettled the last time they were probed
  std::vector<std::size_t> skipped;
  std::vector<std::size_t> asked_again; // unsettled commits probed a second time
  std::size_t unsettled_in_a_row = 0;
  while (true) {
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
        (*verdict == CommitClass::skip ? skipped : unsettled).push_back(*next);
      }
    }
    // The unsettled commits the range still holds are probed once more (a second look measures further)
    // rather than given as part of the answer; an abandoned search is not taken up again.
    const auto in_range = [&](std::size_t i) { return i > good && i < bad; };
    const auto again = [&](std::size_t i) {
      return in_range(i) && std::find(asked_again.begin(), asked_again.end(), i) == asked_again.end();
    };
    if (result.gave_up || std::none_of(unsettled.begin(), unsettled.end(), again)) {
      break;
    }
    std::vector<std::size_t> now;
    std::copy_if(unsettled.begin(), unsettled.end(), std::back_inserter(now), again);
    for (const std::size_t i : now) {
      asked_again.push_back(i);
      std::erase(tried, i);
      std::erase(unsettled, i);
    }
    unsettled_in_a_row = 0;
  }
  result.first_bad = bad;
  result.last_good = good;
  for (std::size_t i = good + 1; i < bad; ++i) { // untried commits of an abandoned search are unknown too
    const auto listed = [i](const std::vector<std::size_t>& v) { return std::find(v.begin(), v.end(), i) != v.end(); };
    if (result.gave_up || listed(unsettled) || listed(skipped)) {
      result.unknown.push_back(i);
    }
  }
  return result;
}

} // namespace zkbench::workflow
