#include "store/sqlite_store.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <system_error>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "store/migrations.hpp"
#include "store/row_codec.hpp"
#include "util/clock.hpp"

namespace zkbench::store {

namespace {

using util::unix_now_us;

Result<SessionRecord> read_session(const Statement& row, const std::string& location) {
  SessionRecord record;
  record.id = row.column_int(0);
  record.info.kind = row.column_text(1);
  record.info.argv = row.column_text(2);
  record.info.host = row.column_text(3);
  record.info.working_dir = row.column_text(4);
  record.info.started_at_us = row.column_int(5);
  record.finished_at_us = row.column_optional_int(6);
  const std::string status = row.column_text(7);
  const auto parsed = session_status_from_string(status);
  if (!parsed) {
    return make_error(fmt::format("store '{}': session {} has unknown status '{}'", location, record.id, status));
  }
  record.status = *parsed;
  record.info.machine_class = row.column_text(8);
  record.benchmark_count = static_cast<std::size_t>(row.column_int(9));
  record.run_count = static_cast<std::size_t>(row.column_int(10));
  return record;
}

} // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::filesystem::path& path) {
  ZKBENCH_TRY_ASSIGN(db, SqliteDb::open(path, OpenFlags::read_write_create));
  // The busy timeout first, so that switching to WAL and migrating wait for other processes too.
  ZKBENCH_TRY(db->set_busy_timeout(k_busy_timeout_ms));
  // synchronous before journal_mode: the switch of a new file to WAL then costs fewer fsyncs.
  // Several processes opening one new file race to switch it to WAL. SQLite answers some of those
  // races with "busy" at once, without waiting (a connection that holds a read lock and wants the
  // exclusive one would otherwise deadlock with another doing the same), so the set-up is retried
  // here within the same timeout.
  const auto give_up_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(k_busy_timeout_ms);
  for (const char* pragma : {"PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL", "PRAGMA journal_mode = WAL"}) {
    for (auto pause = std::chrono::milliseconds(1);; pause = std::min(pause * 2, std::chrono::milliseconds(100))) {
      if (db->exec(pragma)) {
        break;
      }
      if (!db->last_was_busy() || std::chrono::steady_clock::now() >= give_up_at) {
        // The first statement that reads the file is where SQLite notices it is not a database.
        return make_error(fmt::format("cannot open store '{}': {}", path.string(), db->last_error()));
      }
      std::this_thread::sleep_for(pause);
    }
  }
  ZKBENCH_TRY_ASSIGN(version, apply_migrations(*db));
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  std::filesystem::path artifacts = (ec ? path : absolute).parent_path() / "artifacts";
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(*db), *version, std::move(artifacts)));
}

std::filesystem::path SqliteStore::artifacts_dir() const {
  // Best effort: a caller that cannot create a file there reports the path and the reason.
  std::error_code ignored;
  std::filesystem::create_directories(m_artifacts_dir, ignored);
  return m_artifacts_dir;
}

Result<Statement*> SqliteStore::cached(const std::string& sql) {
  if (auto it = m_statements.find(sql); it != m_statements.end()) {
    it->second.reset();
    return &it->second;
  }
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(sql));
  return &m_statements.emplace(sql, std::move(*stmt)).first->second;
}

Result<void> SqliteStore::require_row(const char* table, const char* what, std::int64_t id) {
  // `table` is one of our own table names, never user input.
  ZKBENCH_TRY_ASSIGN(stmt, cached(fmt::format("SELECT 1 FROM {} WHERE id = ?", table)));
  ZKBENCH_TRY((*stmt)->bind(1, id));
  ZKBENCH_TRY_ASSIGN(found, (*stmt)->step());
  (*stmt)->reset(); // no read cursor left open past this check
  if (!*found) {
    return make_error(fmt::format("no {} {} in store '{}'", what, id, location()));
  }
  return {};
}

Result<std::int64_t> SqliteStore::begin_session(const SessionInfo& info) {
  SessionRecord record;
  record.info = info;
  return import_session(record);
}

