#include "store/postgres_store.hpp"

#include <limits>
#include <map>
#include <system_error>

#include <fmt/format.h>

#include "store/migrations.hpp"
#include "store/postgres_module.hpp"
#include "store/row_codec.hpp"
#include "store/store_sql.hpp"
#include "util/clock.hpp"

namespace zkbench::store {

namespace {

// Any two numbers: the keys of the advisory locks (sql::k_pg_advisory_lock) that serialize migrations
// of one schema, and experiment number assignment (postgres_workflow.cpp).
constexpr int k_migration_lock = 7235;

Result<std::vector<SessionRecord>> read_sessions(const pqxx::result& rows, const std::string& location) {
  std::vector<SessionRecord> sessions;
  for (const auto& row : rows) {
    ZKBENCH_TRY_ASSIGN(record, read_session(PgRow{row}, location));
    sessions.push_back(std::move(*record));
  }
  return sessions;
}

/// True when `table` exists in the connection's current schema.
bool has_table(pqxx::work& tx, const std::string& table) {
  return !pg_exec_shared(tx, sql::k_pg_has_table, PgParams().add(table)).empty();
}

void insert_run_details(pqxx::work& tx, std::int64_t run_id, const core::Run& run) {
  for (const auto& [name, value] : run.metrics) {
    pg_exec_shared(tx, sql::k_insert_run_metric, PgParams().add(run_id).add(name).add(value));
  }
  if (run.gpu) {
    PgParams params;
    pg_exec_shared(tx, sql::k_insert_run_gpu, gpu_params(params, run_id, *run.gpu));
  }
  if (run.contention) {
    PgParams params;
    pg_exec_shared(tx, sql::k_insert_run_contention, contention_params(params, run_id, *run.contention));
  }
}

Result<std::vector<core::Run>> load_runs(pqxx::work& tx, std::int64_t benchmark_id, const std::string& location) {
  std::vector<core::Run> runs;
  std::map<std::int64_t, std::size_t> position_of_run;
  for (const auto& row : pg_exec_shared(tx, sql::k_list_runs, PgParams().add(benchmark_id))) {
    ZKBENCH_TRY_ASSIGN(run, read_run(PgRow{row}, location));
    position_of_run[pg_int(row[0])] = runs.size();
    runs.push_back(std::move(*run));
  }
  for (const auto& row : pg_exec_shared(tx, sql::k_list_run_metrics, PgParams().add(benchmark_id))) {
    const auto position = position_of_run.find(pg_int(row[0]));
    if (position != position_of_run.end()) {
      runs[position->second].metrics[pg_text(row[1])] = pg_optional_double(row[2]);
    }
  }
  return runs;
}

} // namespace

Result<int> apply_pg_migrations(PgDb& db, int target) {
  return db.transact("migrating", [&](pqxx::work& tx) -> Result<int> {
    pg_exec_shared(tx, sql::k_pg_advisory_lock, PgParams().add(k_migration_lock));
    int current = 0;
    if (has_table(tx, "schema_migrations")) {
      current = static_cast<int>(pg_int(pg_exec_shared(tx, sql::k_schema_version)[0][0]));
    } else if (pg_int(pg_exec_shared(tx, sql::k_pg_count_tables)[0][0]) > 0) {
      return make_error(fmt::format("'{}' is a PostgreSQL database but not a zkbench store (its schema has "
                                    "tables but no schema_migrations)",
                                    db.location()));
    }
    if (current > latest_schema_version()) {
      return tl::unexpected(newer_schema_error(db.location(), current));
    }
    pg_exec_shared(tx, sql::k_create_migrations_table);
    for (const Migration& migration : migrations()) {
      if (migration.version <= current || migration.version > target) {
        continue;
      }
      tx.exec(render_sql(migration, Dialect::postgresql));
      pg_exec_shared(tx, sql::k_record_migration,
                     PgParams().add(migration.version).add(migration.description).add(util::unix_now_us()));
      current = migration.version;
    }
    return current;
  });
}

Result<std::unique_ptr<PostgresStore>> PostgresStore::open(const std::string& url, const std::string& schema) {
  ZKBENCH_TRY_ASSIGN(db, PgDb::connect(url, schema));
  ZKBENCH_TRY_ASSIGN(version, apply_pg_migrations(*db, latest_schema_version()));
  std::error_code ec;
  std::filesystem::path artifacts = std::filesystem::current_path(ec) / ".zkbench" / "artifacts";
  return std::unique_ptr<PostgresStore>(new PostgresStore(std::move(*db), *version, std::move(artifacts)));
}

std::filesystem::path PostgresStore::artifacts_dir() const {
  std::error_code ignored;
  std::filesystem::create_directories(m_artifacts_dir, ignored);
  return m_artifacts_dir;
}

Result<void> PostgresStore::require_row(pqxx::work& tx, const char* find_sql, const char* what, std::int64_t id) {
  if (pg_exec_shared(tx, find_sql, PgParams().add(id)).empty()) {
    return make_error(fmt::format("no {} {} in store '{}'", what, id, location()));
  }
  return {};
}

Result<std::int64_t> PostgresStore::begin_session(const SessionInfo& info) {
  SessionRecord record;
  record.info = info;
  return import_session(record);
}

Result<std::int64_t> PostgresStore::import_session(const SessionRecord& record) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("adding a session", [&](pqxx::work& tx) -> Result<std::int64_t> {
    PgParams params;
    return pg_insert(tx, sql::k_insert_session, session_params(params, record));
  });
}

