#include "profile/format.hpp"

#include <cmath>

#include <fmt/format.h>

namespace zkbench::profile {

std::string group_digits(std::uint64_t value) {
  std::string digits = std::to_string(value);
  for (std::size_t i = digits.size(); i > 3; i -= 3) {
    digits.insert(i - 3, ",");
  }
  return digits;
}

std::string signed_digits(std::int64_t value) {
  const auto magnitude = value < 0 ? static_cast<std::uint64_t>(-(value + 1)) + 1 : static_cast<std::uint64_t>(value);
  if (value == 0) {
    return "0";
  }
  return (value < 0 ? "-" : "+") + group_digits(magnitude);
}

std::string short_count(double value) {
  const double magnitude = std::fabs(value);
  if (magnitude >= 1e9) {
    return fmt::format("{:.1f}B", value / 1e9);
  }
  if (magnitude >= 1e6) {
    return fmt::format("{:.1f}M", value / 1e6);
  }
  if (magnitude >= 1e4) {
    return fmt::format("{:.1f}K", value / 1e3);
  }
  return fmt::format("{:.0f}", value);
}

std::string percent(std::optional<double> fraction, int decimals) {
  if (!fraction) {
    return "-";
  }
  return fmt::format("{:.{}f}%", *fraction * 100.0, decimals);
}

} // namespace zkbench::profile
