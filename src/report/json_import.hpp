#pragma once
// Reads benchmark results written by zkbench's --export-json or by hyperfine's --export-json
// (hyperfine 1.15's schema, and 1.20's memory_usage_byte). The two share one schema; zkbench adds
// "timed_out" and "metrics" per run.

#include <cstddef>
#include <filesystem>
#include <string_view>
#include <vector>

#include "core/run.hpp"
#include "util/error.hpp"

namespace zkbench::report {

/// The largest export read: hyperfine writes ~20 bytes a run, so 256 MiB is over ten million runs, and
/// the parsed document takes a few times the text's size.
inline constexpr std::size_t k_max_results_bytes = std::size_t{256} << 20;

/// Parses the JSON text of an export. `source` names it in error messages (a path, "<stdin>"). Refused
/// with an error naming `source` and the value: text over k_max_results_bytes or nested deeper than the
/// schema allows (checked while parsing), numbers out of range (1e999), a result without a time above 0, a
/// time that is not finite, >= 0 and at most 10^9 s, negative memory, metrics that are not finite.
Result<std::vector<core::Benchmark>> parse_results_json(std::string_view text, std::string_view source);

/// Reads and parses an export file.
Result<std::vector<core::Benchmark>> read_results_json(const std::filesystem::path& path);

} // namespace zkbench::report