Result<std::int64_t> SqliteStore::import_session(const SessionRecord& record) {
  std::lock_guard lock(m_mutex);
  const SessionInfo& info = record.info;
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(
      "INSERT INTO sessions (kind, argv, host, working_dir, started_at_us, machine_class, status, "
      "finished_at_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  ZKBENCH_TRY(stmt->bind(1, std::string_view(info.kind)));
  ZKBENCH_TRY(stmt->bind(2, std::string_view(info.argv)));
  ZKBENCH_TRY(stmt->bind(3, std::string_view(info.host)));
  ZKBENCH_TRY(stmt->bind(4, std::string_view(info.working_dir)));
  ZKBENCH_TRY(stmt->bind(5, info.started_at_us));
  ZKBENCH_TRY(stmt->bind(6, std::string_view(info.machine_class)));
  ZKBENCH_TRY(stmt->bind(7, std::string_view(to_string(record.status))));
  ZKBENCH_TRY(stmt->bind(8, record.finished_at_us));
  // A single statement outside BEGIN is its own transaction, committed (and synced) when it returns.
  ZKBENCH_TRY(stmt->run());
  return m_db.last_insert_id();
}

Result<void> SqliteStore::finish_session(std::int64_t session_id, SessionStatus status) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare("UPDATE sessions SET status = ?, finished_at_us = ? WHERE id = ?"));
  ZKBENCH_TRY(stmt->bind(1, std::string_view(to_string(status))));
  ZKBENCH_TRY(stmt->bind(2, unix_now_us()));
  ZKBENCH_TRY(stmt->bind(3, session_id));
  ZKBENCH_TRY(stmt->run());
  if (m_db.changes() == 0) {
    return make_error(fmt::format("no session {} in store '{}'", session_id, location()));
  }
  return {};
}

Result<std::int64_t> SqliteStore::add_benchmark(std::int64_t session_id, const core::Benchmark& benchmark) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(transaction, Transaction::begin(m_db));
  ZKBENCH_TRY(require_row("sessions", "session", session_id));
  // The position is computed under the write lock, so concurrent writers cannot take the same one.
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(
      "INSERT INTO benchmarks (session_id, position, command, name, parameters) VALUES "
      "(?, (SELECT COALESCE(MAX(position) + 1, 0) FROM benchmarks WHERE session_id = ?), ?, ?, ?)"));
  ZKBENCH_TRY(stmt->bind(1, session_id));
  ZKBENCH_TRY(stmt->bind(2, session_id));
  ZKBENCH_TRY(stmt->bind(3, std::string_view(benchmark.command)));
  ZKBENCH_TRY(stmt->bind(4, benchmark.name));
  ZKBENCH_TRY(stmt->bind(5, std::string_view(parameters_to_json(benchmark.parameters))));
  ZKBENCH_TRY(stmt->run());
  const std::int64_t id = m_db.last_insert_id();
  ZKBENCH_TRY(transaction->commit());
  return id;
}

