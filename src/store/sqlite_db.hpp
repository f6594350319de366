#pragma once
// A thin RAII layer over the SQLite C API: one connection (`SqliteDb`), one prepared statement
// (`Statement`), and a transaction guard. Errors come back as Result values whose message names the
// database file and carries SQLite's own message; nothing here throws.
//
// Values are bound by position (1-based, as SQLite counts); no SQL is ever built from values.

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/sql_dialect.hpp"
#include "util/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace zkbench::store {

/// A prepared statement. Move-only; finalized on destruction.
class Statement {
public:
  Statement() = default;
  Statement(sqlite3_stmt* stmt, std::string context);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  /// Clears bindings and rewinds, ready for the next execution.
  void reset();

  // Binders (index is 1-based). A nullopt binds SQL NULL.
  Result<void> bind(int index, std::int64_t value);
  Result<void> bind(int index, double value);
  Result<void> bind(int index, std::string_view value);
  Result<void> bind_null(int index);
  /// Binds `bytes` as a BLOB (any bytes, NULs included; an empty one is a zero-length BLOB, not NULL).
  Result<void> bind_blob(int index, std::string_view bytes);
  Result<void> bind(int index, const std::optional<std::int64_t>& value);
  Result<void> bind(int index, const std::optional<double>& value);
  Result<void> bind(int index, const std::optional<std::string>& value);

  /// Advances: true when a row is available, false when done; an error otherwise.
  Result<bool> step();
  /// Steps a statement that returns no rows (INSERT/UPDATE/DDL) and resets it.
  Result<void> run();
  /// Steps once and returns the first column of the first row as an integer (0 when no row):
  /// for COUNT(*) and MAX(...) queries.
  Result<std::int64_t> single_int();

  // Column readers for the current row (index is 0-based, as SQLite counts).
  bool is_null(int column) const;
  std::int64_t column_int(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;
  /// The bytes of a BLOB (or TEXT) column, NULs included.
  std::string column_blob(int column) const;
  std::optional<std::int64_t> column_optional_int(int column) const;
  std::optional<double> column_optional_double(int column) const;
  std::optional<std::string> column_optional_text(int column) const;

private:
  Result<void> check_bind(int rc, int index);

  sqlite3_stmt* m_stmt = nullptr;
  std::string m_context; // "'<file>'", used in error messages
};

/// The current row of a statement, as row_codec.hpp's readers take a row (columns 0-based).
struct SqliteRow {
  const Statement& stmt;
  bool is_null_at(int i) const { return stmt.is_null(i); }
  std::int64_t int_at(int i) const { return stmt.column_int(i); }
  std::optional<std::int64_t> optional_int_at(int i) const { return stmt.column_optional_int(i); }
  double double_at(int i) const { return stmt.column_double(i); }
  std::optional<double> optional_double_at(int i) const { return stmt.column_optional_double(i); }
  std::string text_at(int i) const { return stmt.column_text(i); }
  std::optional<std::string> optional_text_at(int i) const { return stmt.column_optional_text(i); }
};

/// Binds a statement's parameters in order (1, 2, ...), the way PgParams collects them, so that one
/// function (row_codec.hpp's *_params) fills either. A nullopt binds NULL. The first failure is
/// kept, and done() returns it.
class SqliteParams {
public:
  explicit SqliteParams(Statement& stmt) : m_stmt(stmt) {}
  SqliteParams& add(std::int64_t value) { return bind(value); }
  SqliteParams& add(int value) { return bind(std::int64_t{value}); }
  SqliteParams& add(double value) { return bind(value); }
  SqliteParams& add(std::string_view value) { return bind(value); }
  SqliteParams& add(const char* value) { return bind(std::string_view(value)); }
  SqliteParams& add(const std::string& value) { return bind(std::string_view(value)); }
  SqliteParams& add(Blob value);
  template <typename T>
  SqliteParams& add(const std::optional<T>& value) {
    if (value) {
      return add(*value);
    }
    ++m_index;
    if (m_result) {
      m_result = m_stmt.bind_null(m_index);
    }
    return *this;
  }
  Result<void> done() const { return m_result; }

private:
  template <typename T>
  SqliteParams& bind(const T& value) {
    ++m_index;
    if (m_result) {
      m_result = m_stmt.bind(m_index, value);
    }
    return *this;
  }

