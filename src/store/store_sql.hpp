#pragma once
// The SQL of the store, each statement written once for both backends (SqliteStore, PostgresStore) in
// the shared text of sql_dialect.hpp: parameters $1, $2, ...; `{returning_id}` where a backend needs
// the new row's id; row-lock markers where PostgreSQL serializes writers with row locks. Render with
// render_sql(text, dialect). The columns each SELECT returns are read by row_codec.hpp's readers, and
// the parameters of the long INSERTs are filled by its *_params functions, in the order given here.
//
// A few statements are used by one backend only; each says why (mostly: PostgreSQL checks before
// writing, because a failed statement there aborts the whole transaction, where SQLite reports the
// constraint and goes on).

namespace zkbench::store::sql {

// --- migrations (migrations.cpp, postgres_store.cpp) ---------------------------------------------

inline constexpr const char* k_create_migrations_table =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
    "description TEXT NOT NULL, applied_at_us BIGINT NOT NULL)";
// $1 version, $2 description, $3 now.
inline constexpr const char* k_record_migration =
    "INSERT INTO schema_migrations (version, description, applied_at_us) VALUES ($1, $2, $3)";
inline constexpr const char* k_schema_version = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";

// Is there a schema_migrations table, and how many tables in all? Each database lists its tables in
// its own catalog. SQLite: one statement, so both figures come from one snapshot (another process's
// migration commits all its tables at once). PostgreSQL: inside the migration transaction, under the
// advisory lock, so two statements see the same tables.
inline constexpr const char* k_sqlite_count_tables =
    "SELECT COALESCE(SUM(name = 'schema_migrations'), 0), COUNT(*) FROM sqlite_master WHERE type = 'table'";
inline constexpr const char* k_pg_has_table =
    "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1";
inline constexpr const char* k_pg_count_tables =
    "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()";

// PostgreSQL only: the transaction-scoped advisory lock `$1` within the current schema, which
// serializes what SQLite's single writer (BEGIN IMMEDIATE) serializes by itself: migrating, and
// assigning experiment numbers.
inline constexpr const char* k_pg_advisory_lock = "SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))";
// PostgreSQL only: one snapshot for every SELECT of a read (SQLite: a read transaction, BEGIN).
inline constexpr const char* k_pg_read_snapshot = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY";

// --- sessions, benchmarks, runs (sqlite_store.cpp, postgres_store.cpp) -----------------------------

// $1..$8: row_codec's session_params.
inline constexpr const char* k_insert_session =
    "INSERT INTO sessions (kind, argv, host, working_dir, started_at_us, machine_class, status, "
    "finished_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8){returning_id}";
// $1 status, $2 now, $3 id.
inline constexpr const char* k_finish_session = "UPDATE sessions SET status = $1, finished_at_us = $2 WHERE id = $3";

// $1 id. A row when the session exists. The _for_update forms lock it until the end of the
// transaction on PostgreSQL, so that writers below it (a benchmark's position, a run's index) are
// serialized; the key-share form only keeps it from being deleted (what a foreign key to it takes),
// without blocking other writers.
inline constexpr const char* k_find_session = "SELECT 1 FROM sessions WHERE id = $1";
inline constexpr const char* k_find_session_for_update = "SELECT 1 FROM sessions WHERE id = $1{for_update}";
inline constexpr const char* k_find_session_for_key_share = "SELECT 1 FROM sessions WHERE id = $1{for_key_share}";
inline constexpr const char* k_find_benchmark_for_update = "SELECT 1 FROM benchmarks WHERE id = $1{for_update}";

// $1 session id, $2 command, $3 name, $4 parameters JSON. The position is computed under the
// session's write lock, so concurrent writers cannot take the same one.
inline constexpr const char* k_insert_benchmark =
    "INSERT INTO benchmarks (session_id, position, command, name, parameters) VALUES "
    "($1, (SELECT COALESCE(MAX(position) + 1, 0) FROM benchmarks WHERE session_id = $1), $2, $3, $4){returning_id}";

// $1..$14: row_codec's run_params.
inline constexpr const char* k_insert_run =
    "INSERT INTO runs (benchmark_id, idx, wall_s, user_s, system_s, peak_rss_bytes, status, exit_code, "
    "signal, log_path, started_at_us, finished_at_us, containment, cpu_wait_s) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14){returning_id}";
// PostgreSQL only, $1 benchmark id, $2 index: checked under the benchmark's row lock before the
// INSERT (SQLite reports the UNIQUE constraint instead).
inline constexpr const char* k_pg_run_index_taken = "SELECT 1 FROM runs WHERE benchmark_id = $1 AND idx = $2";
// $1 run id, $2 name, $3 value.
inline constexpr const char* k_insert_run_metric = "INSERT INTO run_metrics (run_id, name, value) VALUES ($1, $2, $3)";
// $1..$9: row_codec's gpu_params.
inline constexpr const char* k_insert_run_gpu =
    "INSERT INTO run_gpu (run_id, utilization_mean_pct, utilization_max_pct, memory_peak_bytes, "
    "temperature_start_c, temperature_max_c, energy_joules, throttled, throttle_reasons) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

// $1..$7: row_codec's contention_params.
inline constexpr const char* k_insert_run_contention =
    "INSERT INTO run_load (run_id, foreign_cores, limit_cores, contended, top, gpu_processes, waited_s) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)";
// The same parameters as k_insert_run_contention: a run's figures replaced (the gate's first window judged).
inline constexpr const char* k_update_run_contention =
    "UPDATE run_load SET foreign_cores = $2, limit_cores = $3, contended = $4, top = $5, gpu_processes = $6, "
    "waited_s = $7 WHERE run_id = $1";

// A session row with its counts (row_codec's read_session).
#define ZKBENCH_SESSION_SELECT                                                                                   \
  "SELECT s.id, s.kind, s.argv, s.host, s.working_dir, s.started_at_us, s.finished_at_us, s.status, "          \
  "s.machine_class, (SELECT COUNT(*) FROM benchmarks b WHERE b.session_id = s.id), "                           \
  "(SELECT COUNT(*) FROM runs r JOIN benchmarks b ON r.benchmark_id = b.id WHERE b.session_id = s.id) "        \
  "FROM sessions s "
// $1 limit.
inline constexpr const char* k_list_sessions =
    ZKBENCH_SESSION_SELECT "ORDER BY s.started_at_us DESC, s.id DESC LIMIT $1";
// $1 id.
inline constexpr const char* k_get_session = ZKBENCH_SESSION_SELECT "WHERE s.id = $1";
#undef ZKBENCH_SESSION_SELECT

// $1 session id: id, command, name, parameters.
inline constexpr const char* k_list_benchmarks =
    "SELECT id, command, name, parameters FROM benchmarks WHERE session_id = $1 ORDER BY position";
// $1 benchmark id: a run with its GPU and contention rows, NULLs when it has none (row_codec's read_run).
inline constexpr const char* k_list_runs =
    "SELECT r.id, r.idx, r.wall_s, r.user_s, r.system_s, r.peak_rss_bytes, r.status, r.exit_code, r.signal, "
    "r.log_path, r.started_at_us, r.finished_at_us, g.run_id, g.utilization_mean_pct, g.utilization_max_pct, "
    "g.memory_peak_bytes, g.temperature_start_c, g.temperature_max_c, g.energy_joules, g.throttled, "
    "g.throttle_reasons, r.containment, c.run_id, c.foreign_cores, c.limit_cores, c.contended, c.top, c.gpu_processes, "
    "c.waited_s, r.cpu_wait_s FROM runs r LEFT JOIN run_gpu g ON g.run_id = r.id LEFT JOIN run_load c ON c.run_id = r.id "
    "WHERE r.benchmark_id = $1 ORDER BY r.id";
// $1 benchmark id: run id, name, value.
inline constexpr const char* k_list_run_metrics =
    "SELECT m.run_id, m.name, m.value FROM run_metrics m JOIN runs r ON m.run_id = r.id WHERE r.benchmark_id = $1";

// --- workflow records (sqlite_workflow.cpp, postgres_workflow.cpp) --------------------------------

// $1 commit, $2 environment, $3 created at, $4 machine class.
inline constexpr const char* k_insert_baseline =
    "INSERT INTO baselines (commit_sha, environment, created_at_us, machine_class) VALUES ($1, $2, $3, $4)"
    "{returning_id}";
// $1 baseline id, $2 position, $3 input, $4 output hash, $5 session id.
inline constexpr const char* k_insert_baseline_input =
    "INSERT INTO baseline_inputs (baseline_id, position, input, output_hash, session_id) VALUES ($1, $2, $3, $4, $5)";
// row_codec's read_baseline.
inline constexpr const char* k_list_baselines =
    "SELECT id, commit_sha, environment, created_at_us, machine_class FROM baselines ORDER BY created_at_us, id";
// Every baseline's inputs, in order (row_codec's read_baseline_input).
inline constexpr const char* k_list_baseline_inputs =
    "SELECT baseline_id, input, output_hash, session_id FROM baseline_inputs ORDER BY baseline_id, position";

// An experiment's columns but id, in the order of row_codec's experiment_params.
#define ZKBENCH_EXPERIMENT_COLUMNS                                                                                \
  "number, name, slug, hypothesis, expected, status, verdict, branch, baseline_commit, baseline_id, "           \
  "created_at_us, finished_at_us, close_reason, change, details"
inline constexpr const char* k_next_experiment_number = "SELECT COALESCE(MAX(number), 0) + 1 FROM experiments";
// PostgreSQL only, $1 number: checked under the advisory lock before the INSERT (SQLite reports the
// UNIQUE constraint instead).
inline constexpr const char* k_pg_experiment_number_taken = "SELECT 1 FROM experiments WHERE number = $1";
// $1..$15: row_codec's experiment_params.
inline constexpr const char* k_insert_experiment =
    "INSERT INTO experiments (" ZKBENCH_EXPERIMENT_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
    "$11, $12, $13, $14, $15){returning_id}";
// $1..$15: row_codec's experiment_params, $16 id.
inline constexpr const char* k_update_experiment =
    "UPDATE experiments SET number = $1, name = $2, slug = $3, hypothesis = $4, expected = $5, status = $6, "
    "verdict = $7, branch = $8, baseline_commit = $9, baseline_id = $10, created_at_us = $11, finished_at_us = $12, "
    "close_reason = $13, change = $14, details = $15 WHERE id = $16";
// row_codec's read_experiment.
inline constexpr const char* k_list_experiments =
    "SELECT id, " ZKBENCH_EXPERIMENT_COLUMNS " FROM experiments ORDER BY number";
// $1 number. No row when there is none.
inline constexpr const char* k_get_experiment =
    "SELECT id, " ZKBENCH_EXPERIMENT_COLUMNS " FROM experiments WHERE number = $1";
#undef ZKBENCH_EXPERIMENT_COLUMNS

// $1 owner, $2 owner id, $3 input, $4 session id.
inline constexpr const char* k_insert_session_link =
    "INSERT INTO session_links (owner, owner_id, input, session_id) VALUES ($1, $2, $3, $4)";
// $1 owner, $2 owner id (row_codec's read_link).
inline constexpr const char* k_session_links =
    "SELECT owner, owner_id, input, session_id FROM session_links WHERE owner = $1 AND owner_id = $2 ORDER BY id";
inline constexpr const char* k_list_session_links =
    "SELECT owner, owner_id, input, session_id FROM session_links ORDER BY id";

// $1 kind, $2 text, $3 created at, $4 done (0/1).
inline constexpr const char* k_insert_note =
    "INSERT INTO notes (kind, text, created_at_us, done) VALUES ($1, $2, $3, $4){returning_id}";
// $1 done (0/1), $2 id.
inline constexpr const char* k_set_note_done = "UPDATE notes SET done = $1 WHERE id = $2";
// $1 kind (row_codec's read_note).
inline constexpr const char* k_list_notes =
    "SELECT id, kind, text, created_at_us, done FROM notes WHERE kind = $1 ORDER BY created_at_us, id";

// $1..$6: row_codec's conflict_params.
inline constexpr const char* k_insert_conflict =
    "INSERT INTO conflicts (experiments, combined_change, best_change, conflict, note, created_at_us) "
    "VALUES ($1, $2, $3, $4, $5, $6){returning_id}";
// row_codec's read_conflict.
inline constexpr const char* k_list_conflicts =
    "SELECT id, experiments, combined_change, best_change, conflict, note, created_at_us FROM conflicts "
    "ORDER BY created_at_us, id";

// --- profiles (sqlite_profiles.cpp, postgres_profiles.cpp) -----------------------------------------

// row_codec's read_profile: id, created_at_us, kind, zkvm, format, input, title, commit_sha,
// file_name, experiment_number, baseline_id, LENGTH(content) (content itself is read apart, by
// get_profile only).
#define ZKBENCH_PROFILE_COLUMNS                                                                                   \
  "id, created_at_us, kind, zkvm, format, input, title, commit_sha, file_name, experiment_number, baseline_id, " \
  "LENGTH(content)"
// $1..$11: row_codec's profile_params ($9 the bytes).
inline constexpr const char* k_insert_profile =
    "INSERT INTO profiles (created_at_us, kind, zkvm, format, input, title, commit_sha, file_name, content, "
    "experiment_number, baseline_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, {blob_in:$9}, $10, $11){returning_id}";
inline constexpr const char* k_list_profiles = "SELECT " ZKBENCH_PROFILE_COLUMNS " FROM profiles ORDER BY id";
// $1 id: the columns of k_list_profiles, then the content (column 12).
inline constexpr const char* k_get_profile =
    "SELECT " ZKBENCH_PROFILE_COLUMNS ", {blob_out:content} FROM profiles WHERE id = $1";
#undef ZKBENCH_PROFILE_COLUMNS

} // namespace zkbench::store::sql