Result<std::int64_t> SqliteStore::add_run(std::int64_t benchmark_id, const core::Run& run) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(transaction, Transaction::begin(m_db));
  ZKBENCH_TRY(require_row("benchmarks", "benchmark", benchmark_id));
  ZKBENCH_TRY_ASSIGN(cached_stmt, cached(
      "INSERT INTO runs (benchmark_id, idx, wall_s, user_s, system_s, peak_rss_bytes, status, "
      "exit_code, signal, log_path, started_at_us, finished_at_us) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  Statement* stmt = *cached_stmt;
  ZKBENCH_TRY(stmt->bind(1, benchmark_id));
  ZKBENCH_TRY(stmt->bind(2, std::int64_t{run.index}));
  ZKBENCH_TRY(stmt->bind(3, run.wall_s));
  ZKBENCH_TRY(stmt->bind(4, run.user_s));
  ZKBENCH_TRY(stmt->bind(5, run.system_s));
  ZKBENCH_TRY(stmt->bind(6, run.peak_rss_bytes));
  ZKBENCH_TRY(stmt->bind(7, std::string_view(core::to_string(run.status))));
  ZKBENCH_TRY(stmt->bind(8, widen(run.exit_code)));
  ZKBENCH_TRY(stmt->bind(9, widen(run.signal)));
  ZKBENCH_TRY(stmt->bind(10, std::string_view(run.log_path)));
  ZKBENCH_TRY(stmt->bind(11, run.started_at_us));
  ZKBENCH_TRY(stmt->bind(12, run.finished_at_us));
  if (auto inserted = stmt->run(); !inserted) {
    if (inserted.error().message.find("UNIQUE constraint failed") != std::string::npos) {
      return make_error(fmt::format("store '{}': benchmark {} already has a run with index {}", location(),
                                    benchmark_id, run.index));
    }
    return tl::unexpected(inserted.error());
  }
  const std::int64_t run_id = m_db.last_insert_id();
  ZKBENCH_TRY(insert_run_details(run_id, run));
  ZKBENCH_TRY(transaction->commit());
  return run_id;
}

Result<void> SqliteStore::insert_run_details(std::int64_t run_id, const core::Run& run) {
  if (!run.metrics.empty()) {
    ZKBENCH_TRY_ASSIGN(metric, m_db.prepare("INSERT INTO run_metrics (run_id, name, value) VALUES (?, ?, ?)"));
    for (const auto& [name, value] : run.metrics) {
      ZKBENCH_TRY(metric->bind(1, run_id));
      ZKBENCH_TRY(metric->bind(2, std::string_view(name)));
      ZKBENCH_TRY(metric->bind(3, value));
      ZKBENCH_TRY(metric->run());
    }
  }
  if (run.gpu) {
    ZKBENCH_TRY_ASSIGN(gpu, m_db.prepare(
        "INSERT INTO run_gpu (run_id, utilization_mean_pct, utilization_max_pct, memory_peak_bytes, "
        "temperature_start_c, temperature_max_c, energy_joules, throttled, throttle_reasons) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    const core::GpuRunStats& stats = *run.gpu;
    ZKBENCH_TRY(gpu->bind(1, run_id));
    ZKBENCH_TRY(gpu->bind(2, stats.utilization_mean_pct));
    ZKBENCH_TRY(gpu->bind(3, stats.utilization_max_pct));
    ZKBENCH_TRY(gpu->bind(4, stats.memory_peak_bytes));
    ZKBENCH_TRY(gpu->bind(5, stats.temperature_start_c));
    ZKBENCH_TRY(gpu->bind(6, stats.temperature_max_c));
    ZKBENCH_TRY(gpu->bind(7, stats.energy_joules));
    ZKBENCH_TRY(gpu->bind(8, std::int64_t{stats.throttled ? 1 : 0}));
    ZKBENCH_TRY(gpu->bind(9, std::string_view(stats.throttle_reasons)));
    ZKBENCH_TRY(gpu->run());
  }
  return {};
}

Result<std::vector<SessionRecord>> SqliteStore::read_sessions(Statement& stmt) {
  std::vector<SessionRecord> sessions;
  while (true) {
    ZKBENCH_TRY_ASSIGN(row, stmt.step());
    if (!*row) {
      return sessions;
    }
    ZKBENCH_TRY_ASSIGN(record, read_session(stmt, location()));
    sessions.push_back(std::move(*record));
  }
}

Result<std::vector<SessionRecord>> SqliteStore::list_sessions(std::size_t limit) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(std::string(k_session_select) +
                           "ORDER BY s.started_at_us DESC, s.id DESC LIMIT ?"));
  const auto max = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  ZKBENCH_TRY(stmt->bind(1, static_cast<std::int64_t>(std::min(limit, max))));
  return read_sessions(*stmt);
}

Result<SessionRecord> SqliteStore::get_session(std::int64_t session_id) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(std::string(k_session_select) + "WHERE s.id = ?"));
  ZKBENCH_TRY(stmt->bind(1, session_id));
  ZKBENCH_TRY_ASSIGN(sessions, read_sessions(*stmt));
  if (sessions->empty()) {
    return make_error(fmt::format("no session {} in store '{}'", session_id, location()));
  }
  return std::move(sessions->front());
}

