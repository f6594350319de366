#pragma once
// Number formatting shared by profile reports (pure; no I/O).

#include <cstdint>
#include <optional>
#include <string>

namespace zkbench::profile {

/// 11437643381 -> "11,437,643,381".
std::string group_digits(std::uint64_t value);

/// Signed with thousands separators and an explicit sign: -36500000 -> "-36,500,000", 12 -> "+12".
std::string signed_digits(std::int64_t value);

/// Compact magnitude as in seed 003's tables: 663200000 -> "663.2M", 23800000000 -> "23.8B", 950 -> "950".
std::string short_count(double value);

/// "12.34%" from a fraction (0.1234); "-" for nullopt.
std::string percent(std::optional<double> fraction, int decimals = 2);

} // namespace zkbench::profile
