#include "dashboard/dashboard_profiles.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "profile/diff.hpp"
#include "profile/parse.hpp"

namespace zkbench::dashboard {

namespace {

// Changes under this share of a function's figure are noise on a chart of percentages.
constexpr double k_min_change_pct = 0.1;

/// "0x000000000010cd18": a function callgrind knows only by address, which moves between builds.
bool is_bare_address(const std::string& name) {
  return name.size() > 2 && name.starts_with("0x") &&
         name.find_first_not_of("0123456789abcdefABCDEF", 2) == std::string::npos;
}

struct Ranked {
  report::FunctionChange change;
  double magnitude = 0; // |current - base| in the metric's units
};

} // namespace

ProfileChanges profile_changes(const profile::Profile& base, const profile::Profile& current, std::size_t top) {
  const profile::ProfileDiff diff = profile::diff_profiles(base, current);
  const profile::Metric metric = profile::headline_metric(diff).value_or(profile::Metric::steps);
  std::vector<Ranked> ranked;
  for (const profile::FunctionChange& f : diff.functions) {
    if (f.match == profile::MatchKind::added || is_bare_address(f.name)) {
      continue;
    }
    const profile::FunctionProfile* before = base.find(f.base_name);
    const profile::FunctionProfile* after = current.find(f.name);
    std::optional<std::uint64_t> b = f.get(metric).base;
    std::optional<std::uint64_t> c = f.get(metric).current;
    // Own figures where both sides have them: inclusive ones would rank every caller of a changed
    // function beside it.
    if (before != nullptr && before->get(metric, profile::Scope::exclusive) &&
        (after == nullptr || after->get(metric, profile::Scope::exclusive))) {
      b = before->get(metric, profile::Scope::exclusive);
      c = after != nullptr ? after->get(metric, profile::Scope::exclusive) : std::nullopt;
    }
    if (f.match == profile::MatchKind::removed) {
      c = 0;
    }
    if (!b || !c || *b == 0 || *b == *c) {
      continue;
    }
    const double delta = static_cast<double>(*c) - static_cast<double>(*b);
    const double pct = delta / static_cast<double>(*b) * 100;
    if (std::abs(pct) >= k_min_change_pct) {
      ranked.push_back({{f.name, pct}, std::abs(delta)});
    }
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& x, const Ranked& y) { return x.magnitude > y.magnitude; });
  ProfileChanges changes;
  for (const Ranked& r : ranked) {
    std::vector<report::FunctionChange>& side = r.change.change_pct > 0 ? changes.up : changes.down;
    if (side.size() < top) {
      side.push_back(r.change);
    }
  }
  return changes;
}

Result<void> StoredProfiles::refresh() {
  auto records = m_store->list_profiles();
  if (!records) {
    return tl::unexpected(records.error());
  }
  m_records = std::move(*records);
  m_parsed.clear();
  return {};
}

Result<const profile::Profile*> StoredProfiles::parsed(std::int64_t id) {
  if (const auto known = m_parsed.find(id); known != m_parsed.end()) {
    return known->second ? &*known->second : nullptr;
  }
  auto record = m_store->get_profile(id);
  if (!record) {
    return tl::unexpected(record.error());
  }
  auto read = profile::parse_profile_bytes(record->content, record->file_name,
                                           record->format.empty() ? "auto" : record->format);
  // A profile that does not parse is remembered as such: the page shows no chart rather than failing.
  auto& slot = m_parsed[id];
  if (read) {
    slot = std::move(*read);
  }
  return slot ? &*slot : nullptr;
}

Result<ProfileChanges> StoredProfiles::experiment_changes(int number, std::optional<std::int64_t> baseline_id,
                                                          std::size_t top) {
  const store::ProfileRecord* current = nullptr;
  for (const store::ProfileRecord& record : m_records) { // oldest first: the last one is the newest
    if (record.kind == "profile" && record.experiment_number == number) {
      current = &record;
    }
  }
  if (current == nullptr) {
    return ProfileChanges{};
  }
  const std::optional<std::int64_t> wanted = current->baseline_id ? current->baseline_id : baseline_id;
  const store::ProfileRecord* base = nullptr;
  for (const store::ProfileRecord& record : m_records) {
    if (record.kind == "profile" && !record.experiment_number && wanted && record.baseline_id == wanted) {
      base = &record;
    }
  }
  if (base == nullptr) {
    return ProfileChanges{};
  }
  if (top != m_changes_top) {
    m_changes.clear();
    m_changes_top = top;
  }
  const std::pair<std::int64_t, std::int64_t> key{base->id, current->id};
  if (const auto known = m_changes.find(key); known != m_changes.end()) {
    return known->second;
  }
  auto before = parsed(base->id);
  if (!before) {
    return tl::unexpected(before.error());
  }
  auto after = parsed(current->id);
  if (!after) {
    return tl::unexpected(after.error());
  }
  ProfileChanges changes;
  if (*before != nullptr && *after != nullptr) {
    changes = profile_changes(**before, **after, top);
  }
  return m_changes[key] = std::move(changes);
}

} // namespace zkbench::dashboard
