// PostgresStore's profiles (schema version 5): the profiler's bytes in a BYTEA column. Parameters and
// results travel as text here, so the bytes cross the connection as hex (`{blob_in:$N}` and
// `{blob_out:column}` in store_sql.hpp: decode/encode on the server).
#include <fmt/format.h>

#include "store/postgres_store.hpp"
#include "store/row_codec.hpp"
#include "store/store_sql.hpp"

namespace zkbench::store {

namespace {

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

} // namespace

Result<std::int64_t> PostgresStore::add_profile(const ProfileRecord& profile) {
  ZKBENCH_TRY(check_profile_kind(profile));
  std::lock_guard lock(m_mutex);
  return m_db.transact("adding a profile", [&](pqxx::work& tx) -> Result<std::int64_t> {
    PgParams params;
    return pg_insert(tx, sql::k_insert_profile, profile_params(params, profile));
  });
}

Result<std::vector<ProfileRecord>> PostgresStore::list_profiles() {
  std::lock_guard lock(m_mutex);
  return m_db.transact("listing profiles", [&](pqxx::work& tx) -> Result<std::vector<ProfileRecord>> {
    return read_rows(pg_exec_shared(tx, sql::k_list_profiles), read_profile<PgRow>);
  });
}

Result<ProfileRecord> PostgresStore::get_profile(std::int64_t profile_id) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("reading a profile", [&](pqxx::work& tx) -> Result<ProfileRecord> {
    const pqxx::result rows = pg_exec_shared(tx, sql::k_get_profile, PgParams().add(profile_id));
    if (rows.empty()) {
      return make_error(fmt::format("no profile {} in store '{}'", profile_id, location()));
    }
    ProfileRecord profile = read_profile(PgRow{rows[0]});
    ZKBENCH_TRY_ASSIGN(content, from_hex(pg_text(rows[0][12]), profile_id, location()));
    profile.content = std::move(*content);
    return profile;
  });
}

} // namespace zkbench::store
