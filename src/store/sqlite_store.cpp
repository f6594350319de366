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
#include "store/store_sql.hpp"
#include "util/clock.hpp"

namespace zkbench::store {

namespace {

using util::unix_now_us;

} // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::filesystem::path& path) {
  // A store created by this open is set up without syncs: the switch to WAL and the schema took four
  // to five fsyncs (up to 10 ms each on a slow disk: most of a short `zkbench run`'s start-up), to make
  // durable an empty store that holds nothing measured yet. Only a power loss in the seconds after
  // its creation can hurt it; its runs are written with synchronous = NORMAL as in any other store.
  std::error_code size_error;
  const bool creating = std::filesystem::file_size(path, size_error) == 0 || size_error;
  ZKBENCH_TRY_ASSIGN(db, SqliteDb::open(path, OpenFlags::read_write_create));
  // The busy timeout first, so that switching to WAL and migrating wait for other processes too.
  ZKBENCH_TRY(db->set_busy_timeout(k_busy_timeout_ms));
  // synchronous before journal_mode: the switch of a new file to WAL then costs fewer fsyncs.
  // Several processes opening one new file race to switch it to WAL. SQLite answers some of those
  // races with "busy" at once, without waiting (a connection that holds a read lock and wants the
  // exclusive one would otherwise deadlock with another doing the same), so the set-up is retried
  // here within the same timeout.
  const auto give_up_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(k_busy_timeout_ms);
  for (const char* pragma : {"PRAGMA foreign_keys = ON", creating ? "PRAGMA synchronous = OFF" : "PRAGMA synchronous = NORMAL",
                             "PRAGMA journal_mode = WAL"}) {
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
  ZKBENCH_TRY(db->exec(fmt::format("PRAGMA wal_autocheckpoint = {}", k_wal_autocheckpoint_pages)));
  ZKBENCH_TRY_ASSIGN(version, apply_migrations(*db));
  if (creating) {
    ZKBENCH_TRY(db->exec("PRAGMA synchronous = NORMAL"));
  }
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

Result<Statement> SqliteStore::prepare(const char* text) {
  return m_db.prepare(render_sql(text, Dialect::sqlite));
}

Result<Statement*> SqliteStore::cached(const char* text) {
  if (auto it = m_statements.find(text); it != m_statements.end()) {
    it->second.reset();
    return &it->second;
  }
  ZKBENCH_TRY_ASSIGN(stmt, prepare(text));
  return &m_statements.emplace(text, std::move(*stmt)).first->second;
}

Result<void> SqliteStore::require_row(const char* find_sql, const char* what, std::int64_t id) {
  ZKBENCH_TRY_ASSIGN(stmt, cached(find_sql));
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
  ZKBENCH_TRY_ASSIGN(stmt, prepare(sql::k_insert_session));
  SqliteParams params(*stmt);
  ZKBENCH_TRY(session_params(params, record).done());
  // A single statement outside BEGIN is its own transaction, committed (and synced) when it returns.
  ZKBENCH_TRY(stmt->run());
  return m_db.last_insert_id();
}

Result<void> SqliteStore::finish_session(std::int64_t session_id, SessionStatus status) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, prepare(sql::k_finish_session));
  ZKBENCH_TRY(SqliteParams(*stmt).add(to_string(status)).add(unix_now_us()).add(session_id).done());
  ZKBENCH_TRY(stmt->run());
  if (m_db.changes() == 0) {
    return make_error(fmt::format("no session {} in store '{}'", session_id, location()));
  }
  return {};
}

Result<std::int64_t> SqliteStore::add_benchmark(std::int64_t session_id, const core::Benchmark& benchmark) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(transaction, Transaction::begin(m_db));
  ZKBENCH_TRY(require_row(sql::k_find_session_for_update, "session", session_id));
  ZKBENCH_TRY_ASSIGN(stmt, prepare(sql::k_insert_benchmark));
  ZKBENCH_TRY(SqliteParams(*stmt)
                  .add(session_id)
                  .add(benchmark.command)
                  .add(benchmark.name)
                  .add(parameters_to_json(benchmark.parameters))
                  .done());
  ZKBENCH_TRY(stmt->run());
  const std::int64_t id = m_db.last_insert_id();
  ZKBENCH_TRY(transaction->commit());
  return id;
}

