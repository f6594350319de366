#pragma once
// Checks shared by the subcommands' numeric options, so that a count or a duration is refused with one
// clear message instead of wrapping around (CLI11 would read "-1" into an unsigned as 2^64-1).

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

namespace zkbench::cli {

/// A count option: digits only and at most `max` ("-1", "1.5", "1e30" and values past `max` are refused
/// with "expected a whole number from 0 to <max>, got '<text>'").
CLI::Validator whole_number(std::uint64_t max = 1'000'000'000);

/// A duration in seconds that must be finite and > 0 (or >= 0 with `allow_zero`); `inf`, `nan` and
/// negative values are refused with a message that names the option.
CLI::Validator finite_seconds(bool allow_zero);

} // namespace zkbench::cli
