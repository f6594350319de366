#pragma once
// What every store backend does the same way between rows and zkbench values: status names, the
// parameters JSON, int widths, and the SELECT of a session row with its counts.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/run.hpp"
#include "util/error.hpp"

namespace zkbench::store {

/// The inverse of core::to_string(RunStatus); nullopt for any other text.
std::optional<core::RunStatus> run_status_from_string(std::string_view text);

/// Benchmark parameters as the JSON object stored in benchmarks.parameters.
std::string parameters_to_json(const std::map<std::string, std::string>& parameters);
/// Parses benchmarks.parameters; the error names `where` (store and benchmark id).
Result<std::map<std::string, std::string>> parameters_from_json(const std::string& text, const std::string& where);

/// conflicts.experiments: the experiment numbers of a compound test as a JSON array.
std::string experiment_numbers_to_json(const std::vector<int>& numbers);
/// The inverse of experiment_numbers_to_json; an empty list for text that is not an array of ints.
std::vector<int> experiment_numbers_from_json(const std::string& text);

/// Fails unless `kind` is a note kind the store keeps ("learning" or "idea").
Result<void> check_note_kind(const std::string& kind);

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
