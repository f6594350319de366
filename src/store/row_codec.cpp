#include "store/row_codec.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace zkbench::store {

const char* const k_session_select = R"sql(
SELECT s.id, s.kind, s.argv, s.host, s.working_dir, s.started_at_us, s.finished_at_us, s.status, s.machine_class,
       (SELECT COUNT(*) FROM benchmarks b WHERE b.session_id = s.id),
       (SELECT COUNT(*) FROM runs r JOIN benchmarks b ON r.benchmark_id = b.id WHERE b.session_id = s.id)
FROM sessions s
)sql";

std::optional<core::RunStatus> run_status_from_string(std::string_view text) {
  for (core::RunStatus status : {core::RunStatus::success, core::RunStatus::failed, core::RunStatus::signaled,
                                 core::RunStatus::timed_out}) {
    if (text == core::to_string(status)) {
      return status;
    }
  }
  return std::nullopt;
}

std::string parameters_to_json(const std::map<std::string, std::string>& parameters) {
  return nlohmann::json(parameters).dump();
}

Result<std::map<std::string, std::string>> parameters_from_json(const std::string& text, const std::string& where) {
  try {
    return nlohmann::json::parse(text).get<std::map<std::string, std::string>>();
  } catch (const nlohmann::json::exception& e) {
    return make_error(fmt::format("{}: parameters are not a JSON object of strings: {}", where, e.what()));
  }
}

std::string experiment_numbers_to_json(const std::vector<int>& numbers) {
  return nlohmann::json(numbers).dump();
}

std::vector<int> experiment_numbers_from_json(const std::string& text) {
  try {
    return nlohmann::json::parse(text).get<std::vector<int>>();
  } catch (const nlohmann::json::exception&) {
    return {};
  }
}

Result<void> check_note_kind(const std::string& kind) {
  if (kind != "learning" && kind != "idea") {
    return make_error(fmt::format("a note is a 'learning' or an 'idea', not '{}'", kind));
  }
  return {};
}

} // namespace zkbench::store
