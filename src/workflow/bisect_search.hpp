#pragma once
// The search of `zkbench bisect` (issue 19), on commit indices only: commit 0 is the good end, `last` the
// bad end, and a probe says what a commit in between is (like the good end, like the bad end, skipped
// because it does not build or check, or unsettled because no comparison could place it). It halves the
// range around the first bad commit; a skipped or unsettled commit is stepped over like `git bisect skip`
// does (the nearest untried commit to the middle is probed instead), an unsettled one left in the final
// range is probed once more, and a range still holding such commits is given as the answer rather than a
// guess. Pure: the workflow (git, builds, measurements) and the
// simulation (bench/verdicts) give the probe.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace zkbench::workflow {

/// What a probed commit turned out to be.
enum class CommitClass {
  good,      // told apart from the bad end, or like the good end
  bad,       // differs from the good end in the direction the bad end does
  skip,      // does not build, fails the correctness command or its benchmark: no measurement
  unsettled, // measured, but neither comparison could place it
};

const char* to_string(CommitClass c);

struct SearchStep {
  std::size_t index = 0;
  CommitClass verdict = CommitClass::good;
};

struct SearchResult {
  /// The first bad commit when `exact`; otherwise the last commit of the range it lies in.
  std::size_t first_bad = 0;
  /// The last commit known good: the first bad commit lies in (last_good, first_bad].
  std::size_t last_good = 0;
  /// Commits in (last_good, first_bad) that were skipped or unsettled: the first bad commit may be any of
  /// them or first_bad. Empty: the answer is exact.
  std::vector<std::size_t> unknown;
  std::vector<SearchStep> steps; // in probe order
  bool gave_up = false;          // stopped after k_max_unsettled_in_a_row unsettled commits in a row
  bool exact() const { return unknown.empty(); }
  /// Whether a probe placed a commit (good or bad).
  bool placed_any() const;
};

/// The probe's answer for commit `index` (0 < index < last). An error stops the search.
using CommitProbe = std::function<Result<CommitClass>(std::size_t index)>;

/// After this many unsettled commits in a row the search stops with the range it has: the measurements
/// cannot place commits (a machine too noisy, or a change spread over many commits), and walking the
/// range one commit at a time would cost a comparison pair per commit for nothing. Skipped commits do not
/// count (a stretch that does not build is common; git bisect walks it too).
inline constexpr std::size_t k_max_unsettled_in_a_row = 3;

/// The halvings a search of commits 0 .. `last` makes when each probe places its commit: ceil(log2(last)),
/// 0 when `last` <= 1 (git bisect's count of steps; a skipped or unsettled commit adds a probe).
std::size_t bisect_halvings(std::size_t last);

/// Bisects commits 0 (good) .. `last` (bad). Each commit is probed once, but an unsettled commit still in
/// the range when no untried commit is left there is probed a second time (the workflow's probe measures it
/// further) before the range is given as the answer; not after the search gave up. Errors: `last` is 0, or
/// the probe's error.
Result<SearchResult> bisect_search(std::size_t last, const CommitProbe& probe);

/// The next commit to probe in (good, bad), skipping `tried`: the middle, else its nearest untried
/// neighbour (the later one first at equal distance). None when every commit in between was tried.
std::optional<std::size_t> next_probe(std::size_t good, std::size_t bad,
                                      const std::vector<std::size_t>& tried);

} // namespace zkbench::workflow
