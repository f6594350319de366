#include "store/row_codec.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include "util/text.hpp"

namespace zkbench::store {

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
  return util::json_text(nlohmann::json(parameters));
}

Result<std::map<std::string, std::string>> parameters_from_json(const std::string& text, const std::string& where) {
  try {
    return nlohmann::json::parse(text).get<std::map<std::string, std::string>>();
  } catch (const nlohmann::json::exception& e) {
    return make_error(fmt::format("{}: parameters are not a JSON object of strings: {}", where, e.what()));
  }
}

std::string experiment_numbers_to_json(const std::vector<int>& numbers) {
  return util::json_text(nlohmann::json(numbers));
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

Result<void> check_profile_kind(const ProfileRecord& profile) {
  if (profile.kind != "profile" && profile.kind != "diff") {
    return make_error(fmt::format("a stored profile is a 'profile' or a 'diff', not '{}'", profile.kind));
  }
  return {};
}

} // namespace zkbench::store
