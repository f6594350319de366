#include "profile/stack_totals.hpp"

namespace zkbench::profile {
std::int64_t wrapping_add(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}

std::uint32_t StackTotals::intern(std::string_view name) {
  const auto [it, inserted] = m_ids.try_emplace(std::string(name), static_cast<std::uint32_t>(m_functions.size()));
  if (inserted) {
    m_functions.push_back(FunctionTotals{std::string(name), 0, 0});
    m_seen.push_back(0);
  }
  return it->second;
}

void StackTotals::add_sample(std::span<const std::uint32_t> stack_leaf_first, std::int64_t weight) {
  m_total = wrapping_add(m_total, weight);
  if (stack_leaf_first.empty()) {
    return;
  }
  // Sample numbers start at 1 so that m_seen's initial 0 never matches.
  ++m_sample;
  auto& leaf = m_functions[stack_leaf_first.front()];
  leaf.exclusive = wrapping_add(leaf.exclusive, weight);
  for (const std::uint32_t id : stack_leaf_first) {
    if (m_seen[id] != m_sample) {
      m_seen[id] = m_sample;
      m_functions[id].inclusive = wrapping_add(m_functions[id].inclusive, weight);
    }
  }
}

std::vector<FunctionTotals> StackTotals::functions() const { return m_functions; }

void add_to_profile(std::int64_t total, const std::vector<FunctionTotals>& functions, Metric metric,
                    Profile& profile) {
  bool clamped = false;
  auto unsigned_figure = [&](std::int64_t value) {
    if (value < 0) {
      clamped = true;
      return std::uint64_t{0};
    }
    return static_cast<std::uint64_t>(value);
  };
  profile.totals.figures.set(metric, unsigned_figure(total));
  for (const FunctionTotals& f : functions) {
    FunctionProfile function;
    function.name = f.name;
    function.exclusive.set(metric, unsigned_figure(f.exclusive));
    function.inclusive.set(metric, unsigned_figure(f.inclusive));
    profile.functions.push_back(std::move(function));
  }
  if (clamped) {
    profile.notes.emplace_back("negative sample values were read as 0");
  }
}

} // namespace zkbench::profile
