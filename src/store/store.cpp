#include "store/store.hpp"

#include <array>
#include <system_error>

#include <fmt/format.h>

#include "store/postgres_module.hpp"
#include "store/sqlite_store.hpp"
#include "util/strings.hpp"

namespace zkbench::store {

namespace {

constexpr std::array k_session_statuses = {SessionStatus::running, SessionStatus::complete,
                                           SessionStatus::interrupted, SessionStatus::failed};

} // namespace

bool is_postgresql_url(std::string_view location) {
  return util::starts_with(location, "postgresql://") || util::starts_with(location, "postgres://");
}

std::string redact_location(std::string_view location) {
  return util::redact_credentials(location);
}

const char* to_string(SessionStatus status) {
  switch (status) {
  case SessionStatus::running:
    return "running";
  case SessionStatus::complete:
    return "complete";
  case SessionStatus::interrupted:
    return "interrupted";
  case SessionStatus::failed:
    return "failed";
  }
  return "unknown";
}

std::optional<SessionStatus> session_status_from_string(std::string_view text) {
  for (SessionStatus status : k_session_statuses) {
    if (text == to_string(status)) {
      return status;
    }
  }
  return std::nullopt;
}

std::filesystem::path default_store_path(const std::filesystem::path& project_dir) {
  return project_dir / ".zkbench" / "zkbench.db";
}

Result<std::unique_ptr<Store>> open_store(const std::string& location, OpenMode mode) {
  if (is_postgresql_url(location)) {
    return open_postgres_store(location);
  }
  if (location.empty()) {
    return make_error("cannot open store: the store path is empty");
  }
  // "mysql://u:p@h/db" is a URL zkbench cannot open, not a path: refuse it rather than create folders
  // named after it (with the password in a folder name).
  if (const std::size_t scheme_end = location.find("://"); scheme_end != std::string::npos &&
      scheme_end > 0 && location.find('/') == scheme_end + 1) {
    return make_error(fmt::format("cannot open store '{}': unknown URL scheme '{}://' (use a file path for SQLite "
                                  "or a postgresql:// URL)",
                                  redact_location(location), location.substr(0, scheme_end)));
  }
  const std::filesystem::path path(location);
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (std::filesystem::is_directory(status)) {
    return make_error(fmt::format("cannot open store '{}': it is a directory, not a database file", location));
  }
  if (!std::filesystem::exists(status)) {
    if (mode == OpenMode::existing) {
      return make_error(fmt::format("no store at '{}' (nothing has been measured with it yet)", location));
    }
    const std::filesystem::path parent = path.parent_path();
    if (!parent.empty()) {
      std::filesystem::create_directories(parent, ec);
      if (ec) {
        return make_error(fmt::format("cannot create folder '{}' for store '{}': {}", parent.string(),
                                      location, ec.message()));
      }
    }
  }
  ZKBENCH_TRY_ASSIGN(store, SqliteStore::open(path));
  return std::unique_ptr<Store>(std::move(*store));
}

} // namespace zkbench::store
