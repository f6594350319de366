// The PostgreSQL backend against a real server (started by ctest's `postgres` fixture): the whole
// Store contract, each test in a schema of its own, plus what only PostgreSQL has.

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "store/migrations.hpp"
#include "store/pg_db.hpp"
#include "store/postgres_store.hpp"
#include "support/postgres.hpp"
#include "support/store_contract.hpp"

using zkbench::Result;
using zkbench::store::PgDb;
using zkbench::store::PostgresStore;
using zkbench::store::Store;
using zkbench::test::schema_for;
using zkbench::test::StoreContract;
using zkbench::test::test_pg_url;

namespace {

Result<std::unique_ptr<Store>> open_postgres(const std::filesystem::path& path) {
  auto store = PostgresStore::open(test_pg_url(), schema_for(path));
  if (!store) {
    return tl::unexpected(store.error());
  }
  return std::unique_ptr<Store>(std::move(*store));
}

} // namespace

INSTANTIATE_TEST_SUITE_P(Postgres, StoreContract,
                         testing::Values(zkbench::test::StoreBackend{"postgresql", open_postgres}),
                         [](const auto& param_info) { return param_info.param.name; });

TEST(PostgresStore, open_store_picks_postgresql_for_a_url_and_migrates_it) {
  zkbench::test::TempDir dir;
  const std::string url = zkbench::test::url_with_schema(test_pg_url(), schema_for(dir.path()));
  {
    // The schema must exist before a URL can point into it.
    auto db = PgDb::connect(test_pg_url(), schema_for(dir.path()));
    ASSERT_TRUE(db) << db.error().message;
  }
  const auto opened = zkbench::store::open_store(url);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ((*opened)->schema_version(), zkbench::store::latest_schema_version());
  EXPECT_EQ((*opened)->location(), url);
}

TEST(PostgresStore, refuses_a_schema_with_foreign_tables) {
  zkbench::test::TempDir dir;
  auto db = PgDb::connect(test_pg_url(), schema_for(dir.path()));
  ASSERT_TRUE(db) << db.error().message;
  ASSERT_TRUE(db->transact("setup", [](pqxx::work& tx) -> Result<void> {
    tx.exec("CREATE TABLE customers (id INTEGER)");
    return {};
  }));
  const auto opened = PostgresStore::open(test_pg_url(), schema_for(dir.path()));
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find("not a zkbench store"), std::string::npos) << opened.error().message;
}

TEST(PostgresStore, refuses_a_store_with_a_newer_schema) {
  zkbench::test::TempDir dir;
  {
    auto store = PostgresStore::open(test_pg_url(), schema_for(dir.path()));
    ASSERT_TRUE(store) << store.error().message;
  }
  auto db = PgDb::connect(test_pg_url(), schema_for(dir.path()));
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->transact("setup", [](pqxx::work& tx) -> Result<void> {
    tx.exec("INSERT INTO schema_migrations VALUES (999, 'future', 0)");
    return {};
  }));
  const auto opened = PostgresStore::open(test_pg_url(), schema_for(dir.path()));
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find("schema version 999"), std::string::npos) << opened.error().message;
}

TEST(PostgresStore, concurrent_openers_migrate_once) {
  zkbench::test::TempDir dir;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      if (!PostgresStore::open(test_pg_url(), schema_for(dir.path()))) {
        ++failures;
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(failures.load(), 0);
  auto db = PgDb::connect(test_pg_url(), schema_for(dir.path()));
  ASSERT_TRUE(db);
  const auto count = db->transact("count", [](pqxx::work& tx) -> Result<std::int64_t> {
    return zkbench::store::pg_int(tx.exec1("SELECT COUNT(*) FROM schema_migrations")[0]);
  });
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, zkbench::store::latest_schema_version());
}

TEST(PostgresStore, version_6_gives_existing_baselines_the_class_of_their_first_session) {
  zkbench::test::TempDir dir;
  auto db = PgDb::connect(test_pg_url(), schema_for(dir.path()));
  ASSERT_TRUE(db) << db.error().message;
  const auto v5 = zkbench::store::apply_pg_migrations(*db, 5);
  ASSERT_TRUE(v5) << v5.error().message;
  ASSERT_EQ(*v5, 5);
  ASSERT_TRUE(db->transact("setup", [](pqxx::work& tx) -> Result<void> {
    tx.exec("INSERT INTO sessions (id, kind, argv, host, working_dir, started_at_us, status, machine_class) VALUES "
            "(1, 'run', 'a', 'h', '/', 1, 'complete', 'h100'), (2, 'run', 'b', 'h', '/', 2, 'complete', 'rtx3090')");
    tx.exec("INSERT INTO baselines (id, commit_sha, environment, created_at_us) VALUES (1, 'c1', '', 1), "
            "(2, 'c2', '', 2), (3, 'c3', '', 3)");
    tx.exec("INSERT INTO baseline_inputs (baseline_id, position, input, output_hash, session_id) VALUES "
            "(1, 1, 'late', 'h', 2), (1, 0, 'first', 'h', 1), (2, 0, 'only', 'h', 2)");
    return {};
  }));
  auto store = PostgresStore::open(test_pg_url(), schema_for(dir.path()));
  ASSERT_TRUE(store) << store.error().message;
  const auto baselines = (*store)->list_baselines();
  ASSERT_TRUE(baselines) << baselines.error().message;
  ASSERT_EQ(baselines->size(), 3U);
  EXPECT_EQ((*baselines)[0].machine_class, "h100");
  EXPECT_EQ((*baselines)[0].inputs.front().input, "first");
  EXPECT_EQ((*baselines)[1].machine_class, "rtx3090");
  EXPECT_EQ((*baselines)[2].machine_class, ""); // no inputs
}
