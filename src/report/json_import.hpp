#pragma once
// Reads benchmark results written by zkbench's --export-json or by hyperfine's --export-json
// (hyperfine 1.15's schema, and 1.20's memory_usage_byte). The two share one schema; zkbench adds
// "timed_out" and "metrics" per run.

#include <filesystem>
#include <string_view>
#include <vector>

#include "core/run.hpp"
#include "util/error.hpp"

namespace zkbench::report {

/// Parses the JSON text of an export. `source` names it in error messages (a path, "<stdin>").
Result<std::vector<core::Benchmark>> parse_results_json(std::string_view text, std::string_view source);

/// Reads and parses an export file.
Result<std::vector<core::Benchmark>> read_results_json(const std::filesystem::path& path);

} // namespace zkbench::report
