// The SQLite backend: the Store contract on real files, plus what only SQLite has (journal mode,
// migrating files written by older versions, refusing files it must not touch).

#include <thread>

#include <gtest/gtest.h>
#include <unistd.h>

#include "store/migrations.hpp"
#include "store/sqlite_db.hpp"
#include "store/sqlite_store.hpp"
#include "support/fixtures.hpp"
#include "support/store_contract.hpp"

using zkbench::Result;
using zkbench::store::OpenFlags;
using zkbench::store::SqliteDb;
using zkbench::store::SqliteStore;
using zkbench::store::Store;
using zkbench::test::StoreContract;
using zkbench::test::TempDir;

namespace {

Result<std::unique_ptr<Store>> open_sqlite(const std::filesystem::path& path) {
  auto store = SqliteStore::open(path);
  if (!store) {
    return tl::unexpected(store.error());
  }
  return std::unique_ptr<Store>(std::move(*store));
}

SqliteDb raw_db(const std::filesystem::path& path) {
  auto db = SqliteDb::open(path, OpenFlags::read_write_create);
  EXPECT_TRUE(db) << db.error().message;
  return std::move(*db);
}

std::string query_text(SqliteDb& db, const std::string& sql) {
  auto stmt = db.prepare(sql);
  EXPECT_TRUE(stmt) << stmt.error().message;
  auto row = stmt->step();
  EXPECT_TRUE(row && *row) << sql;
  return stmt->column_text(0);
}

void exec_ok(SqliteDb& db, const std::string& sql) {
  const auto done = db.exec(sql);
  ASSERT_TRUE(done) << done.error().message;
}

} // namespace

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContract, testing::Values(zkbench::test::StoreBackend{"sqlite", open_sqlite}),
                         [](const auto& param_info) { return param_info.param.name; });

TEST(SqliteStore, a_new_file_gets_wal_journal_and_every_migration) {
  TempDir dir;
  const auto path = dir / "zkbench.db";
  auto store = SqliteStore::open(path);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ((*store)->schema_version(), zkbench::store::latest_schema_version());
  EXPECT_EQ((*store)->location(), path.string());

  SqliteDb db = raw_db(path);
  EXPECT_EQ(query_text(db, "PRAGMA journal_mode"), "wal");
  std::string versions;
  for (const auto& migration : zkbench::store::migrations()) {
    versions += (versions.empty() ? "" : ",") + std::to_string(migration.version);
  }
  EXPECT_EQ(query_text(db, "SELECT group_concat(version, ',') FROM (SELECT version FROM schema_migrations ORDER BY version)"),
            versions);
}

TEST(SqliteStore, migrates_a_version_1_file_and_keeps_its_data) {
  TempDir dir;
  const auto path = dir / "zkbench.db";
  {
    // A store as the first zkbench release wrote it, built by hand from version 1's SQL.
    SqliteDb db = raw_db(path);
    exec_ok(db, "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
                "applied_at_us BIGINT NOT NULL)");
    exec_ok(db, zkbench::store::render_sql(zkbench::store::migrations()[0], zkbench::store::Dialect::sqlite));
    exec_ok(db, "INSERT INTO schema_migrations VALUES (1, 'v1', 0)");
    exec_ok(db, "INSERT INTO sessions VALUES (7, 'run', 'zkbench run true', 'h', '/p', 100, 200, 'complete')");
    exec_ok(db, "INSERT INTO benchmarks VALUES (3, 7, 0, 'true', NULL, '{\"n\":\"1\"}')");
    exec_ok(db, "INSERT INTO runs VALUES (5, 3, 0, 0.25, 0.125, 0.0625, 1024, 'success', 0, NULL, "
                "'/l.log', 100, 150)");
    exec_ok(db, "INSERT INTO run_metrics VALUES (5, 'steps', NULL)");
    ASSERT_EQ(*zkbench::store::read_schema_version(db), 1);
  }
  auto store = SqliteStore::open(path);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ((*store)->schema_version(), zkbench::store::latest_schema_version());
  const auto loaded = (*store)->load_benchmarks(7);
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_EQ(loaded->size(), 1U);
  EXPECT_EQ((*loaded)[0].parameters.at("n"), "1");
  ASSERT_EQ((*loaded)[0].runs.size(), 1U);
  const auto& run = (*loaded)[0].runs[0];
  EXPECT_EQ(run.wall_s, 0.25);
  EXPECT_EQ(run.peak_rss_bytes, 1024);
  EXPECT_EQ(run.metrics.at("steps"), std::nullopt);
  EXPECT_FALSE(run.gpu.has_value());

  // Version 2's table is usable on the migrated file.
  zkbench::core::Run with_gpu = run;
  with_gpu.index = 1;
  with_gpu.gpu = zkbench::core::GpuRunStats{50, 90, 1e9, 40, 70, 100, false, ""};
  ASSERT_TRUE((*store)->add_run(3, with_gpu));
  EXPECT_TRUE((*(*store)->load_benchmarks(7))[0].runs[1].gpu.has_value());
}

