#include "store/pg_db.hpp"

#include <charconv>
#include <cstring>

#include <fmt/format.h>

#include "store/store.hpp"
#include "util/text.hpp"

namespace zkbench::store {

namespace {

/// The password of a postgresql:// URL (empty when it has none); percent-escapes are kept as written.
std::string url_password(std::string_view url) {
  const std::string redacted = redact_location(url);
  if (redacted == url) {
    return {};
  }
  // redact_location replaced exactly the password by "***": the rest of the text lines up.
  const std::size_t start = redacted.find("***");
  const std::size_t tail = redacted.size() - (start + 3);
  return std::string(url.substr(start, url.size() - tail - start));
}

template <typename T>
T parse_exact(const pqxx::field& field) {
  const char* text = field.c_str();
  T value{};
  std::from_chars(text, text + std::strlen(text), value);
  return value;
}

} // namespace

PgParams& PgParams::add(std::int64_t value) {
  m_values.emplace_back(std::to_string(value));
  return *this;
}

PgParams& PgParams::add(double value) {
  // fmt's "{}" is the shortest text that reads back as the same double.
  m_values.emplace_back(fmt::format("{}", value));
  return *this;
}

PgParams& PgParams::add(std::string_view value) {
  m_values.emplace_back(util::valid_utf8(value)); // PostgreSQL refuses text that is not UTF-8
  return *this;
}

PgParams& PgParams::add(Blob value) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(value.bytes.size() * 2);
  for (const char c : value.bytes) {
    const auto byte = static_cast<unsigned char>(c);
    hex.push_back(k_digits[byte >> 4]);
    hex.push_back(k_digits[byte & 0x0f]);
  }
  m_values.emplace_back(std::move(hex));
  return *this;
}

std::vector<const char*> PgParams::pointers() const {
  std::vector<const char*> pointers;
  pointers.reserve(m_values.size());
  for (const auto& value : m_values) {
    pointers.push_back(value ? value->c_str() : nullptr);
  }
  return pointers;
}

pqxx::result pg_exec(pqxx::transaction_base& tx, const std::string& sql, const PgParams& params) {
  const std::vector<const char*> pointers = params.pointers();
  return tx.exec_params(sql, pqxx::prepare::make_dynamic_params(pointers));
}

pqxx::result pg_exec_shared(pqxx::transaction_base& tx, std::string_view text, const PgParams& params) {
  return pg_exec(tx, render_sql(text, Dialect::postgresql), params);
}

std::int64_t pg_insert(pqxx::transaction_base& tx, std::string_view text, const PgParams& params) {
  return pg_int(pg_exec_shared(tx, text, params)[0][0]);
}

std::int64_t pg_int(const pqxx::field& field) {
  return parse_exact<std::int64_t>(field);
}

double pg_double(const pqxx::field& field) {
  return parse_exact<double>(field);
}

std::string pg_text(const pqxx::field& field) {
  return std::string(field.c_str(), field.size());
}

std::optional<std::int64_t> pg_optional_int(const pqxx::field& field) {
  return field.is_null() ? std::nullopt : std::optional<std::int64_t>(pg_int(field));
}

std::optional<double> pg_optional_double(const pqxx::field& field) {
  return field.is_null() ? std::nullopt : std::optional<double>(pg_double(field));
}

std::optional<std::string> pg_optional_text(const pqxx::field& field) {
  return field.is_null() ? std::nullopt : std::optional<std::string>(pg_text(field));
}

Result<PgDb> PgDb::connect(const std::string& url, const std::string& schema) {
  const std::string location = redact_location(url);
  const std::string password = url_password(url);
  PgDb db(nullptr, location, password);
  try {
    db.m_connection = std::make_unique<pqxx::connection>(url);
  } catch (const std::exception& e) {
    return tl::unexpected(db.error("cannot connect", e.what()));
  }
  if (!schema.empty()) {
    ZKBENCH_TRY(db.transact("selecting schema '" + schema + "'", [&](pqxx::work& tx) -> Result<void> {
      const std::string name = tx.quote_name(schema);
      // Concurrent CREATE SCHEMA IF NOT EXISTS can still collide in the catalog: serialize them.
      tx.exec("SELECT pg_advisory_xact_lock(7234, hashtext(" + tx.quote(schema) + "))");
      tx.exec("CREATE SCHEMA IF NOT EXISTS " + name);
      tx.exec("SET search_path TO " + name);
      return {};
    }));
  }
  return db;
}

Error PgDb::error(std::string_view what, std::string_view message) const {
  std::string text(message);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  if (!m_password.empty()) {
    for (std::size_t at = text.find(m_password); at != std::string::npos; at = text.find(m_password, at)) {
      text.replace(at, m_password.size(), "***");
    }
  }
  return Error{fmt::format("store '{}': {}: {}", m_location, what, text)};
}

} // namespace zkbench::store
