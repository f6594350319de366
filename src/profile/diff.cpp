#include "profile/diff.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <map>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "profile/names.hpp"
#include "profile/format.hpp"

namespace zkbench::profile {

namespace {

// The one of three per-metric members that `metric` names.
const Change& by_metric(Metric metric, const Change& steps, const Change& cost, const Change& cycles) {
  return metric == Metric::steps ? steps : metric == Metric::cost ? cost : cycles;
}

Scope compared_scope(const FunctionProfile* a, const FunctionProfile* b) {
  const auto has_inclusive = [](const FunctionProfile* f) { return f != nullptr && !f->inclusive.empty(); };
  return has_inclusive(a) || has_inclusive(b) ? Scope::inclusive : Scope::exclusive;
}

FunctionChange make_change(const FunctionProfile* base, const FunctionProfile* current, MatchKind kind) {
  FunctionChange change;
  change.name = current != nullptr ? current->name : base->name;
  change.base_name = base != nullptr ? base->name : "";
  change.match = kind;
  change.scope = compared_scope(base, current);
  const auto fill = [&](Change& c, Metric metric) {
    c.base = base != nullptr ? base->get(metric, change.scope) : std::nullopt;
    c.current = current != nullptr ? current->get(metric, change.scope) : std::nullopt;
  };
  fill(change.steps, Metric::steps);
  fill(change.cost, Metric::cost);
  fill(change.cycles, Metric::cycles);
  change.calls.base = base != nullptr ? base->calls : std::nullopt;
  change.calls.current = current != nullptr ? current->calls : std::nullopt;
  return change;
}

// Size used to order the function list: the biggest absolute change, or the biggest figure of a
// function present on one side only.
double magnitude(const Change& c) {
  if (auto d = c.delta()) {
    return std::fabs(static_cast<double>(*d));
  }
  return static_cast<double>(c.base.value_or(0) + c.current.value_or(0));
}

class Matcher {
public:
  Matcher(const Profile& base, const Profile& current, std::vector<std::string>& notes)
      : m_base(base), m_current(current), m_notes(notes), m_base_of(current.functions.size()),
        m_kind(current.functions.size()), m_base_taken(base.functions.size(), false) {}

  std::vector<FunctionChange> run() {
    // Exact names through an index: profiles of native programs hold tens of thousands of functions.
    std::unordered_map<std::string_view, std::vector<std::size_t>> by_name;
    for (std::size_t j = 0; j < m_base.functions.size(); ++j) {
      by_name[m_base.functions[j].name].push_back(j);
    }
    pass(MatchKind::exact, [&](const FunctionProfile& c) {
      std::vector<std::size_t> candidates;
      if (const auto it = by_name.find(c.name); it != by_name.end()) {
        std::copy_if(it->second.begin(), it->second.end(), std::back_inserter(candidates),
                     [&](std::size_t j) { return !m_base_taken[j]; });
      }
      return candidates;
    });
    pass(MatchKind::truncated, [&](const FunctionProfile& c) {
      return scan(c, [](const FunctionProfile& b, const FunctionProfile& f) {
        return is_truncation_of(b.name, f.name) || is_truncation_of(f.name, b.name);
      });
    });
    std::vector<std::string> base_norm;
    std::vector<std::string> current_norm;
    for (const auto& f : m_base.functions) {
      base_norm.push_back(normalize_function_name(f.name));
    }
    for (const auto& f : m_current.functions) {
      current_norm.push_back(normalize_function_name(f.name));
    }
    pass(MatchKind::normalized, [&](const FunctionProfile& c) {
      return scan(c, [&](const FunctionProfile& b, const FunctionProfile& f) {
        const std::string& nb = base_norm[static_cast<std::size_t>(&b - m_base.functions.data())];
        const std::string& nc = current_norm[static_cast<std::size_t>(&f - m_current.functions.data())];
        return !nb.empty() && (nb == nc || is_truncation_of(nb, nc) || is_truncation_of(nc, nb));
      });
    });

    std::vector<FunctionChange> changes;
    for (std::size_t i = 0; i < m_current.functions.size(); ++i) {
      const FunctionProfile* base = m_base_of[i] ? &m_base.functions[*m_base_of[i]] : nullptr;
      changes.push_back(make_change(base, &m_current.functions[i], base ? m_kind[i] : MatchKind::added));
    }
    for (std::size_t j = 0; j < m_base.functions.size(); ++j) {
      if (!m_base_taken[j]) {
        changes.push_back(make_change(&m_base.functions[j], nullptr, MatchKind::removed));
      }
    }
    return changes;
  }

private:
  // Pairs every unmatched current function with an unmatched base function accepted by `same`. Among
  // several candidates, one with the same call count wins, else the first in source order (tables are
  // ordered by size, so order is the best remaining hint).
  // Unmatched base functions accepted by `same`, in source order.
  template <typename Same>
  std::vector<std::size_t> scan(const FunctionProfile& c, Same same) const {
    std::vector<std::size_t> candidates;
    for (std::size_t j = 0; j < m_base.functions.size(); ++j) {
      if (!m_base_taken[j] && same(m_base.functions[j], c)) {
        candidates.push_back(j);
      }
    }
    return candidates;
  }