Result<void> PostgresStore::finish_session(std::int64_t session_id, SessionStatus status) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("finishing a session", [&](pqxx::work& tx) -> Result<void> {
    const PgParams params = PgParams().add(to_string(status)).add(util::unix_now_us()).add(session_id);
    const pqxx::result done = pg_exec_shared(tx, sql::k_finish_session, params);
    if (done.affected_rows() == 0) {
      return make_error(fmt::format("no session {} in store '{}'", session_id, location()));
    }
    return {};
  });
}

Result<std::int64_t> PostgresStore::add_benchmark(std::int64_t session_id, const core::Benchmark& benchmark) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("adding a benchmark", [&](pqxx::work& tx) -> Result<std::int64_t> {
    // The session's row lock makes the position computation below atomic between writers.
    ZKBENCH_TRY(require_row(tx, sql::k_find_session_for_update, "session", session_id));
    return pg_insert(tx, sql::k_insert_benchmark,
                     PgParams()
                         .add(session_id)
                         .add(benchmark.command)
                         .add(benchmark.name)
                         .add(parameters_to_json(benchmark.parameters)));
  });
}

Result<std::int64_t> PostgresStore::add_run(std::int64_t benchmark_id, const core::Run& run) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("adding a run", [&](pqxx::work& tx) -> Result<std::int64_t> {
    ZKBENCH_TRY(require_row(tx, sql::k_find_benchmark_for_update, "benchmark", benchmark_id));
    // Checked under the benchmark's row lock, so no unique violation (which would abort the
    // transaction) can happen below.
    if (!pg_exec_shared(tx, sql::k_pg_run_index_taken, PgParams().add(benchmark_id).add(run.index)).empty()) {
      return make_error(fmt::format("store '{}': benchmark {} already has a run with index {}", location(),
                                    benchmark_id, run.index));
    }
    PgParams params;
    const std::int64_t run_id = pg_insert(tx, sql::k_insert_run, run_params(params, benchmark_id, run));
    insert_run_details(tx, run_id, run);
    return run_id;
  });
}

Result<void> PostgresStore::update_contention(std::span<const std::pair<std::int64_t, core::RunContention>> runs) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("updating runs' contention", [&](pqxx::work& tx) -> Result<void> {
    for (const auto& [run_id, contention] : runs) {
      PgParams params;
      if (pg_exec_shared(tx, sql::k_update_run_contention, contention_params(params, run_id, contention))
              .affected_rows() == 0) {
        return make_error(fmt::format("store '{}': run {} has no contention figures to update", location(), run_id));
      }
    }
    return {};
  });
}

Result<std::vector<SessionRecord>> PostgresStore::list_sessions(std::size_t limit) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("listing sessions", [&](pqxx::work& tx) {
    const auto max = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
    return read_sessions(
        pg_exec_shared(tx, sql::k_list_sessions, PgParams().add(static_cast<std::int64_t>(std::min(limit, max)))),
        location());
  });
}

Result<SessionRecord> PostgresStore::get_session(std::int64_t session_id) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("reading a session", [&](pqxx::work& tx) -> Result<SessionRecord> {
    ZKBENCH_TRY_ASSIGN(sessions,
                       read_sessions(pg_exec_shared(tx, sql::k_get_session, PgParams().add(session_id)), location()));
    if (sessions->empty()) {
      return make_error(fmt::format("no session {} in store '{}'", session_id, location()));
    }
    return std::move(sessions->front());
  });
}

Result<std::vector<core::Benchmark>> PostgresStore::load_benchmarks(std::int64_t session_id) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("loading benchmarks", [&](pqxx::work& tx) -> Result<std::vector<core::Benchmark>> {
    // One snapshot for every SELECT: a concurrent writer cannot show half a run.
    pg_exec_shared(tx, sql::k_pg_read_snapshot);
    ZKBENCH_TRY(require_row(tx, sql::k_find_session, "session", session_id));
    std::vector<core::Benchmark> benchmarks;
    for (const auto& row : pg_exec_shared(tx, sql::k_list_benchmarks, PgParams().add(session_id))) {
      ZKBENCH_TRY_ASSIGN(benchmark, read_benchmark(PgRow{row}, location()));
      ZKBENCH_TRY_ASSIGN(runs, load_runs(tx, pg_int(row[0]), location()));
      benchmark->runs = std::move(*runs);
      benchmarks.push_back(std::move(*benchmark));
    }
    return benchmarks;
  });
}

} // namespace zkbench::store

// The module's entry point (store/postgres_module.hpp): open_store reaches PostgresStore through it.
extern "C" void zkbench_pg_open_store(const std::string* url,
                                      zkbench::Result<std::unique_ptr<zkbench::store::Store>>* out) {
  auto store = zkbench::store::PostgresStore::open(*url);
  if (store) {
    *out = std::unique_ptr<zkbench::store::Store>(std::move(*store));
  } else {
    *out = tl::unexpected(std::move(store.error()));
  }
}
