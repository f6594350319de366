#include "store/postgres_module.hpp"

#include "util/shared_library.hpp"

namespace zkbench::store {

Result<void*> postgres_module_symbol(const char* name) {
  auto symbol = util::module_symbol("zkbench-postgresql.so", name);
  if (!symbol) {
    return make_error("PostgreSQL support is not available: " + symbol.error().message +
                      " (install zkbench with its PostgreSQL module, or build it: it needs libpqxx)");
  }
  return symbol;
}

Result<std::unique_ptr<Store>> open_postgres_store(const std::string& url) {
  ZKBENCH_TRY_ASSIGN(entry, postgres_module_symbol("zkbench_pg_open_store"));
  Result<std::unique_ptr<Store>> store = make_error("the PostgreSQL module returned nothing");
  reinterpret_cast<decltype(&zkbench_pg_open_store)>(*entry)(&url, &store);
  return store;
}

} // namespace zkbench::store