Result<std::int64_t> SqliteStore::add_run(std::int64_t benchmark_id, const core::Run& run) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(transaction, Transaction::begin(m_db));
  // The benchmark's existence is checked by the row's foreign key, not by a query of its own before it
  // (a tenth of the store's time per run of a short command).
  ZKBENCH_TRY_ASSIGN(cached_stmt, cached(sql::k_insert_run));
  Statement* stmt = *cached_stmt;
  SqliteParams params(*stmt);
  ZKBENCH_TRY(run_params(params, benchmark_id, run).done());
  if (auto inserted = stmt->run(); !inserted) {
    if (inserted.error().message.find("UNIQUE constraint failed") != std::string::npos) {
      return make_error(fmt::format("store '{}': benchmark {} already has a run with index {}", location(),
                                    benchmark_id, run.index));
    }
    if (inserted.error().message.find("FOREIGN KEY constraint failed") != std::string::npos) {
      return make_error(fmt::format("no benchmark {} in store '{}'", benchmark_id, location()));
    }
    return tl::unexpected(inserted.error());
  }
  const std::int64_t run_id = m_db.last_insert_id();
  ZKBENCH_TRY(insert_run_details(run_id, run));
  ZKBENCH_TRY(transaction->commit());
  return run_id;
}

Result<void> SqliteStore::update_contention(std::span<const std::pair<std::int64_t, core::RunContention>> runs) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(transaction, Transaction::begin(m_db));
  for (const auto& [run_id, contention] : runs) {
    ZKBENCH_TRY_ASSIGN(stmt, cached(sql::k_update_run_contention));
    SqliteParams params(**stmt);
    ZKBENCH_TRY(contention_params(params, run_id, contention).done());
    ZKBENCH_TRY((*stmt)->run());
    if (m_db.changes() == 0) {
      return make_error(fmt::format("store '{}': run {} has no contention figures to update", location(), run_id));
    }
  }
  return transaction->commit();
}

Result<void> SqliteStore::insert_run_details(std::int64_t run_id, const core::Run& run) {
  if (!run.metrics.empty()) {
    ZKBENCH_TRY_ASSIGN(metric, cached(sql::k_insert_run_metric));
    for (const auto& [name, value] : run.metrics) {
      ZKBENCH_TRY(SqliteParams(**metric).add(run_id).add(name).add(value).done());
      ZKBENCH_TRY((*metric)->run());
    }
  }
  if (run.gpu) {
    ZKBENCH_TRY_ASSIGN(gpu, cached(sql::k_insert_run_gpu));
    SqliteParams params(**gpu);
    ZKBENCH_TRY(gpu_params(params, run_id, *run.gpu).done());
    ZKBENCH_TRY((*gpu)->run());
  }
  if (run.contention) {
    ZKBENCH_TRY_ASSIGN(contention, cached(sql::k_insert_run_contention)); // every run of a gated command
    SqliteParams params(**contention);
    ZKBENCH_TRY(contention_params(params, run_id, *run.contention).done());
    ZKBENCH_TRY((*contention)->run());
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
    ZKBENCH_TRY_ASSIGN(record, read_session(SqliteRow{stmt}, location()));
    sessions.push_back(std::move(*record));
  }
}

Result<std::vector<SessionRecord>> SqliteStore::list_sessions(std::size_t limit) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, prepare(sql::k_list_sessions));
  const auto max = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  ZKBENCH_TRY(stmt->bind(1, static_cast<std::int64_t>(std::min(limit, max))));
  return read_sessions(*stmt);
}

Result<SessionRecord> SqliteStore::get_session(std::int64_t session_id) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, prepare(sql::k_get_session));
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
  ZKBENCH_TRY(require_row(sql::k_find_session, "session", session_id));
  ZKBENCH_TRY_ASSIGN(stmt, prepare(sql::k_list_benchmarks));
  ZKBENCH_TRY(stmt->bind(1, session_id));
  std::vector<core::Benchmark> benchmarks;
  while (true) {
    ZKBENCH_TRY_ASSIGN(row, stmt->step());
    if (!*row) {
      break;
    }
    ZKBENCH_TRY_ASSIGN(benchmark, read_benchmark(SqliteRow{*stmt}, location()));
    ZKBENCH_TRY_ASSIGN(runs, load_runs(stmt->column_int(0)));
    benchmark->runs = std::move(*runs);
    benchmarks.push_back(std::move(*benchmark));
  }
  ZKBENCH_TRY(transaction->commit());
  return benchmarks;
}

Result<std::vector<core::Run>> SqliteStore::load_runs(std::int64_t benchmark_id) {
  ZKBENCH_TRY_ASSIGN(stmt, prepare(sql::k_list_runs));
  ZKBENCH_TRY(stmt->bind(1, benchmark_id));
  std::vector<core::Run> runs;
  std::map<std::int64_t, std::size_t> position_of_run;
  while (true) {
    ZKBENCH_TRY_ASSIGN(row, stmt->step());
    if (!*row) {
      break;
    }
    ZKBENCH_TRY_ASSIGN(run, read_run(SqliteRow{*stmt}, location()));
    position_of_run[stmt->column_int(0)] = runs.size();
    runs.push_back(std::move(*run));
  }

  ZKBENCH_TRY_ASSIGN(metrics, prepare(sql::k_list_run_metrics));
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
