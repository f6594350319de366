// SqliteStore's profiles (schema version 5): the profiler's bytes in a BLOB.
#include <fmt/format.h>

#include "store/profile_columns.hpp"
#include "store/row_codec.hpp"
#include "store/sqlite_store.hpp"

namespace zkbench::store {

namespace {

ProfileRecord read_profile(const Statement& row) {
  ProfileRecord p;
  p.id = row.column_int(0);
  p.created_at_us = row.column_int(1);
  p.kind = row.column_text(2);
  p.zkvm = row.column_text(3);
  p.format = row.column_text(4);
  p.input = row.column_text(5);
  p.title = row.column_text(6);
  p.commit = row.column_text(7);
  p.file_name = row.column_text(8);
  p.experiment_number = narrow(row.column_optional_int(9));
  p.baseline_id = row.column_optional_int(10);
  p.size_bytes = static_cast<std::size_t>(row.column_int(11));
  return p;
}

} // namespace

Result<std::int64_t> SqliteStore::add_profile(const ProfileRecord& profile) {
  ZKBENCH_TRY(check_profile_kind(profile));
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(fmt::format("INSERT INTO profiles ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                                    k_profile_insert_columns)));
  ZKBENCH_TRY(stmt->bind(1, profile.created_at_us));
  ZKBENCH_TRY(stmt->bind(2, std::string_view(profile.kind)));
  ZKBENCH_TRY(stmt->bind(3, std::string_view(profile.zkvm)));
  ZKBENCH_TRY(stmt->bind(4, std::string_view(profile.format)));
  ZKBENCH_TRY(stmt->bind(5, std::string_view(profile.input)));
  ZKBENCH_TRY(stmt->bind(6, std::string_view(profile.title)));
  ZKBENCH_TRY(stmt->bind(7, std::string_view(profile.commit)));
  ZKBENCH_TRY(stmt->bind(8, std::string_view(profile.file_name)));
  ZKBENCH_TRY(stmt->bind_blob(9, profile.content));
  ZKBENCH_TRY(stmt->bind(10, widen(profile.experiment_number)));
  ZKBENCH_TRY(stmt->bind(11, profile.baseline_id));
  ZKBENCH_TRY(stmt->run());
  return m_db.last_insert_id();
}

Result<std::vector<ProfileRecord>> SqliteStore::list_profiles() {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(fmt::format("SELECT {} FROM profiles ORDER BY id", k_profile_select_columns)));
  std::vector<ProfileRecord> out;
  for (;;) {
    ZKBENCH_TRY_ASSIGN(row, stmt->step());
    if (!*row) {
      break;
    }
    out.push_back(read_profile(*stmt));
  }
  return out;
}

Result<ProfileRecord> SqliteStore::get_profile(std::int64_t profile_id) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(fmt::format("SELECT {}, content FROM profiles WHERE id = ?",
                                                    k_profile_select_columns)));
  ZKBENCH_TRY(stmt->bind(1, profile_id));
  ZKBENCH_TRY_ASSIGN(row, stmt->step());
  if (!*row) {
    return make_error(fmt::format("no profile {} in store '{}'", profile_id, location()));
  }
  ProfileRecord profile = read_profile(*stmt);
  profile.content = stmt->column_blob(12);
  return profile;
}

} // namespace zkbench::store
