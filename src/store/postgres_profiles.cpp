// PostgresStore's profiles (schema version 5): the profiler's bytes in a BYTEA column. Parameters and
// results travel as text here, so the bytes cross the connection as hex (decode/encode on the server).
#include <fmt/format.h>

#include "store/postgres_store.hpp"
#include "store/profile_columns.hpp"
#include "store/row_codec.hpp"

namespace zkbench::store {

namespace {

std::string to_hex(std::string_view bytes) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    hex.push_back(k_digits[byte >> 4]);
    hex.push_back(k_digits[byte & 0x0f]);
  }
  return hex;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

Result<std::string> from_hex(std::string_view hex, std::int64_t profile_id, const std::string& location) {
  std::string bytes;
  bytes.reserve(hex.size() / 2);
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    const int high = hex_value(hex[i]);
    const int low = hex_value(hex[i + 1]);
    if (high < 0 || low < 0) {
      break;
    }
    bytes.push_back(static_cast<char>(high * 16 + low));
  }
  if (bytes.size() * 2 != hex.size()) {
    return make_error(fmt::format("store '{}': profile {}'s content did not come back as hex", location, profile_id));
  }
  return bytes;
}

ProfileRecord read_profile(const pqxx::row& row) {
  ProfileRecord p;
  p.id = pg_int(row[0]);
  p.created_at_us = pg_int(row[1]);
  p.kind = pg_text(row[2]);
  p.zkvm = pg_text(row[3]);
  p.format = pg_text(row[4]);
  p.input = pg_text(row[5]);
  p.title = pg_text(row[6]);
  p.commit = pg_text(row[7]);
  p.file_name = pg_text(row[8]);
  p.experiment_number = narrow(pg_optional_int(row[9]));
  p.baseline_id = pg_optional_int(row[10]);
  p.size_bytes = static_cast<std::size_t>(pg_int(row[11]));
  return p;
}

} // namespace

Result<std::int64_t> PostgresStore::add_profile(const ProfileRecord& profile) {
  ZKBENCH_TRY(check_profile_kind(profile));
  std::lock_guard lock(m_mutex);
  return m_db.transact("adding a profile", [&](pqxx::work& tx) -> Result<std::int64_t> {
    return pg_int(pg_exec(tx,
                          fmt::format("INSERT INTO profiles ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
                                      "decode($9, 'hex'), $10, $11) RETURNING id",
                                      k_profile_insert_columns),
                          PgParams()
                              .add(profile.created_at_us)
                              .add(profile.kind)
                              .add(profile.zkvm)
                              .add(profile.format)
                              .add(profile.input)
                              .add(profile.title)
                              .add(profile.commit)
                              .add(profile.file_name)
                              .add(to_hex(profile.content))
                              .add(widen(profile.experiment_number))
                              .add(profile.baseline_id))[0][0]);
  });
}

Result<std::vector<ProfileRecord>> PostgresStore::list_profiles() {
  std::lock_guard lock(m_mutex);
  return m_db.transact("listing profiles", [&](pqxx::work& tx) -> Result<std::vector<ProfileRecord>> {
    std::vector<ProfileRecord> out;
    for (const auto& row : pg_exec(tx, fmt::format("SELECT {} FROM profiles ORDER BY id", k_profile_select_columns))) {
      out.push_back(read_profile(row));
    }
    return out;
  });
}

Result<ProfileRecord> PostgresStore::get_profile(std::int64_t profile_id) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("reading a profile", [&](pqxx::work& tx) -> Result<ProfileRecord> {
    const pqxx::result rows = pg_exec(tx,
                                      fmt::format("SELECT {}, encode(content, 'hex') FROM profiles WHERE id = $1",
                                                  k_profile_select_columns),
                                      PgParams().add(profile_id));
    if (rows.empty()) {
      return make_error(fmt::format("no profile {} in store '{}'", profile_id, location()));
    }
    ProfileRecord profile = read_profile(rows[0]);
    ZKBENCH_TRY_ASSIGN(content, from_hex(pg_text(rows[0][12]), profile_id, location()));
    profile.content = std::move(*content);
    return profile;
  });
}

} // namespace zkbench::store
