#pragma once
// Time units for people (--time-unit) and the formatting hyperfine uses: "102.3 ms", "1.234 s".

#include <optional>
#include <string>
#include <string_view>

namespace zkbench::report {

enum class TimeUnit { automatic, microsecond, millisecond, second };

/// "microsecond", "millisecond", "second" (also "us", "ms", "s"). nullopt for anything else.
std::optional<TimeUnit> parse_time_unit(std::string_view text);

/// `unit`, or when automatic the unit hyperfine picks for a value: milliseconds below 1 s, else seconds.
TimeUnit resolve_unit(TimeUnit unit, double seconds);

/// "µs", "ms", "s" (automatic is treated as seconds).
const char* unit_suffix(TimeUnit unit);

/// The value in `unit` (not automatic), without suffix: ms and µs with 1 decimal, s with 3 ("102.3").
std::string format_number_in(double seconds, TimeUnit unit);

/// Value and suffix: "102.3 ms". `unit` automatic resolves per value.
std::string format_time(double seconds, TimeUnit unit);

} // namespace zkbench::report