TEST(SqliteStore, refuses_a_file_with_a_newer_schema) {
  const int future = zkbench::store::latest_schema_version() + 1;
  TempDir dir;
  const auto path = dir / "zkbench.db";
  ASSERT_TRUE(SqliteStore::open(path));
  {
    SqliteDb db = raw_db(path);
    exec_ok(db, "INSERT INTO schema_migrations VALUES (" + std::to_string(future) + ", 'from the future', 0)");
  }
  const auto reopened = SqliteStore::open(path);
  ASSERT_FALSE(reopened);
  EXPECT_EQ(reopened.error().message,
            "store '" + path.string() + "' has schema version " + std::to_string(future) + ", this zkbench knows up to " +
                std::to_string(zkbench::store::latest_schema_version()) + ": upgrade zkbench");
}

TEST(SqliteStore, a_file_that_is_not_a_database_is_an_error_naming_it) {
  TempDir dir;
  const auto path = dir / "zkbench.db";
  std::string garbage(8192, '\0');
  for (std::size_t i = 0; i < garbage.size(); ++i) {
    garbage[i] = static_cast<char>((i * 7919) % 251);
  }
  zkbench::test::write_file(path, garbage);
  const auto opened = SqliteStore::open(path);
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find(path.string()), std::string::npos) << opened.error().message;
  EXPECT_NE(opened.error().message.find("not a database"), std::string::npos) << opened.error().message;
  EXPECT_EQ(zkbench::test::read_file(path), garbage); // left as it was
}

TEST(SqliteStore, an_sqlite_database_of_another_program_is_not_written_into) {
  TempDir dir;
  const auto path = dir / "other.db";
  {
    SqliteDb db = raw_db(path);
    exec_ok(db, "CREATE TABLE contacts (name TEXT)");
  }
  const auto opened = SqliteStore::open(path);
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find("not a zkbench store"), std::string::npos) << opened.error().message;
  SqliteDb db = raw_db(path);
  EXPECT_EQ(query_text(db, "SELECT COUNT(*) FROM sqlite_master"), "1");
}

TEST(SqliteStore, a_read_only_location_is_an_error_naming_the_file) {
  TempDir dir;
  std::filesystem::path path = dir / "ro/zkbench.db";
  if (::geteuid() == 0) {
    // Root ignores permission bits; procfs refuses new files even to root.
    path = "/proc/zkbench-test.db";
  } else {
    std::filesystem::create_directories(dir / "ro");
    std::filesystem::permissions(dir / "ro", std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  }
  const auto opened = SqliteStore::open(path);
  std::error_code ignored;
  std::filesystem::permissions(dir / "ro", std::filesystem::perms::owner_all, ignored);
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find("cannot open store '" + path.string() + "'"), std::string::npos)
      << opened.error().message;
}

TEST(SqliteStore, an_empty_existing_file_becomes_a_store) {
  TempDir dir;
  const auto path = dir / "zkbench.db";
  zkbench::test::write_file(path, "");
  const auto opened = SqliteStore::open(path);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ((*opened)->schema_version(), zkbench::store::latest_schema_version());
}

