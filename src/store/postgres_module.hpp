#pragma once
// The PostgreSQL backend (libpqxx, libpq) lives in a module loaded on first use, so commands that never
// touch PostgreSQL do not load libpq and what it pulls (OpenSSL, Kerberos, LDAP) at every start.
//
// The module, `zkbench-postgresql.so`, is built from pg_db.cpp, postgres_*.cpp and queue/pg_queue.cpp
// and exports the C entry points below; util::module_symbol finds it (next to the executable, in the
// install layout), or the program's own copy of the entry points (the tests link that code).

#include <memory>
#include <string>

#include "store/store.hpp"
#include "util/error.hpp"

/// The module's entry points (C linkage, so dlsym finds them by name); `out` receives the result.
extern "C" {
void zkbench_pg_open_store(const std::string* url, zkbench::Result<std::unique_ptr<zkbench::store::Store>>* out);
}

namespace zkbench::store {

/// The address of the module's entry point `name`, loading the module on the first call. Error: the
/// module is missing (the paths tried, and how to get it) or cannot be loaded (dlerror).
Result<void*> postgres_module_symbol(const char* name);

/// Opens the PostgreSQL store at `url` through the module (PostgresStore::open).
Result<std::unique_ptr<Store>> open_postgres_store(const std::string& url);

} // namespace zkbench::store
