#include "store/migrations.hpp"

#include <array>
#include <cstdint>

#include <fmt/format.h>

#include "store/sqlite_db.hpp"
#include "store/store_sql.hpp"
#include "util/clock.hpp"

namespace zkbench::store {

namespace {

// Version 1: sessions, their benchmarks, each measured run and its metrics.
// - sessions.status and runs.status hold the names of SessionStatus and core::RunStatus;
// - benchmarks.position orders the benchmarks of a session; parameters is a JSON object of strings;
// - runs.idx is core::Run::index, unique within its benchmark so a run is never counted twice;
// - run_metrics.value is NULL when the metric was missing in that run.
constexpr const char* k_v1_sql = R"sql(
CREATE TABLE sessions (
  id {id},
  kind TEXT NOT NULL,
  argv TEXT NOT NULL,
  host TEXT NOT NULL,
  working_dir TEXT NOT NULL,
  started_at_us BIGINT NOT NULL,
  finished_at_us BIGINT,
  status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'interrupted', 'failed'))
);
CREATE INDEX sessions_by_start ON sessions (started_at_us);
CREATE TABLE benchmarks (
  id {id},
  session_id BIGINT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  command TEXT NOT NULL,
  name TEXT,
  parameters TEXT NOT NULL,
  UNIQUE (session_id, position)
);
CREATE TABLE runs (
  id {id},
  benchmark_id BIGINT NOT NULL REFERENCES benchmarks (id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  wall_s DOUBLE PRECISION NOT NULL,
  user_s DOUBLE PRECISION NOT NULL,
  system_s DOUBLE PRECISION NOT NULL,
  peak_rss_bytes BIGINT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('success', 'failed', 'signaled', 'timed_out')),
  exit_code INTEGER,
  signal INTEGER,
  log_path TEXT NOT NULL,
  started_at_us BIGINT NOT NULL,
  finished_at_us BIGINT NOT NULL,
  UNIQUE (benchmark_id, idx)
);
CREATE TABLE run_metrics (
  run_id BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value DOUBLE PRECISION,
  PRIMARY KEY (run_id, name)
);
)sql";

// Version 2: GPU telemetry of a run (core::GpuRunStats), one row per run that had it.
constexpr const char* k_v2_sql = R"sql(
CREATE TABLE run_gpu (
  run_id BIGINT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
  utilization_mean_pct DOUBLE PRECISION NOT NULL,
  utilization_max_pct DOUBLE PRECISION NOT NULL,
  memory_peak_bytes DOUBLE PRECISION NOT NULL,
  temperature_start_c DOUBLE PRECISION NOT NULL,
  temperature_max_c DOUBLE PRECISION NOT NULL,
  energy_joules DOUBLE PRECISION NOT NULL,
  throttled INTEGER NOT NULL CHECK (throttled IN (0, 1)),
  throttle_reasons TEXT NOT NULL
);
)sql";

// Version 3: team scale. sessions.machine_class says which class of machine measured a session, so
// baselines are compared only within a class ('' = not recorded). jobs is the work queue of
// `zkbench submit` / `zkbench worker` (src/queue/):
// - payload and result are JSON objects; status is queued -> running -> done | failed;
// - a running job belongs to the worker holding lease_token until lease_expires_at_us; a worker that
//   stops heartbeating loses it and the job is claimed again (attempts counts the claims);
// - every write by a worker compares its lease_token, so a worker whose lease was lost changes nothing.
constexpr const char* k_v3_sql = R"sql(
ALTER TABLE sessions ADD COLUMN machine_class TEXT NOT NULL DEFAULT '';
CREATE TABLE jobs (
  id {id},
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  machine_class TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  worker TEXT,
  lease_token TEXT,
  lease_expires_at_us BIGINT,
  heartbeat_at_us BIGINT,
  result TEXT,
  created_at_us BIGINT NOT NULL,
  started_at_us BIGINT,
  finished_at_us BIGINT
);
CREATE INDEX jobs_by_class_status ON jobs (machine_class, status, id);
)sql";