  // Pairs every unmatched current function with one of `candidates_of(function)`. Among several, one with
  // the same call count wins, else the first in source order (tables are ordered by size, so order is the
  // best remaining hint).
  template <typename CandidatesOf>
  void pass(MatchKind kind, CandidatesOf candidates_of) {
    for (std::size_t i = 0; i < m_current.functions.size(); ++i) {
      if (m_base_of[i]) {
        continue;
      }
      const FunctionProfile& c = m_current.functions[i];
      const std::vector<std::size_t> candidates = candidates_of(c);
      if (candidates.empty()) {
        continue;
      }
      std::size_t chosen = candidates.front();
      if (candidates.size() > 1) {
        const auto same_calls = std::find_if(candidates.begin(), candidates.end(), [&](std::size_t j) {
          return c.calls && m_base.functions[j].calls == c.calls;
        });
        chosen = same_calls != candidates.end() ? *same_calls : chosen;
        m_notes.push_back(fmt::format("'{}' had {} candidates in the baseline ({} match); paired {}", c.name,
                                      candidates.size(), to_string(kind),
                                      same_calls != candidates.end() ? "by equal call count" : "in table order"));
      }
      m_base_of[i] = chosen;
      m_kind[i] = kind;
      m_base_taken[chosen] = true;
    }
  }

  const Profile& m_base;
  const Profile& m_current;
  std::vector<std::string>& m_notes;
  std::vector<std::optional<std::size_t>> m_base_of;
  std::vector<MatchKind> m_kind;
  std::vector<bool> m_base_taken;
};

} // namespace

const char* to_string(MatchKind kind) {
  switch (kind) {
  case MatchKind::exact:
    return "exact";
  case MatchKind::truncated:
    return "truncated";
  case MatchKind::normalized:
    return "normalized";
  case MatchKind::added:
    return "added";
  case MatchKind::removed:
    return "removed";
  }
  return "exact";
}

std::optional<std::int64_t> Change::delta() const {
  if (!base || !current) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(*current) - static_cast<std::int64_t>(*base);
}

std::optional<double> Change::relative() const {
  const auto d = delta();
  if (!d || *base == 0) {
    return std::nullopt;
  }
  return static_cast<double>(*d) / static_cast<double>(*base);
}

const Change& FunctionChange::get(Metric metric) const {
  return by_metric(metric, steps, cost, cycles);
}

namespace {

std::optional<double> ratio(std::optional<std::uint64_t> value, std::optional<std::uint64_t> calls) {
  if (!value || !calls || *calls == 0) {
    return std::nullopt;
  }
  return static_cast<double>(*value) / static_cast<double>(*calls);
}

} // namespace

std::optional<double> FunctionChange::base_per_call(Metric metric) const {
  return ratio(get(metric).base, calls.base);
}

std::optional<double> FunctionChange::current_per_call(Metric metric) const {
  return ratio(get(metric).current, calls.current);
}

const Change& ProfileDiff::total(Metric metric) const {
  return by_metric(metric, total_steps, total_cost, total_cycles);
}

ProfileDiff diff_profiles(const Profile& base, const Profile& current) {
  ProfileDiff diff;
  diff.total_steps = Change{base.total(Metric::steps), current.total(Metric::steps)};
  diff.total_cost = Change{base.total(Metric::cost), current.total(Metric::cost)};
  diff.total_cycles = Change{base.total(Metric::cycles), current.total(Metric::cycles)};
  if (base.source.kind != current.source.kind) {
    diff.notes.push_back(fmt::format("comparing a {} profile with a {} profile: figures may not be comparable",
                                     to_string(base.source.kind), to_string(current.source.kind)));
  } else if (base.source.version != current.source.version && !base.source.version.empty() &&
             !current.source.version.empty()) {
    diff.notes.push_back(fmt::format("format versions differ ({} vs {}): cost models may differ",
                                     base.source.version, current.source.version));
  }

  for (const auto& row : base.totals.cost_distribution) {
    diff.categories.emplace_back(row.name, Change{row.value, current.totals.category(row.name)});
  }
  for (const auto& row : current.totals.cost_distribution) {
    if (!base.totals.category(row.name)) {
      diff.categories.emplace_back(row.name, Change{std::nullopt, row.value});
    }
  }

  diff.functions = Matcher(base, current, diff.notes).run();
  std::stable_sort(diff.functions.begin(), diff.functions.end(), [](const FunctionChange& a, const FunctionChange& b) {
    for (Metric metric : {Metric::steps, Metric::cost, Metric::cycles}) {
      const double ma = magnitude(a.get(metric));
      const double mb = magnitude(b.get(metric));
      if (ma != mb) {
        return ma > mb;
      }
    }
    return false;
  });
  for (const FunctionChange& change : diff.functions) {
    if (change.name == "memcpy" || change.base_name == "memcpy") {
      diff.memcpy = change;
      break;
    }
  }
  return diff;
}

std::optional<Metric> headline_metric(const ProfileDiff& diff) {
  for (Metric metric : {Metric::steps, Metric::cost, Metric::cycles}) {
    if (diff.total(metric).delta()) {
      return metric;
    }
  }
  return std::nullopt;
}

std::string closing_line(const ProfileDiff& diff) {
  const auto metric = headline_metric(diff);
  if (!metric) {
    return "NO COMMON TOTAL: the profiles do not both report total steps, cost or cycles";
  }
  const Change& total = diff.total(*metric);
  const std::int64_t delta = *total.delta();
  const double pct = total.relative().value_or(0.0) * 100.0;
  if (delta == 0) {
    return fmt::format("NO CHANGE: 0 {}", to_string(*metric));
  }
  const auto amount = static_cast<std::uint64_t>(delta < 0 ? -delta : delta);
  if (delta < 0) {
    return fmt::format("IMPROVEMENT: {} fewer {} ({:.2f}%)", group_digits(amount), to_string(*metric), -pct);
  }
  return fmt::format("REGRESSION: {} more {} ({:.2f}%)", group_digits(amount), to_string(*metric), pct);
}

} // namespace zkbench::profile