TEST(SqliteStore, several_processes_creating_one_new_file_all_succeed) {
  TempDir dir;
  const auto path = dir / "zkbench.db";
  constexpr int k_openers = 4;
  std::vector<std::thread> threads;
  std::vector<int> versions(k_openers, -1);
  std::vector<std::string> errors(k_openers);
  for (int i = 0; i < k_openers; ++i) {
    threads.emplace_back([&, i] {
      auto store = SqliteStore::open(path);
      if (store) {
        versions[static_cast<std::size_t>(i)] = (*store)->schema_version();
      } else {
        errors[static_cast<std::size_t>(i)] = store.error().message;
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  for (int i = 0; i < k_openers; ++i) {
    EXPECT_EQ(versions[static_cast<std::size_t>(i)], zkbench::store::latest_schema_version())
        << errors[static_cast<std::size_t>(i)];
  }
  SqliteDb db = raw_db(path);
  EXPECT_EQ(query_text(db, "SELECT COUNT(*) FROM schema_migrations"),
            std::to_string(zkbench::store::latest_schema_version()));
}

TEST(SqliteStore, a_session_of_gated_runs_is_not_checkpointed_before_the_wal_reaches_its_length) {
  // 600 gated runs write about 1,800 WAL pages (three a run: the row, its index entry and its run_load
  // row): past SQLite's default of 1,000, at which a commit in the middle of the loop would checkpoint
  // (two fdatasyncs between two runs).
  TempDir dir;
  const auto path = dir / "zkbench.db";
  auto store = SqliteStore::open(path);
  ASSERT_TRUE(store) << store.error().message;
  const auto session = (*store)->begin_session({"run", "zkbench run true", "host", "/", 1, ""});
  ASSERT_TRUE(session) << session.error().message;
  zkbench::core::Benchmark bench;
  bench.command = "true";
  const auto bench_id = (*store)->add_benchmark(*session, bench);
  ASSERT_TRUE(bench_id) << bench_id.error().message;
  for (int i = 0; i < 600; ++i) {
    zkbench::core::Run run;
    run.index = i;
    run.wall_s = 0.001;
    run.contention = zkbench::core::RunContention{0.01, 0.2, false, "", 0, 0};
    const auto added = (*store)->add_run(*bench_id, run);
    ASSERT_TRUE(added) << added.error().message;
  }
  // A passive checkpoint from another connection reports the WAL's length in frames: every frame
  // since the session began, none of them checkpointed and the log restarted.
  SqliteDb db = raw_db(path);
  auto stmt = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
  ASSERT_TRUE(stmt) << stmt.error().message;
  const auto row = stmt->step();
  ASSERT_TRUE(row && *row);
  const std::int64_t frames = stmt->column_int(1);
  EXPECT_GT(frames, 1000);
  EXPECT_LT(frames, SqliteStore::k_wal_autocheckpoint_pages);
}

TEST(SqliteStore, version_9_keeps_each_runs_contention_figures_in_run_load) {
  // A store of schema 8: one gated run (its figures in run_contention), one measured without the gate.
  TempDir dir;
  const auto path = dir / "zkbench.db";
  {
    auto db = SqliteDb::open(path, OpenFlags::read_write_create);
    ASSERT_TRUE(db) << db.error().message;
    ASSERT_EQ(*zkbench::store::apply_migrations(*db, 8), 8);
    ASSERT_TRUE(db->exec(
        "INSERT INTO sessions (id, kind, argv, host, working_dir, started_at_us, status) VALUES "
        "(1, 'run', 'a', 'h', '/', 1, 'complete');"
        "INSERT INTO benchmarks (id, session_id, position, command, parameters) VALUES (1, 1, 0, 'true', '{}');"
        "INSERT INTO runs (id, benchmark_id, idx, wall_s, user_s, system_s, peak_rss_bytes, status, log_path, "
        "started_at_us, finished_at_us) VALUES (7, 1, 0, 0.5, 0, 0, 1, 'success', '', 1, 2), "
        "(8, 1, 1, 0.6, 0, 0, 1, 'success', '', 3, 4);"
        "INSERT INTO run_contention VALUES (7, 1.25, 0.2, 1, 'cc1plus (2 processes, 1.2 cores)', 1, 3.5);"));
  }
  auto store = SqliteStore::open(path);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ((*store)->schema_version(), zkbench::store::latest_schema_version());
  const auto benchmarks = (*store)->load_benchmarks(1);
  ASSERT_TRUE(benchmarks) << benchmarks.error().message;
  ASSERT_EQ(benchmarks->size(), 1u);
  const auto& runs = benchmarks->front().runs;
  ASSERT_EQ(runs.size(), 2u);
  ASSERT_TRUE(runs[0].contention.has_value());
  EXPECT_DOUBLE_EQ(runs[0].contention->foreign_cores, 1.25);
  EXPECT_DOUBLE_EQ(runs[0].contention->limit_cores, 0.2);
  EXPECT_TRUE(runs[0].contention->contended);
  EXPECT_EQ(runs[0].contention->top, "cc1plus (2 processes, 1.2 cores)");
  EXPECT_EQ(runs[0].contention->gpu_processes, 1);
  EXPECT_DOUBLE_EQ(runs[0].contention->waited_s, 3.5);
  EXPECT_FALSE(runs[1].contention.has_value()); // measured without the gate: still none
  // Version 10: runs stored before it have no CPU wait (unknown, not zero): their time is judged as wall time.
  EXPECT_FALSE(runs[0].cpu_wait_s.has_value());
  EXPECT_FALSE(runs[1].cpu_wait_s.has_value());
  SqliteDb db = raw_db(path);
  EXPECT_EQ(query_text(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'run_contention'"), "0");
  // Keyed by the rowid: no index beside the table (one WAL page less per gated run).
  EXPECT_EQ(query_text(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'run_load'"), "0");
}