// Version 4: the optimization workflow (issue 4). baselines and their per-input output hashes;
// experiments from hypothesis to verdict (number unique, shown as 001); session_links say which
// session measured which input for a baseline, experiment or compound test (so `exp run` resumes with
// the runs already measured); notes are learnings and backlog ideas; conflicts are compound tests.
// experiments.details and conflicts.experiments are JSON text.
constexpr const char* k_v4_sql = R"sql(
CREATE TABLE baselines (
  id {id},
  commit_sha TEXT NOT NULL,
  environment TEXT NOT NULL,
  created_at_us BIGINT NOT NULL
);
CREATE TABLE baseline_inputs (
  baseline_id BIGINT NOT NULL REFERENCES baselines (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  input TEXT NOT NULL,
  output_hash TEXT NOT NULL,
  session_id BIGINT NOT NULL REFERENCES sessions (id),
  PRIMARY KEY (baseline_id, position)
);
CREATE TABLE experiments (
  id {id},
  number INTEGER NOT NULL UNIQUE,
  name TEXT NOT NULL,
  slug TEXT NOT NULL,
  hypothesis TEXT NOT NULL,
  expected DOUBLE PRECISION,
  status TEXT NOT NULL,
  verdict TEXT NOT NULL,
  branch TEXT NOT NULL,
  baseline_commit TEXT NOT NULL,
  baseline_id BIGINT REFERENCES baselines (id),
  created_at_us BIGINT NOT NULL,
  finished_at_us BIGINT,
  close_reason TEXT NOT NULL,
  change DOUBLE PRECISION,
  details TEXT NOT NULL
);
CREATE TABLE session_links (
  id {id},
  owner TEXT NOT NULL,
  owner_id BIGINT NOT NULL,
  input TEXT NOT NULL,
  session_id BIGINT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE
);
CREATE INDEX session_links_by_owner ON session_links (owner, owner_id);
CREATE TABLE notes (
  id {id},
  kind TEXT NOT NULL CHECK (kind IN ('learning', 'idea')),
  text TEXT NOT NULL,
  created_at_us BIGINT NOT NULL,
  done INTEGER NOT NULL CHECK (done IN (0, 1))
);
CREATE TABLE conflicts (
  id {id},
  experiments TEXT NOT NULL,
  combined_change DOUBLE PRECISION,
  best_change DOUBLE PRECISION,
  conflict INTEGER NOT NULL CHECK (conflict IN (0, 1)),
  note TEXT NOT NULL,
  created_at_us BIGINT NOT NULL
);
)sql";

// Version 5: profiles (issue 5): what `zkbench profile run` and the workflow captured, with the bytes
// exactly as the profiler wrote them (ziskemu and callgrind text, Gecko JSON, pprof protobuf), so the
// store alone can show and compare them. kind 'profile' is a profiler's output (format: its parser's
// name); 'diff' is the text of `profile diff` of an experiment's profile against its baseline's
// (format ''). experiment_number (as shown: 001) and baseline_id say whose profile it is, NULL for one
// taken by hand; they are plain values, not foreign keys, because a profile outlives neither but may be
// copied without them.
constexpr const char* k_v5_sql = R"sql(
CREATE TABLE profiles (
  id {id},
  created_at_us BIGINT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('profile', 'diff')),
  zkvm TEXT NOT NULL,
  format TEXT NOT NULL,
  input TEXT NOT NULL,
  title TEXT NOT NULL,
  commit_sha TEXT NOT NULL,
  file_name TEXT NOT NULL,
  content {blob} NOT NULL,
  experiment_number INTEGER,
  baseline_id BIGINT
);
CREATE INDEX profiles_by_experiment ON profiles (experiment_number, id);
)sql";

// Version 6: baselines are per machine class (issue 7): baselines.machine_class is the class of the
// machine that measured it ('' = not recorded). Existing baselines take the class their first input's
// session recorded.
constexpr const char* k_v6_sql = R"sql(
ALTER TABLE baselines ADD COLUMN machine_class TEXT NOT NULL DEFAULT '';
UPDATE baselines SET machine_class = COALESCE((
  SELECT s.machine_class FROM baseline_inputs i JOIN sessions s ON s.id = i.session_id
  WHERE i.baseline_id = baselines.id ORDER BY i.position LIMIT 1), '');
)sql";

// Version 7: how each run's processes were contained (issue 23): runs.containment is core::Containment's
// name ('cgroup-v2', 'cgroup-v1', 'process-group'); NULL for runs stored before, whose way is unknown.
constexpr const char* k_v7_sql = R"sql(
ALTER TABLE runs ADD COLUMN containment TEXT;
)sql";

// Version 8: the contention gate (issue 18): the foreign load on the machine during a run
// (core::RunContention), one row per run measured with the gate on. contended = 1 marks a run that
// another process disturbed: it is kept but never decides a verdict. (Version 7 is run containment.)
constexpr const char* k_v8_sql = R"sql(
CREATE TABLE run_contention (
  run_id BIGINT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
  foreign_cores DOUBLE PRECISION NOT NULL,
  limit_cores DOUBLE PRECISION NOT NULL,
  contended INTEGER NOT NULL CHECK (contended IN (0, 1)),
  top TEXT NOT NULL,
  gpu_processes INTEGER NOT NULL,
  waited_s DOUBLE PRECISION NOT NULL
);
)sql";

// Version 9: run_contention becomes run_load, keyed by the run's id as its rowid ({row_key}): the BIGINT
// key was an index of its own beside the table, one of the four pages a gated run's commit wrote to the
// WAL (issue 23: the store's commit was half of zkbench's own time per run of a short command). A new
// name rather than a rename, and no column added to runs: either would have SQLite parse the whole
// schema again, which on a new store's creation cost more than the saved page over 300 runs.
constexpr const char* k_v9_sql = R"sql(
CREATE TABLE run_load (
  run_id {row_key} REFERENCES runs (id) ON DELETE CASCADE,
  foreign_cores DOUBLE PRECISION NOT NULL,
  limit_cores DOUBLE PRECISION NOT NULL,
  contended INTEGER NOT NULL CHECK (contended IN (0, 1)),
  top TEXT NOT NULL,
  gpu_processes INTEGER NOT NULL,
  waited_s DOUBLE PRECISION NOT NULL
);
INSERT INTO run_load (run_id, foreign_cores, limit_cores, contended, top, gpu_processes, waited_s)
  SELECT run_id, foreign_cores, limit_cores, contended, top, gpu_processes, waited_s FROM run_contention;
