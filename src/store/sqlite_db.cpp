#include "store/sqlite_db.hpp"

#include <utility>

#include <fmt/format.h>
#include <sqlite3.h>

#include "store/statement_name.hpp"
#include "util/text.hpp"

namespace zkbench::store {

namespace {

std::string quoted(const std::filesystem::path& path) {
  return "'" + path.string() + "'";
}

} // namespace

// --- Statement ------------------------------------------------------------------------------------

Statement::Statement(sqlite3_stmt* stmt, std::string context)
    : m_stmt(stmt), m_context(std::move(context)) {}

Statement::~Statement() {
  sqlite3_finalize(m_stmt);
}

Statement::Statement(Statement&& other) noexcept
    : m_stmt(std::exchange(other.m_stmt, nullptr)), m_context(std::move(other.m_context)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(m_stmt);
    m_stmt = std::exchange(other.m_stmt, nullptr);
    m_context = std::move(other.m_context);
  }
  return *this;
}

void Statement::reset() {
  sqlite3_reset(m_stmt);
  sqlite3_clear_bindings(m_stmt);
}

Result<void> Statement::check_bind(int rc, int index) {
  if (rc != SQLITE_OK) {
    return make_error(fmt::format("store {}: cannot bind value {} of {}: {}", m_context, index,
                                  statement_name(sqlite3_sql(m_stmt)), sqlite3_errmsg(sqlite3_db_handle(m_stmt))));
  }
  return {};
}

Result<void> Statement::bind(int index, std::int64_t value) {
  return check_bind(sqlite3_bind_int64(m_stmt, index, value), index);
}

Result<void> Statement::bind(int index, double value) {
  return check_bind(sqlite3_bind_double(m_stmt, index, value), index);
}

