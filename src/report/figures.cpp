#include "report/figures.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "report/time_unit.hpp"
#include "util/strings.hpp"

namespace zkbench::report {

namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string with_separators(double value) {
  const auto integer = static_cast<long long>(std::llround(std::fabs(value)));
  std::string digits = std::to_string(integer);
  for (std::ptrdiff_t pos = static_cast<std::ptrdiff_t>(digits.size()) - 3; pos > 0; pos -= 3) {
    digits.insert(static_cast<std::size_t>(pos), ",");
  }
  return value < 0 && integer != 0 ? "-" + digits : digits;
}

// Characters, not bytes: UTF-8 continuation bytes (10xxxxxx) do not start a character.
std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

} // namespace

MetricKind metric_kind(std::string_view metric, std::string_view unit) {
  if (unit == "s" || unit == "seconds") {
    return MetricKind::seconds;
  }
  if (unit == "bytes" || unit == "B") {
    return MetricKind::bytes;
  }
  if (!unit.empty()) {
    return MetricKind::count;
  }
  if (metric == "time" || metric == "cpu" || metric == "unloaded_time" || metric == "wall" || metric == "user" ||
      metric == "system" || ends_with(metric, "_s") ||
      ends_with(metric, "_seconds")) {
    return MetricKind::seconds;
  }
  if (ends_with(metric, "_bytes") || metric.find("size") != std::string_view::npos ||
      metric.find("memory") != std::string_view::npos) {
    return MetricKind::bytes;
  }
  return MetricKind::count;
}

std::string format_metric(std::string_view metric, double value, std::string_view unit) {
  if (!std::isfinite(value)) {
    return "—";
  }
  switch (metric_kind(metric, unit)) {
  case MetricKind::seconds:
    return format_time(value, TimeUnit::automatic);
  case MetricKind::bytes:
    return util::format_bytes(value);
  case MetricKind::count:
    break;
  }
  std::string text = std::fabs(value) >= 1000 || value == std::round(value) ? with_separators(value)
                                                                             : fmt::format("{:.4g}", value);
  if (!unit.empty()) {
    text += " " + std::string(unit);
  }
  return text;
}

std::string format_metric_spread(std::string_view metric, double mean, double stddev, std::string_view unit) {
  const MetricKind kind = metric_kind(metric, unit);
  if (kind == MetricKind::seconds && std::isfinite(mean) && std::isfinite(stddev)) {
    const TimeUnit u = resolve_unit(TimeUnit::automatic, mean); // one unit for both, as `run` prints them
    return format_time(mean, u) + " ± " + format_time(stddev, u);
  }
  return format_metric(metric, mean, unit) + " ± " + format_metric(metric, stddev, unit);
}

std::string format_text_table(const std::vector<std::vector<std::string>>& rows, std::string_view indent) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (std::size_t c = 0; c < row.size(); ++c) {
      widths[c] = std::max(widths[c], display_width(row[c]));
    }
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line(indent);
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(widths[c] - display_width(row[c]), ' ');
      line += c == 0 ? row[c] + pad : "  " + pad + row[c];
    }
    while (!line.empty() && line.back() == ' ') {
      line.pop_back();
    }
    out += line + "\n";
  }
  return out;
}

} // namespace zkbench::report
