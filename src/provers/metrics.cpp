#include "provers/metrics.hpp"

#include <array>

#include "util/strings.hpp"

namespace zkbench::provers {

namespace {

template <typename F>
void for_each_figure(ProverMetrics& m, F&& f) {
  f("steps", m.steps);
  f("cycles", m.cycles);
  f("user_cycles", m.user_cycles);
  f("paging_cycles", m.paging_cycles);
  f("reserved_cycles", m.reserved_cycles);
  f("segments", m.segments);
  f("proof_time_s", m.proof_time_s);
  f("execution_time_s", m.execution_time_s);
  f("verify_time_s", m.verify_time_s);
  f("gas", m.gas);
  f("syscalls", m.syscalls);
}

} // namespace

void ProverMetrics::merge(const ProverMetrics& other) {
  ProverMetrics copy = other;
  std::map<std::string, std::optional<double>> theirs;
  for_each_figure(copy, [&](const char* name, std::optional<double>& value) { theirs[name] = value; });
  for_each_figure(*this, [&](const char* name, std::optional<double>& value) {
    if (!value) {
      value = theirs[name];
    }
  });
  for (const auto& [name, value] : other.regions) {
    regions.emplace(name, value);
  }
}

std::map<std::string, double> ProverMetrics::to_metrics() const {
  std::map<std::string, double> out;
  ProverMetrics copy = *this;
  for_each_figure(copy, [&](const char* name, std::optional<double>& value) {
    if (value) {
      out[name] = *value;
    }
  });
  for (const auto& [name, value] : regions) {
    out["region:" + name] = value;
  }
  return out;
}

std::optional<double> parse_rust_duration(std::string_view text) {
  text = util::trim(text);
  static constexpr std::array<std::pair<std::string_view, double>, 5> k_units = {{
      {"ns", 1e-9}, {"µs", 1e-6}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1.0}}};
  for (const auto& [suffix, scale] : k_units) {
    if (util::ends_with(text, suffix)) {
      if (const auto value = util::parse_number(text.substr(0, text.size() - suffix.size()))) {
        return *value * scale;
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

} // namespace zkbench::provers
