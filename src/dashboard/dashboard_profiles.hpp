#pragma once
// The profile diff of the dashboard's experiment pages: which functions grew and shrank between the
// baseline's profile and an experiment's, both read back from the store (profiles table).

#include <cstddef>
#include <map>
#include <utility>
#include <optional>
#include <vector>

#include "profile/profile.hpp"
#include "report/dashboard_model.hpp"
#include "store/store.hpp"

namespace zkbench::dashboard {

struct ProfileChanges {
  std::vector<report::FunctionChange> up;   // grew, largest absolute change first
  std::vector<report::FunctionChange> down; // shrank, largest absolute change first
};

/// The `top` functions that grew and the `top` that shrank most from `base` to `current`, in the
/// headline metric of their diff (steps, else cost, else cycles). Functions are matched as `profile
/// diff` matches them; each is compared on its own figures (exclusive) where both profiles have them,
/// else on inclusive ones, so callers (main, _start) do not crowd out the functions that changed. A
/// function gone from `current` is -100%; left out: a new one (no base to compare with), one known only
/// by its address ("0x10cd18": addresses move between builds), changes under 0.1%.
ProfileChanges profile_changes(const profile::Profile& base, const profile::Profile& current, std::size_t top);

/// Reads profiles from the store for the dashboard. Stored profiles never change, so the changes
/// computed for a pair of them are kept across loads (`serve` reloads the dashboard after every run),
/// and within one load each profile is parsed at most once.
class StoredProfiles {
public:
  explicit StoredProfiles(store::Store& store) : m_store(&store) {}

  /// Lists the store's profiles anew (what a load sees) and drops the parsed ones of the last load.
  /// Error: the store's.
  Result<void> refresh();

  /// The changes between the baseline's profile and experiment `number`'s newest profile: the baseline
  /// is the one the experiment's profile names (else `baseline_id`). Empty when either profile is
  /// missing or does not parse (the page then has no profile chart). Error: the store's.
  Result<ProfileChanges> experiment_changes(int number, std::optional<std::int64_t> baseline_id, std::size_t top);

private:
  /// The parsed profile `id`; nullopt when it does not parse.
  Result<const profile::Profile*> parsed(std::int64_t id);

  store::Store* m_store;
  std::vector<store::ProfileRecord> m_records; // metadata, oldest first
  std::map<std::int64_t, std::optional<profile::Profile>> m_parsed; // a map: pointers into it stay valid
  // (base profile id, experiment profile id) -> their changes, `top` functions per side.
  std::map<std::pair<std::int64_t, std::int64_t>, ProfileChanges> m_changes;
  std::size_t m_changes_top = 0;
};

} // namespace zkbench::dashboard
