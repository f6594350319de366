#pragma once
// The store's schema, as an ordered list of migrations, and the mechanism that applies them.
//
// Every backend keeps the same versions: version N means the same tables and columns on SQLite and
// on PostgreSQL. The SQL is written in the dialect both accept (INTEGER, BIGINT, DOUBLE PRECISION,
// TEXT; timestamps as BIGINT microseconds since the Unix epoch; booleans as INTEGER 0/1; JSON as TEXT).
// The constructs that differ are spelled as placeholders and rendered per dialect by render_sql()
// (sql_dialect.hpp): `{id}` (the auto-generated id column) and `{blob}` (a column of bytes).
//
// Applied versions are recorded in a `schema_migrations` table (version, description, applied_at_us);
// the store's schema version is its largest version. A database without that table but with other
// tables is not a zkbench store and is refused rather than written into.
//
// Rules for adding a migration: append, never edit or renumber one that has shipped; each migration
// must be safe to run inside one transaction.

#include <span>
#include <string>

#include "store/sql_dialect.hpp"
#include "util/error.hpp"

namespace zkbench::store {

class SqliteDb;

struct Migration {
  int version;             // 1, 2, 3, ... contiguous
  const char* description; // one line, recorded in schema_migrations
  const char* sql;         // statements separated by ';', with `{id}` and `{blob}` placeholders
};

/// All migrations, in ascending version order.
std::span<const Migration> migrations();

/// The schema version this binary creates and understands (the last migration's version).
int latest_schema_version();

/// The SQL of `migration` for `dialect` (`{id}` -> the dialect's auto-generated BIGINT primary key,
/// `{blob}` -> BLOB / BYTEA).
std::string render_sql(const Migration& migration, Dialect dialect);

/// The error for a store written by a newer zkbench:
/// "store 'X' has schema version 5, this zkbench knows up to 2: upgrade zkbench".
Error newer_schema_error(const std::string& location, int found);

/// Brings the SQLite database `db` to schema version `target` (default: the latest) in one write
/// transaction, recording each applied migration, and returns the resulting version. Concurrent
/// openers serialize on the write lock; the second finds nothing left to do.
/// Errors: a schema newer than this binary knows (newer_schema_error), a database that is not a zkbench
/// store, or SQLite's error (naming the file).
Result<int> apply_migrations(SqliteDb& db, int target = latest_schema_version());

/// The schema version recorded in `db` (0 for an empty database), without changing anything.
Result<int> read_schema_version(SqliteDb& db);

} // namespace zkbench::store
