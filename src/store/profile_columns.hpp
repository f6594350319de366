#pragma once
// The columns of the profiles table (schema version 5) as every backend reads and writes them.

#include <string>

#include <fmt/format.h>

#include "store/profile_record.hpp"
#include "util/error.hpp"

namespace zkbench::store {

/// The columns an INSERT sets, in bind order: created_at_us, kind, zkvm, format, input, title,
/// commit_sha, file_name, content, experiment_number, baseline_id.
inline constexpr const char* k_profile_insert_columns =
    "created_at_us, kind, zkvm, format, input, title, commit_sha, file_name, content, experiment_number, "
    "baseline_id";

/// The columns a SELECT reads, in order: id, created_at_us, kind, zkvm, format, input, title,
/// commit_sha, file_name, experiment_number, baseline_id, LENGTH(content) (content itself is read
/// apart, by get_profile only).
inline constexpr const char* k_profile_select_columns =
    "id, created_at_us, kind, zkvm, format, input, title, commit_sha, file_name, experiment_number, "
    "baseline_id, LENGTH(content)";

/// Error unless `profile.kind` is "profile" or "diff".
inline Result<void> check_profile_kind(const ProfileRecord& profile) {
  if (profile.kind != "profile" && profile.kind != "diff") {
    return make_error(fmt::format("a stored profile is a 'profile' or a 'diff', not '{}'", profile.kind));
  }
  return {};
}

} // namespace zkbench::store
