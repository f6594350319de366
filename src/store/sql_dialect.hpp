#pragma once
// One SQL text for both databases, rendered per dialect. The store's statements (store_sql.hpp), its
// migrations (migrations.cpp) and the job queue's statements (queue/job_sql.hpp) are written once in
// the SQL that SQLite and PostgreSQL share; render_sql() turns such a text into one dialect's SQL.
//
// What a shared text may contain besides plain SQL:
// - parameters `$1`, `$2`, ...: kept for PostgreSQL, `?1`, `?2`, ... for SQLite. Both bind them by
//   number, so a parameter may repeat or appear out of order;
// - `{id}`: the auto-generated 64-bit primary key column (INTEGER PRIMARY KEY / identity column);
// - `{blob}`: the type of a column of bytes (BLOB / BYTEA);
// - `{blob_in:$N}`, `{blob_out:column}`: bytes in and out. SQLite binds and reads them as they are;
//   PostgreSQL parameters and results travel as text here, so the bytes cross as hex
//   (decode / encode on the server; PgParams::add(Blob) sends the hex);
// - `{returning_id}`: PostgreSQL returns the new row's id (` RETURNING id`); SQLite adds nothing and
//   its caller reads the connection's last insert id;
// - `{for_update}`, `{for_key_share}`, `{skip_locked}`: PostgreSQL row locks (` FOR UPDATE`,
//   ` FOR KEY SHARE`, ` FOR UPDATE SKIP LOCKED`); SQLite adds nothing, since a writer there holds the
//   whole database from BEGIN IMMEDIATE to COMMIT.
// Inside a quoted string ('...') or identifier ("...") nothing is rewritten. Any other `{...}` is left
// as it is (the database then reports it as a syntax error).

#include <string>
#include <string_view>

namespace zkbench::store {

enum class Dialect { sqlite, postgresql };

/// Bytes bound as a parameter of `{blob_in:$N}` (any bytes, NULs included).
struct Blob {
  std::string_view bytes;
};

/// `text` (see above) in `dialect`'s SQL.
std::string render_sql(std::string_view text, Dialect dialect);

} // namespace zkbench::store
