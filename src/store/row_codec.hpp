#pragma once
// What every store backend does the same way between rows and zkbench values: status names, the
// parameters JSON, int widths, and the SELECT of a session row with its counts.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/run.hpp"
#include "util/error.hpp"

namespace zkbench::store {

/// The inverse of core::to_string(RunStatus); nullopt for any other text.
std::optional<core::RunStatus> run_status_from_string(std::string_view text);

/// Benchmark parameters as the JSON object stored in benchmarks.parameters.
std::string parameters_to_json(const std::map<std::string, std::string>& parameters);
/// Parses benchmarks.parameters; the error names `where` (store and benchmark id).
Result<std::map<std::string, std::string>> parameters_from_json(const std::string& text, const std::string& where);

inline std::optional<std::int64_t> widen(const std::optional<int>& value) {
  return value ? std::optional<std::int64_t>(*value) : std::nullopt;
}

inline std::optional<int> narrow(const std::optional<std::int64_t>& value) {
  return value ? std::optional<int>(static_cast<int>(*value)) : std::nullopt;
}

/// Columns of a session row with its counts, in this order: id, kind, argv, host, working_dir,
/// started_at_us, finished_at_us, status, machine_class, benchmark count, run count. Valid SQL on
/// every backend; callers append WHERE / ORDER BY.
extern const char* const k_session_select;

} // namespace zkbench::store