DROP TABLE run_contention;
)sql";

// Version 10: how long each run's process waited for a CPU (core::Run::cpu_wait_s, measure/cpu_wait.hpp);
// NULL where it could not be known (threads or children did the work) and for runs stored before.
constexpr const char* k_v10_sql = R"sql(
ALTER TABLE runs ADD COLUMN cpu_wait_s DOUBLE PRECISION;
)sql";

constexpr std::array k_migrations = {
    Migration{1, "sessions, benchmarks, runs and run metrics", k_v1_sql},
    Migration{2, "GPU telemetry per run (run_gpu)", k_v2_sql},
    Migration{3, "machine class of sessions; the job queue (jobs)", k_v3_sql},
    Migration{4, "optimization workflow: baselines, experiments, session links, notes, conflicts", k_v4_sql},
    Migration{5, "profiles: profiler outputs and profile diffs, linked to experiments and baselines", k_v5_sql},
    Migration{6, "machine class of baselines", k_v6_sql},
    Migration{7, "how each run was contained (cgroup-v2, cgroup-v1, process-group)", k_v7_sql},
    Migration{8, "foreign load per run (run_contention)", k_v8_sql},
    Migration{9, "foreign load per run keyed by the run's rowid (run_load)", k_v9_sql},
    Migration{10, "how long each run's process waited for a CPU (runs.cpu_wait_s)", k_v10_sql},
};

/// Whether `db` has a schema_migrations table, and how many tables it has in all. One statement,
/// so both figures come from one snapshot: another process's migration commits all its tables at
/// once, and two separate reads could straddle that commit and see tables without schema_migrations.
struct TableCounts {
  bool has_migrations = false;
  std::int64_t tables = 0;
};

Result<TableCounts> count_tables(SqliteDb& db) {
  ZKBENCH_TRY_ASSIGN(stmt, db.prepare(render_sql(sql::k_sqlite_count_tables, Dialect::sqlite)));
  ZKBENCH_TRY_ASSIGN(row, stmt->step());
  if (!*row) {
    return make_error("reading the tables of '" + db.path().string() + "': no row");
  }
  return TableCounts{stmt->column_int(0) > 0, stmt->column_int(1)};
}

} // namespace

std::span<const Migration> migrations() {
  return k_migrations;
}

int latest_schema_version() {
  return k_migrations.back().version;
}

std::string render_sql(const Migration& migration, Dialect dialect) {
  return render_sql(std::string_view(migration.sql), dialect);
}

Error newer_schema_error(const std::string& location, int found) {
  return Error{fmt::format("store '{}' has schema version {}, this zkbench knows up to {}: upgrade zkbench",
                           location, found, latest_schema_version())};
}

Result<int> read_schema_version(SqliteDb& db) {
  ZKBENCH_TRY_ASSIGN(counts, count_tables(db));
  if (!counts->has_migrations) {
    if (counts->tables > 0) {
      return make_error(fmt::format(
          "'{}' is an SQLite database but not a zkbench store (it has tables but no schema_migrations)",
          db.path().string()));
    }
    return 0;
  }
  ZKBENCH_TRY_ASSIGN(stmt, db.prepare(render_sql(sql::k_schema_version, Dialect::sqlite)));
  ZKBENCH_TRY_ASSIGN(version, stmt->single_int());
  return static_cast<int>(*version);
}

Result<int> apply_migrations(SqliteDb& db, int target) {
  // Fast path without the write lock: most opens find the schema current.
  ZKBENCH_TRY_ASSIGN(current, read_schema_version(db));
  if (*current > latest_schema_version()) {
    return tl::unexpected(newer_schema_error(db.path().string(), *current));
  }
  if (*current >= target) {
    return current;
  }

  ZKBENCH_TRY_ASSIGN(transaction, Transaction::begin(db));
  // Read again under the write lock: another process may have migrated in between.
  current = read_schema_version(db);
  if (!current) {
    return current;
  }
  ZKBENCH_TRY(db.exec(render_sql(sql::k_create_migrations_table, Dialect::sqlite)));
  ZKBENCH_TRY_ASSIGN(record, db.prepare(render_sql(sql::k_record_migration, Dialect::sqlite)));
  int version = *current;
  for (const Migration& migration : k_migrations) {
    if (migration.version <= version || migration.version > target) {
      continue;
    }
    ZKBENCH_TRY(with_context(db.exec(render_sql(migration, Dialect::sqlite)),
                             fmt::format("migrating store to schema version {}", migration.version)));
    ZKBENCH_TRY(
        SqliteParams(*record).add(migration.version).add(migration.description).add(util::unix_now_us()).done());
    ZKBENCH_TRY(record->run());
    version = migration.version;
  }
  ZKBENCH_TRY(transaction->commit());
  return version;
}

} // namespace zkbench::store
