#pragma once
// A thin layer over libpqxx for the PostgreSQL store and the job queue: one connection to a URL
// (optionally inside a schema of its own), positional parameters that may be NULL, exact number
// text, and libpqxx's exceptions turned into Result errors. No message ever carries the URL's
// password: locations are redacted (store::redact_location) and the password is scrubbed from
// server and library messages too.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "store/sql_dialect.hpp"
#include "util/error.hpp"

namespace zkbench::store {

/// Positional parameters ($1, $2, ...) of one statement; a nullopt is SQL NULL. Doubles are sent as
/// their shortest exact decimal text, so they read back bit for bit.
class PgParams {
public:
  PgParams& add(std::int64_t value);
  PgParams& add(int value) { return add(std::int64_t{value}); }
  PgParams& add(double value);
  PgParams& add(std::string_view value);
  PgParams& add(const char* value) { return add(std::string_view(value)); }
  PgParams& add(const std::string& value) { return add(std::string_view(value)); }
  /// Bytes, sent as their hex text: the statement decodes them (`{blob_in:$N}`, sql_dialect.hpp).
  PgParams& add(Blob value);
  template <typename T>
  PgParams& add(const std::optional<T>& value) {
    if (value) {
      return add(*value);
    }
    m_values.emplace_back();
    return *this;
  }
  /// Pointers to the values, nullptr for NULL (valid while this object lives).
  std::vector<const char*> pointers() const;

private:
  std::vector<std::optional<std::string>> m_values;
};

/// Runs one statement with `params` in `tx`. Throws libpqxx's exceptions (PgDb::transact catches them).
pqxx::result pg_exec(pqxx::transaction_base& tx, const std::string& sql, const PgParams& params = {});
/// pg_exec of a statement written once for both databases (sql_dialect.hpp), rendered for PostgreSQL.
pqxx::result pg_exec_shared(pqxx::transaction_base& tx, std::string_view text, const PgParams& params = {});
/// pg_exec_shared of an INSERT that ends in `{returning_id}`: the new row's id.
std::int64_t pg_insert(pqxx::transaction_base& tx, std::string_view text, const PgParams& params);

// Field readers: exact integers and doubles (std::from_chars), text; the optional_ forms give nullopt
// for NULL.
std::int64_t pg_int(const pqxx::field& field);
double pg_double(const pqxx::field& field);
std::string pg_text(const pqxx::field& field);
std::optional<std::int64_t> pg_optional_int(const pqxx::field& field);
std::optional<double> pg_optional_double(const pqxx::field& field);
std::optional<std::string> pg_optional_text(const pqxx::field& field);

/// A result row, as row_codec.hpp's readers take a row (columns 0-based).
struct PgRow {
  const pqxx::row& row;
  bool is_null_at(int i) const { return row[i].is_null(); }
  std::int64_t int_at(int i) const { return pg_int(row[i]); }
  std::optional<std::int64_t> optional_int_at(int i) const { return pg_optional_int(row[i]); }
  double double_at(int i) const { return pg_double(row[i]); }
  std::optional<double> optional_double_at(int i) const { return pg_optional_double(row[i]); }
  std::string text_at(int i) const { return pg_text(row[i]); }
  std::optional<std::string> optional_text_at(int i) const { return pg_optional_text(row[i]); }
};

/// `read(PgRow)` of every row of `rows` (a row_codec.hpp reader that cannot fail).
template <typename Read>
auto read_rows(const pqxx::result& rows, Read read) -> std::vector<decltype(read(std::declval<PgRow>()))> {
  std::vector<decltype(read(std::declval<PgRow>()))> out;
  for (const auto& row : rows) {
    out.push_back(read(PgRow{row}));
  }
  return out;
}

/// One PostgreSQL connection. Move-only. Not thread-safe: callers serialize.
class PgDb {
public:
  /// Connects to `url`. With a non-empty `schema`, the schema is created when missing and every
  /// unqualified name resolves in it (tests give each test its own). Error: the server's message,
  /// naming the redacted URL.
  static Result<PgDb> connect(const std::string& url, const std::string& schema = {});

  /// Runs `body(tx)` (which returns a Result) in one transaction, committed when it returns a value,
  /// rolled back when it returns an error or throws. libpqxx exceptions become errors
  /// "store '<location>': <what>: <message>". Returns body's Result.
  template <typename Body>
  auto transact(std::string_view what, Body&& body) -> decltype(body(std::declval<pqxx::work&>())) {
    try {
      pqxx::work tx(*m_connection);
      auto result = body(tx);
      if (result) {
        tx.commit();
      }
      return result;
    } catch (const std::exception& e) {
      return tl::unexpected(error(what, e.what()));
    }
  }

  /// The URL as given, password redacted.
  const std::string& location() const { return m_location; }
  /// "store '<location>': <what>: <message>" with the password scrubbed from `message`.
  Error error(std::string_view what, std::string_view message) const;

private:
  PgDb(std::unique_ptr<pqxx::connection> connection, std::string location, std::string password)
      : m_connection(std::move(connection)), m_location(std::move(location)), m_password(std::move(password)) {}

  std::unique_ptr<pqxx::connection> m_connection;
  std::string m_location;
  std::string m_password; // only to scrub it from messages
};

} // namespace zkbench::store
