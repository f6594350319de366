#pragma once
// Test helpers for the PostgreSQL tests (tests/pg/): the URL of the test server that
// scripts/pg-test-server.sh started for ctest (fixture `postgres`), and a schema name per test.

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/fixtures.hpp"

namespace zkbench::test {

/// The test server's URL: $ZKBENCH_TEST_PG_URL, else the file the start script wrote
/// (ZKBENCH_PG_URL_FILE). Fails the test loudly when neither is there: PostgreSQL tests never pass
/// without a server.
inline std::string test_pg_url() {
  if (const char* url = std::getenv("ZKBENCH_TEST_PG_URL"); url != nullptr && *url != '\0') {
    return url;
  }
  std::string url = read_file(ZKBENCH_PG_URL_FILE);
  while (!url.empty() && (url.back() == '\n' || url.back() == ' ')) {
    url.pop_back();
  }
  if (url.empty()) {
    ADD_FAILURE() << "no PostgreSQL test server: " << ZKBENCH_PG_URL_FILE
                  << " is missing (ctest starts one with scripts/pg-test-server.sh; or set ZKBENCH_TEST_PG_URL)";
  }
  return url;
}

/// A schema name of its own for the store identified by `path` (same path, same schema).
inline std::string schema_for(const std::filesystem::path& path) {
  return fmt::format("t_{:016x}", std::hash<std::string>{}(path.string()));
}

/// The test server's URL with every unqualified name in `schema` (libpq's options parameter).
inline std::string url_with_schema(const std::string& url, const std::string& schema) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
}

} // namespace zkbench::test
