#pragma once
// Helpers of the PostgreSQL fleet tests: a store URL of the test's own (schema per test folder) and
// processes started in the background (support/process.hpp).

#include <string>

#include <gtest/gtest.h>

#include "store/pg_db.hpp"
#include "support/postgres.hpp"
#include "support/process.hpp"

namespace zkbench::test {

/// The test server's URL pointing into a schema of its own for `folder` (created here).
inline std::string pg_store_url(const std::filesystem::path& folder) {
  const std::string schema = schema_for(folder);
  auto created = store::PgDb::connect(test_pg_url(), schema);
  EXPECT_TRUE(created) << (created ? "" : created.error().message);
  return url_with_schema(test_pg_url(), schema);
}

} // namespace zkbench::test