Result<void> Statement::bind(int index, std::string_view value) {
  // Text from outside (a name, a command line, output) may hold bytes that are not UTF-8: the store
  // keeps valid UTF-8 only (PostgreSQL's too), so every reader and JSON document of it works.
  if (!util::is_valid_utf8(value)) {
    const std::string valid = util::valid_utf8(value);
    return check_bind(sqlite3_bind_text64(m_stmt, index, valid.data(), valid.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
                      index);
  }
  // SQLITE_TRANSIENT: SQLite copies the text, so the caller's buffer may go away before step().
  // A default string_view has a null data(), which SQLite would bind as NULL: bind "" instead.
  const char* data = value.data() != nullptr ? value.data() : "";
  return check_bind(sqlite3_bind_text64(m_stmt, index, data, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
                    index);
}

Result<void> Statement::bind_blob(int index, std::string_view bytes) {
  // sqlite3_bind_blob64 with a null pointer binds NULL: a zero-length blob needs a real address.
  const char* data = bytes.data() != nullptr ? bytes.data() : "";
  return check_bind(sqlite3_bind_blob64(m_stmt, index, data, bytes.size(), SQLITE_TRANSIENT), index);
}

SqliteParams& SqliteParams::add(Blob value) {
  ++m_index;
  if (m_result) {
    m_result = m_stmt.bind_blob(m_index, value.bytes);
  }
  return *this;
}

Result<void> Statement::bind_null(int index) {
  return check_bind(sqlite3_bind_null(m_stmt, index), index);
}

Result<void> Statement::bind(int index, const std::optional<std::int64_t>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

Result<void> Statement::bind(int index, const std::optional<double>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

Result<void> Statement::bind(int index, const std::optional<std::string>& value) {
  return value ? bind(index, std::string_view(*value)) : bind_null(index);
}

Result<bool> Statement::step() {
  const int rc = sqlite3_step(m_stmt);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  // sqlite3_errmsg is only meaningful before the statement is reset, so read it first.
  std::string message = fmt::format("store {}: {} failed: {}", m_context, statement_name(sqlite3_sql(m_stmt)),
                                    sqlite3_errmsg(sqlite3_db_handle(m_stmt)));
  reset();
  return make_error(std::move(message));
}

Result<void> Statement::run() {
  auto stepped = step();
  reset();
  if (!stepped) {
    return tl::unexpected(stepped.error());
  }
  return {};
}

Result<std::int64_t> Statement::single_int() {
  ZKBENCH_TRY_ASSIGN(row, step());
  const std::int64_t value = *row ? column_int(0) : 0;
  reset();
  return value;
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

std::int64_t Statement::column_int(int column) const {
  return sqlite3_column_int64(m_stmt, column);
}

double Statement::column_double(int column) const {
  return sqlite3_column_double(m_stmt, column);
}

std::string Statement::column_text(int column) const {
  const unsigned char* text = sqlite3_column_text(m_stmt, column);
  if (text == nullptr) {
    return {};
  }
  const int size = sqlite3_column_bytes(m_stmt, column);
  return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(size)};
}

std::string Statement::column_blob(int column) const {
  const void* bytes = sqlite3_column_blob(m_stmt, column);
  if (bytes == nullptr) {
    return {};
  }
  const int size = sqlite3_column_bytes(m_stmt, column);
  return {static_cast<const char*>(bytes), static_cast<std::size_t>(size)};
}

std::optional<std::int64_t> Statement::column_optional_int(int column) const {
  return is_null(column) ? std::nullopt : std::optional(column_int(column));
}

std::optional<double> Statement::column_optional_double(int column) const {
  return is_null(column) ? std::nullopt : std::optional(column_double(column));
}

std::optional<std::string> Statement::column_optional_text(int column) const {
  return is_null(column) ? std::nullopt : std::optional(column_text(column));
}

// --- SqliteDb -------------------------------------------------------------------------------------

Result<SqliteDb> SqliteDb::open(const std::filesystem::path& path, OpenFlags flags) {
  int open_flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (flags == OpenFlags::read_write_create) {
    open_flags |= SQLITE_OPEN_CREATE;
  }
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, open_flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return make_error(fmt::format("cannot open store {}: {}", quoted(path), message));
  }
  sqlite3_extended_result_codes(db, 1);
  return SqliteDb(db, path);
}

SqliteDb::~SqliteDb() {
  finalize_controls();
  // close_v2: statements still alive (none should be) would keep the handle until finalized.
  sqlite3_close_v2(m_db);
}

SqliteDb::SqliteDb(SqliteDb&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_path(std::move(other.m_path)),
      m_controls(std::exchange(other.m_controls, {})) {}

SqliteDb& SqliteDb::operator=(SqliteDb&& other) noexcept {
  if (this != &other) {
    finalize_controls();
    sqlite3_close_v2(m_db);
    m_db = std::exchange(other.m_db, nullptr);
    m_path = std::move(other.m_path);
    m_controls = std::exchange(other.m_controls, {});
  }
  return *this;
}

void SqliteDb::finalize_controls() {
  for (sqlite3_stmt*& stmt : m_controls) {
    sqlite3_finalize(stmt); // a no-op on null
    stmt = nullptr;
  }
}

Result<void> SqliteDb::control(Control which) {
  static constexpr std::array<const char*, 4> k_text{"BEGIN IMMEDIATE", "BEGIN", "COMMIT", "ROLLBACK"};
  const auto index = static_cast<std::size_t>(which);
  sqlite3_stmt*& stmt = m_controls.at(index);
  if (stmt == nullptr &&
      sqlite3_prepare_v3(m_db, k_text[index], -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    sqlite3_finalize(stmt);
    stmt = nullptr;
    return error(fmt::format("cannot prepare {} on store", statement_name(k_text[index])));
  }
  const int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE) {
    return error(fmt::format("{} failed on store", statement_name(k_text[index])));
  }
  return {};
}

tl::unexpected<Error> SqliteDb::error(std::string_view what) const {
  return make_error(fmt::format("{} {}: {}", what, quoted(m_path), sqlite3_errmsg(m_db)));
}

Result<void> SqliteDb::exec(const std::string& sql) {
  if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return error(fmt::format("{} failed on store", statement_name(sql)));
  }
  return {};
}

Result<Statement> SqliteDb::prepare(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(m_db, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, nullptr) != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return error(fmt::format("cannot prepare {} on store", statement_name(sql)));
  }
  return Statement(stmt, quoted(m_path));
}

Result<void> SqliteDb::set_busy_timeout(int milliseconds) {
  if (sqlite3_busy_timeout(m_db, milliseconds) != SQLITE_OK) {
    return error("cannot set the busy timeout of store");
  }
  return {};
}

std::int64_t SqliteDb::last_insert_id() const {
  return sqlite3_last_insert_rowid(m_db);
}

std::string SqliteDb::last_error() const {
  return sqlite3_errmsg(m_db);
}

bool SqliteDb::last_was_busy() const {
  return (sqlite3_extended_errcode(m_db) & 0xff) == SQLITE_BUSY;
}

int SqliteDb::changes() const {
  return sqlite3_changes(m_db);
}

// --- Transaction ----------------------------------------------------------------------------------

Result<Transaction> Transaction::begin(SqliteDb& db, TransactionKind kind) {
  ZKBENCH_TRY(db.control(kind == TransactionKind::write ? SqliteDb::Control::begin_immediate : SqliteDb::Control::begin));
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (m_db != nullptr) {
    // Nothing to report to: the caller is already returning the error that made it skip commit().
    (void)m_db->control(SqliteDb::Control::rollback);
  }
}

Transaction::Transaction(Transaction&& other) noexcept : m_db(std::exchange(other.m_db, nullptr)) {}

Result<void> Transaction::commit() {
  auto committed = m_db->control(SqliteDb::Control::commit);
  if (committed) {
    m_db = nullptr;
  }
  return committed;
}

} // namespace zkbench::store
