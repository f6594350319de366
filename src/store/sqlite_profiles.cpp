// SqliteStore's profiles (schema version 5): the profiler's bytes in a BLOB.
#include <fmt/format.h>

#include "store/row_codec.hpp"
#include "store/sqlite_store.hpp"
#include "store/store_sql.hpp"

namespace zkbench::store {

Result<std::int64_t> SqliteStore::add_profile(const ProfileRecord& profile) {
  ZKBENCH_TRY(check_profile_kind(profile));
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, prepare(sql::k_insert_profile));
  SqliteParams params(*stmt);
  ZKBENCH_TRY(profile_params(params, profile).done());
  ZKBENCH_TRY(stmt->run());
  return m_db.last_insert_id();
}

Result<std::vector<ProfileRecord>> SqliteStore::list_profiles() {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, prepare(sql::k_list_profiles));
  return read_rows(*stmt, read_profile<SqliteRow>);
}

Result<ProfileRecord> SqliteStore::get_profile(std::int64_t profile_id) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, prepare(sql::k_get_profile));
  ZKBENCH_TRY(stmt->bind(1, profile_id));
  ZKBENCH_TRY_ASSIGN(row, stmt->step());
  if (!*row) {
    return make_error(fmt::format("no profile {} in store '{}'", profile_id, location()));
  }
  ProfileRecord profile = read_profile(SqliteRow{*stmt});
  profile.content = stmt->column_blob(12);
  return profile;
}

} // namespace zkbench::store
