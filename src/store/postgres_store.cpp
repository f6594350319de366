#include "store/postgres_store.hpp"

#include <limits>
#include <map>
#include <system_error>

#include <fmt/format.h>

#include "store/migrations.hpp"
#include "store/postgres_module.hpp"
#include "store/row_codec.hpp"
#include "util/clock.hpp"

namespace zkbench::store {

namespace {

// Any two numbers: the key of the advisory lock that serializes migrations of one schema.
constexpr int k_migration_lock = 7235;

Result<SessionRecord> read_session(const pqxx::row& row, const std::string& location) {
  SessionRecord record;
  record.id = pg_int(row[0]);
  record.info.kind = pg_text(row[1]);
  record.info.argv = pg_text(row[2]);
  record.info.host = pg_text(row[3]);
  record.info.working_dir = pg_text(row[4]);
  record.info.started_at_us = pg_int(row[5]);
  record.finished_at_us = pg_optional_int(row[6]);
  const std::string status = pg_text(row[7]);
  const auto parsed = session_status_from_string(status);
  if (!parsed) {
    return make_error(fmt::format("store '{}': session {} has unknown status '{}'", location, record.id, status));
  }
  record.status = *parsed;
  record.info.machine_class = pg_text(row[8]);
  record.benchmark_count = static_cast<std::size_t>(pg_int(row[9]));
  record.run_count = static_cast<std::size_t>(pg_int(row[10]));
  return record;
}

Result<std::vector<SessionRecord>> read_sessions(const pqxx::result& rows, const std::string& location) {
  std::vector<SessionRecord> sessions;
  for (const auto& row : rows) {
    ZKBENCH_TRY_ASSIGN(record, read_session(row, location));
    sessions.push_back(std::move(*record));
  }
  return sessions;
}

/// True when `table` exists in the connection's current schema.
bool has_table(pqxx::work& tx, const std::string& table) {
  return !pg_exec(tx, "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() "
                      "AND table_name = $1",
                  PgParams().add(table))
              .empty();
}

/// Fails (naming the store) unless a row with `id` exists in `table`; locks it until the end of the
/// transaction, so that writers below it (positions, run indexes) are serialized.
Result<void> lock_row(pqxx::work& tx, const char* table, const char* what, std::int64_t id,
                      const std::string& location) {
  // `table` is one of our own table names, never user input.
  if (pg_exec(tx, fmt::format("SELECT 1 FROM {} WHERE id = $1 FOR UPDATE", table), PgParams().add(id)).empty()) {
    return make_error(fmt::format("no {} {} in store '{}'", what, id, location));
  }
  return {};
}

void insert_run_details(pqxx::work& tx, std::int64_t run_id, const core::Run& run) {
  for (const auto& [name, value] : run.metrics) {
    pg_exec(tx, "INSERT INTO run_metrics (run_id, name, value) VALUES ($1, $2, $3)",
            PgParams().add(run_id).add(name).add(value));
  }
  if (run.gpu) {
    const core::GpuRunStats& stats = *run.gpu;
    pg_exec(tx,
            "INSERT INTO run_gpu (run_id, utilization_mean_pct, utilization_max_pct, memory_peak_bytes, "
            "temperature_start_c, temperature_max_c, energy_joules, throttled, throttle_reasons) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            PgParams()
                .add(run_id)
                .add(stats.utilization_mean_pct)
                .add(stats.utilization_max_pct)
                .add(stats.memory_peak_bytes)
                .add(stats.temperature_start_c)
                .add(stats.temperature_max_c)
                .add(stats.energy_joules)
                .add(std::int64_t{stats.throttled ? 1 : 0})
                .add(stats.throttle_reasons));
  }
}

Result<std::vector<core::Run>> load_runs(pqxx::work& tx, std::int64_t benchmark_id, const std::string& location) {
  const pqxx::result rows = pg_exec(tx, R"sql(
SELECT r.id, r.idx, r.wall_s, r.user_s, r.system_s, r.peak_rss_bytes, r.status, r.exit_code, r.signal,
       r.log_path, r.started_at_us, r.finished_at_us,
       g.run_id, g.utilization_mean_pct, g.utilization_max_pct, g.memory_peak_bytes,
       g.temperature_start_c, g.temperature_max_c, g.energy_joules, g.throttled, g.throttle_reasons
FROM runs r LEFT JOIN run_gpu g ON g.run_id = r.id
WHERE r.benchmark_id = $1 ORDER BY r.id)sql",
                                    PgParams().add(benchmark_id));
  std::vector<core::Run> runs;
  std::map<std::int64_t, std::size_t> position_of_run;
  for (const auto& row : rows) {
    core::Run run;
    run.index = static_cast<int>(pg_int(row[1]));
    run.wall_s = pg_double(row[2]);
    run.user_s = pg_double(row[3]);
    run.system_s = pg_double(row[4]);
    run.peak_rss_bytes = pg_int(row[5]);
    const std::string status = pg_text(row[6]);
    const auto parsed = run_status_from_string(status);
    if (!parsed) {
      return make_error(
          fmt::format("store '{}': run {} has unknown status '{}'", location, pg_int(row[0]), status));
    }
    run.status = *parsed;
    run.exit_code = narrow(pg_optional_int(row[7]));
    run.signal = narrow(pg_optional_int(row[8]));
    run.log_path = pg_text(row[9]);
    run.started_at_us = pg_int(row[10]);
    run.finished_at_us = pg_int(row[11]);
    if (!row[12].is_null()) {
      core::GpuRunStats gpu;
      gpu.utilization_mean_pct = pg_double(row[13]);
      gpu.utilization_max_pct = pg_double(row[14]);
      gpu.memory_peak_bytes = pg_double(row[15]);
      gpu.temperature_start_c = pg_double(row[16]);
      gpu.temperature_max_c = pg_double(row[17]);
      gpu.energy_joules = pg_double(row[18]);
      gpu.throttled = pg_int(row[19]) != 0;
      gpu.throttle_reasons = pg_text(row[20]);
      run.gpu = std::move(gpu);
    }
    position_of_run[pg_int(row[0])] = runs.size();
    runs.push_back(std::move(run));
  }
  const pqxx::result metrics = pg_exec(tx,
                                       "SELECT m.run_id, m.name, m.value FROM run_metrics m JOIN runs r ON "
                                       "m.run_id = r.id WHERE r.benchmark_id = $1",
                                       PgParams().add(benchmark_id));
  for (const auto& row : metrics) {
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
    tx.exec(fmt::format("SELECT pg_advisory_xact_lock({}, hashtext(current_schema()))", k_migration_lock));
    int current = 0;
    if (has_table(tx, "schema_migrations")) {
      current = static_cast<int>(pg_int(tx.exec1("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0]));
    } else if (pg_int(tx.exec1("SELECT COUNT(*) FROM information_schema.tables "
                               "WHERE table_schema = current_schema()")[0]) > 0) {
      return make_error(fmt::format("'{}' is a PostgreSQL database but not a zkbench store (its schema has "
                                    "tables but no schema_migrations)",
                                    db.location()));
    }
    if (current > latest_schema_version()) {
      return tl::unexpected(newer_schema_error(db.location(), current));
    }
    tx.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
            "description TEXT NOT NULL, applied_at_us BIGINT NOT NULL)");
    for (const Migration& migration : migrations()) {
      if (migration.version <= current || migration.version > target) {
        continue;
      }
      tx.exec(render_sql(migration, Dialect::postgresql));
      pg_exec(tx, "INSERT INTO schema_migrations (version, description, applied_at_us) VALUES ($1, $2, $3)",
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

Result<std::int64_t> PostgresStore::begin_session(const SessionInfo& info) {
  SessionRecord record;
  record.info = info;
  return import_session(record);
}

Result<std::int64_t> PostgresStore::import_session(const SessionRecord& record) {
  std::lock_guard lock(m_mutex);
  const SessionInfo& info = record.info;
  return m_db.transact("adding a session", [&](pqxx::work& tx) -> Result<std::int64_t> {
    return pg_int(pg_exec(tx,
                          "INSERT INTO sessions (kind, argv, host, working_dir, started_at_us, machine_class, "
                          "status, finished_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                          PgParams()
                              .add(info.kind)
                              .add(info.argv)
                              .add(info.host)
                              .add(info.working_dir)
                              .add(info.started_at_us)
                              .add(info.machine_class)
                              .add(to_string(record.status))
                              .add(record.finished_at_us))[0][0]);
  });
}

Result<void> PostgresStore::finish_session(std::int64_t session_id, SessionStatus status) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("finishing a session", [&](pqxx::work& tx) -> Result<void> {
    const pqxx::result done = pg_exec(tx, "UPDATE sessions SET status = $1, finished_at_us = $2 WHERE id = $3",
                                      PgParams().add(to_string(status)).add(util::unix_now_us()).add(session_id));
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
    ZKBENCH_TRY(lock_row(tx, "sessions", "session", session_id, location()));
    return pg_int(pg_exec(tx,
                          "INSERT INTO benchmarks (session_id, position, command, name, parameters) VALUES "
                          "($1, (SELECT COALESCE(MAX(position) + 1, 0) FROM benchmarks WHERE session_id = $1), "
                          "$2, $3, $4) RETURNING id",
                          PgParams()
                              .add(session_id)
                              .add(benchmark.command)
                              .add(benchmark.name)
                              .add(parameters_to_json(benchmark.parameters)))[0][0]);
  });
}

Result<std::int64_t> PostgresStore::add_run(std::int64_t benchmark_id, const core::Run& run) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("adding a run", [&](pqxx::work& tx) -> Result<std::int64_t> {
    ZKBENCH_TRY(lock_row(tx, "benchmarks", "benchmark", benchmark_id, location()));
    // Checked under the benchmark's row lock, so no unique violation (which would abort the
    // transaction) can happen below.
    if (!pg_exec(tx, "SELECT 1 FROM runs WHERE benchmark_id = $1 AND idx = $2",
                 PgParams().add(benchmark_id).add(run.index))
             .empty()) {
      return make_error(fmt::format("store '{}': benchmark {} already has a run with index {}", location(),
                                    benchmark_id, run.index));
    }
    const std::int64_t run_id = pg_int(pg_exec(tx,
                                               "INSERT INTO runs (benchmark_id, idx, wall_s, user_s, system_s, "
                                               "peak_rss_bytes, status, exit_code, signal, log_path, started_at_us, "
                                               "finished_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                                               "$11, $12) RETURNING id",
                                               PgParams()
                                                   .add(benchmark_id)
                                                   .add(run.index)
                                                   .add(run.wall_s)
                                                   .add(run.user_s)
                                                   .add(run.system_s)
                                                   .add(run.peak_rss_bytes)
                                                   .add(core::to_string(run.status))
                                                   .add(widen(run.exit_code))
                                                   .add(widen(run.signal))
                                                   .add(run.log_path)
                                                   .add(run.started_at_us)
                                                   .add(run.finished_at_us))[0][0]);
    insert_run_details(tx, run_id, run);
    return run_id;
  });
}

Result<std::vector<SessionRecord>> PostgresStore::list_sessions(std::size_t limit) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("listing sessions", [&](pqxx::work& tx) {
    const auto max = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
    return read_sessions(pg_exec(tx, std::string(k_session_select) +
                                         "ORDER BY s.started_at_us DESC, s.id DESC LIMIT $1",
                                 PgParams().add(static_cast<std::int64_t>(std::min(limit, max)))),
                         location());
  });
}

Result<SessionRecord> PostgresStore::get_session(std::int64_t session_id) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("reading a session", [&](pqxx::work& tx) -> Result<SessionRecord> {
    ZKBENCH_TRY_ASSIGN(sessions, read_sessions(pg_exec(tx, std::string(k_session_select) + "WHERE s.id = $1",
                                                       PgParams().add(session_id)),
                                               location()));
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
    tx.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
    if (pg_exec(tx, "SELECT 1 FROM sessions WHERE id = $1", PgParams().add(session_id)).empty()) {
      return make_error(fmt::format("no session {} in store '{}'", session_id, location()));
    }
    const pqxx::result rows = pg_exec(
        tx, "SELECT id, command, name, parameters FROM benchmarks WHERE session_id = $1 ORDER BY position",
        PgParams().add(session_id));
    std::vector<core::Benchmark> benchmarks;
    for (const auto& row : rows) {
      const std::int64_t benchmark_id = pg_int(row[0]);
      core::Benchmark benchmark;
      benchmark.command = pg_text(row[1]);
      benchmark.name = pg_optional_text(row[2]);
      ZKBENCH_TRY_ASSIGN(parameters, parameters_from_json(pg_text(row[3]), fmt::format("store '{}', benchmark {}",
                                                                                        location(), benchmark_id)));
      benchmark.parameters = std::move(*parameters);
      ZKBENCH_TRY_ASSIGN(runs, load_runs(tx, benchmark_id, location()));
      benchmark.runs = std::move(*runs);
      benchmarks.push_back(std::move(benchmark));
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
