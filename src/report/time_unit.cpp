#include "report/time_unit.hpp"

#include <fmt/format.h>

namespace zkbench::report {

std::optional<TimeUnit> parse_time_unit(std::string_view text) {
  if (text == "microsecond" || text == "us" || text == "µs") {
    return TimeUnit::microsecond;
  }
  if (text == "millisecond" || text == "ms") {
    return TimeUnit::millisecond;
  }
  if (text == "second" || text == "s") {
    return TimeUnit::second;
  }
  return std::nullopt;
}

TimeUnit resolve_unit(TimeUnit unit, double seconds) {
  if (unit != TimeUnit::automatic) {
    return unit;
  }
  return seconds < 1.0 ? TimeUnit::millisecond : TimeUnit::second;
}

const char* unit_suffix(TimeUnit unit) {
  switch (unit) {
  case TimeUnit::microsecond:
    return "µs";
  case TimeUnit::millisecond:
    return "ms";
  case TimeUnit::automatic:
  case TimeUnit::second:
    return "s";
  }
  return "s";
}

std::string format_number_in(double seconds, TimeUnit unit) {
  switch (unit) {
  case TimeUnit::microsecond:
    return fmt::format("{:.1f}", seconds * 1e6);
  case TimeUnit::millisecond:
    return fmt::format("{:.1f}", seconds * 1e3);
  case TimeUnit::automatic:
  case TimeUnit::second:
    return fmt::format("{:.3f}", seconds);
  }
  return fmt::format("{:.3f}", seconds);
}

std::string format_time(double seconds, TimeUnit unit) {
  const TimeUnit resolved = resolve_unit(unit, seconds);
  return format_number_in(seconds, resolved) + " " + unit_suffix(resolved);
}

} // namespace zkbench::report
