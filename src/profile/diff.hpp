#pragma once
// Differences between two profiles of the same program (a baseline and a current build).
//
// Functions are matched by name robustly: exact name first; then a name cut by --compact-names against
// its longer form (prefix match); then normalised names (hash suffixes and generic arguments removed).
// Call counts never decide whether two functions match (they change when code changes); they only
// break ties between same-named candidates. Function figures are compared scope by scope (inclusive
// with inclusive); per-function changes are never summed into a total: the total change comes from the
// profiles' own totals. Pure.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "profile/profile.hpp"

namespace zkbench::profile {

/// How a function of the current profile was paired with one of the baseline.
enum class MatchKind { exact, truncated, normalized, added, removed };

/// "exact", "truncated", "normalized", "added", "removed".
const char* to_string(MatchKind kind);

/// A base/current pair of one figure; either side may be absent.
struct Change {
  std::optional<std::uint64_t> base;
  std::optional<std::uint64_t> current;

  /// current - base when both are present.
  std::optional<std::int64_t> delta() const;
  /// delta / base when both are present and base > 0.
  std::optional<double> relative() const;
};

/// One function's changes.
struct FunctionChange {
  std::string name;                    // current name (base name when removed)
  std::string base_name;               // empty when added
  MatchKind match = MatchKind::exact;
  Scope scope = Scope::inclusive;      // which figures were compared
  Change steps;
  Change cost;
  Change cycles;
  Change calls;

  const Change& get(Metric metric) const;
  /// Figure per call on each side (nullopt where the figure or calls are absent or calls == 0).
  std::optional<double> base_per_call(Metric metric) const;
  std::optional<double> current_per_call(Metric metric) const;
};

/// The whole comparison.
struct ProfileDiff {
  Change total_steps;
  Change total_cost;
  Change total_cycles;
  /// Cost categories present on either side, base order first.
  std::vector<std::pair<std::string, Change>> categories;
  /// Matched, added and removed functions, largest absolute change first (steps, then cost, cycles).
  std::vector<FunctionChange> functions;
  /// memcpy (the function named "memcpy", either side) reported on its own: calls, steps, cost.
  std::optional<FunctionChange> memcpy;
  /// Ambiguities and caveats (different sources, versions, matches made by call count).
  std::vector<std::string> notes;

  const Change& total(Metric metric) const;
};

/// Compares `base` with `current`.
ProfileDiff diff_profiles(const Profile& base, const Profile& current);

/// The metric the closing line speaks about: steps when both totals have steps, else cost, else cycles;
/// nullopt when the profiles share no total.
std::optional<Metric> headline_metric(const ProfileDiff& diff);

/// `IMPROVEMENT: 36,500,000 fewer steps (5.22%)`, `REGRESSION: 12 more steps (0.01%)`, `NO CHANGE: 0
/// steps`, or `NO COMMON TOTAL: …` when the profiles share no total.
std::string closing_line(const ProfileDiff& diff);

} // namespace zkbench::profile