Result<std::vector<core::Benchmark>> SqliteStore::load_benchmarks(std::int64_t session_id) {
  std::lock_guard lock(m_mutex);
  // One snapshot for all the SELECTs, so a concurrent writer cannot show half a run.
  ZKBENCH_TRY_ASSIGN(transaction, Transaction::begin(m_db, TransactionKind::read));
  ZKBENCH_TRY(require_row("sessions", "session", session_id));
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(
      "SELECT id, command, name, parameters FROM benchmarks WHERE session_id = ? ORDER BY position"));
  ZKBENCH_TRY(stmt->bind(1, session_id));
  std::vector<core::Benchmark> benchmarks;
  while (true) {
    ZKBENCH_TRY_ASSIGN(row, stmt->step());
    if (!*row) {
      break;
    }
    const std::int64_t benchmark_id = stmt->column_int(0);
    core::Benchmark benchmark;
    benchmark.command = stmt->column_text(1);
    benchmark.name = stmt->column_optional_text(2);
    ZKBENCH_TRY_ASSIGN(parameters, parameters_from_json(
        stmt->column_text(3), fmt::format("store '{}', benchmark {}", location(), benchmark_id)));
    benchmark.parameters = std::move(*parameters);
    ZKBENCH_TRY_ASSIGN(runs, load_runs(benchmark_id));
    benchmark.runs = std::move(*runs);
    benchmarks.push_back(std::move(benchmark));
  }
  ZKBENCH_TRY(transaction->commit());
  return benchmarks;
}

Result<std::vector<core::Run>> SqliteStore::load_runs(std::int64_t benchmark_id) {
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(R"sql(
SELECT r.id, r.idx, r.wall_s, r.user_s, r.system_s, r.peak_rss_bytes, r.status, r.exit_code, r.signal,
       r.log_path, r.started_at_us, r.finished_at_us,
       g.run_id, g.utilization_mean_pct, g.utilization_max_pct, g.memory_peak_bytes,
       g.temperature_start_c, g.temperature_max_c, g.energy_joules, g.throttled, g.throttle_reasons
FROM runs r LEFT JOIN run_gpu g ON g.run_id = r.id
WHERE r.benchmark_id = ? ORDER BY r.id)sql"));
  ZKBENCH_TRY(stmt->bind(1, benchmark_id));
  std::vector<core::Run> runs;
  std::map<std::int64_t, std::size_t> position_of_run;
  while (true) {
    ZKBENCH_TRY_ASSIGN(row, stmt->step());
    if (!*row) {
      break;
    }
    core::Run run;
    run.index = static_cast<int>(stmt->column_int(1));
    run.wall_s = stmt->column_double(2);
    run.user_s = stmt->column_double(3);
    run.system_s = stmt->column_double(4);
    run.peak_rss_bytes = stmt->column_int(5);
    const std::string status = stmt->column_text(6);
    const auto parsed = run_status_from_string(status);
    if (!parsed) {
      return make_error(fmt::format("store '{}': run {} has unknown status '{}'", location(),
                                    stmt->column_int(0), status));
    }
    run.status = *parsed;
    run.exit_code = narrow(stmt->column_optional_int(7));
    run.signal = narrow(stmt->column_optional_int(8));
    run.log_path = stmt->column_text(9);
    run.started_at_us = stmt->column_int(10);
    run.finished_at_us = stmt->column_int(11);
    if (!stmt->is_null(12)) {
      core::GpuRunStats gpu;
      gpu.utilization_mean_pct = stmt->column_double(13);
      gpu.utilization_max_pct = stmt->column_double(14);
      gpu.memory_peak_bytes = stmt->column_double(15);
      gpu.temperature_start_c = stmt->column_double(16);
      gpu.temperature_max_c = stmt->column_double(17);
      gpu.energy_joules = stmt->column_double(18);
      gpu.throttled = stmt->column_int(19) != 0;
      gpu.throttle_reasons = stmt->column_text(20);
      run.gpu = std::move(gpu);
    }
    position_of_run[stmt->column_int(0)] = runs.size();
    runs.push_back(std::move(run));
  }

  ZKBENCH_TRY_ASSIGN(metrics, m_db.prepare(
      "SELECT m.run_id, m.name, m.value FROM run_metrics m JOIN runs r ON m.run_id = r.id "
      "WHERE r.benchmark_id = ?"));
  ZKBENCH_TRY(metrics->bind(1, benchmark_id));
  while (true) {
    ZKBENCH_TRY_ASSIGN(row, metrics->step());
    if (!*row) {
      break;
    }
    // Same snapshot as the runs above, so every metric's run is in the map.
    const auto position = position_of_run.find(metrics->column_int(0));
    if (position != position_of_run.end()) {
      runs[position->second].metrics[metrics->column_text(1)] = metrics->column_optional_double(2);
    }
  }
  return runs;
}

} // namespace zkbench::store