  Statement& m_stmt;
  int m_index = 0;
  Result<void> m_result;
};

/// Steps `stmt` to its end and returns `read(SqliteRow)` of every row (a row_codec.hpp reader that
/// cannot fail). Error: SQLite's, from a step.
template <typename Read>
auto read_rows(Statement& stmt, Read read) -> Result<std::vector<decltype(read(std::declval<SqliteRow>()))>> {
  std::vector<decltype(read(std::declval<SqliteRow>()))> out;
  for (;;) {
    ZKBENCH_TRY_ASSIGN(row, stmt.step());
    if (!*row) {
      return out;
    }
    out.push_back(read(SqliteRow{stmt}));
  }
}

enum class OpenFlags { read_write_create, read_write };

/// One SQLite connection. Move-only; closed on destruction.
class SqliteDb {
public:
  /// Opens `path`. With read_write_create the file is created when missing. The open itself is lazy
  /// in SQLite, so a file that is not a database is only reported by the first statement.
  static Result<SqliteDb> open(const std::filesystem::path& path, OpenFlags flags);

  SqliteDb() = default;
  ~SqliteDb();
  SqliteDb(SqliteDb&& other) noexcept;
  SqliteDb& operator=(SqliteDb&& other) noexcept;
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  /// Runs one or more statements that take no values (DDL, PRAGMA).
  Result<void> exec(const std::string& sql);
  /// The statements that open and close a transaction, prepared once per connection: a store writes
  /// one transaction per measured run, and parsing BEGIN and COMMIT anew was a third of its cost.
  enum class Control { begin_immediate, begin, commit, rollback };
  Result<void> control(Control which);
  /// Prepares one statement.
  Result<Statement> prepare(const std::string& sql);
  /// Sets how long a statement waits for another connection's lock before failing with "busy".
  Result<void> set_busy_timeout(int milliseconds);

  std::int64_t last_insert_id() const;
  /// Rows changed by the last INSERT/UPDATE/DELETE.
  int changes() const;
  const std::filesystem::path& path() const { return m_path; }
  /// SQLite's message for the last failed call on this connection.
  std::string last_error() const;
  /// Whether the last failed call failed because another connection held a lock (SQLITE_BUSY),
  /// in a case where SQLite returns at once instead of calling the busy handler.
  bool last_was_busy() const;

private:
  SqliteDb(sqlite3* db, std::filesystem::path path) : m_db(db), m_path(std::move(path)) {}
  /// "<what> '<file>': <sqlite message>"
  tl::unexpected<Error> error(std::string_view what) const;

  void finalize_controls();

  sqlite3* m_db = nullptr;
  std::filesystem::path m_path;
  std::array<sqlite3_stmt*, 4> m_controls{}; // by Control; prepared on first use
};

enum class TransactionKind {
  write, // BEGIN IMMEDIATE: takes the write lock up front, so the busy timeout applies and two
         // writers never deadlock upgrading a read lock
  read,  // BEGIN: a consistent snapshot for several SELECTs
};

/// A transaction, rolled back on destruction unless commit() succeeded.
class Transaction {
public:
  static Result<Transaction> begin(SqliteDb& db, TransactionKind kind = TransactionKind::write);
  ~Transaction();
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Result<void> commit();

private:
  explicit Transaction(SqliteDb* db) : m_db(db) {}
  SqliteDb* m_db = nullptr; // null once committed or moved from
};

} // namespace zkbench::store
