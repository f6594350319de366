#pragma once
// The SQLite backend of the Store interface.
//
// One database file, shared safely by several zkbench processes: WAL journal (readers never block
// the writer), a busy timeout (a writer waits for another's short transaction instead of failing),
// foreign keys enforced, synchronous=NORMAL: in WAL mode a committed add_* is in the WAL file before the
// call returns, so it survives zkbench being killed (kill -9, Ctrl-C, a crash of zkbench itself); only an OS
// crash or power loss can drop the last transactions. FULL would fsync on every run, which made the harness
// 5x slower than hyperfine for short commands; the measurements are not worth a disk flush each.
// Every write is one BEGIN IMMEDIATE ... COMMIT transaction. A SqliteStore object may be used from
// several threads (calls are serialized by a mutex).

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

#include "store/sqlite_db.hpp"
#include "store/store.hpp"

namespace zkbench::store {

class SqliteStore final : public Store {
public:
  /// How long a statement waits for another process's lock before failing.
  static constexpr int k_busy_timeout_ms = 30'000;
  /// The WAL's length, in pages, past which a commit checkpoints it into the database file (SQLite's
  /// default is 1,000). A run of a gated command writes 3 pages (its row, its index entry and its
  /// run_load row; 4 before schema 9): at the default, 300 such runs of `true` checkpointed once in the
  /// middle of the loop (two fdatasyncs, 6 ms on the development machine's disk). At this length a
  /// session of 1,300 such runs is checkpointed once, when the store is closed.
  static constexpr int k_wal_autocheckpoint_pages = 4096;

  /// Opens or creates the database at `path` (its folder must exist) and migrates it to the latest
  /// schema. Errors name the file: not a database, a newer schema, not a zkbench store, SQLite's
  /// message (read-only location, a directory in the way, ...).
  static Result<std::unique_ptr<SqliteStore>> open(const std::filesystem::path& path);

  Result<std::int64_t> begin_session(const SessionInfo& info) override;
  Result<std::int64_t> import_session(const SessionRecord& record) override;
  Result<void> finish_session(std::int64_t session_id, SessionStatus status) override;
  Result<std::int64_t> add_benchmark(std::int64_t session_id, const core::Benchmark& benchmark) override;
  Result<std::int64_t> add_run(std::int64_t benchmark_id, const core::Run& run) override;
  Result<void> update_contention(std::span<const std::pair<std::int64_t, core::RunContention>> runs) override;
  Result<std::vector<SessionRecord>> list_sessions(std::size_t limit) override;
  Result<SessionRecord> get_session(std::int64_t session_id) override;
  Result<std::vector<core::Benchmark>> load_benchmarks(std::int64_t session_id) override;
  Result<std::int64_t> add_baseline(const BaselineRecord& baseline) override;
  Result<std::vector<BaselineRecord>> list_baselines() override;
  Result<ExperimentRecord> add_experiment(const ExperimentRecord& experiment) override;
  Result<void> update_experiment(const ExperimentRecord& experiment) override;
  Result<std::vector<ExperimentRecord>> list_experiments() override;
  Result<std::optional<ExperimentRecord>> get_experiment(core::ExperimentNumber number) override;
  Result<void> link_session(const SessionLink& link) override;
  Result<std::vector<SessionLink>> session_links(const std::string& owner, std::int64_t owner_id) override;
  Result<std::vector<SessionLink>> list_session_links() override;
  Result<std::int64_t> add_note(const NoteRecord& note) override;
  Result<void> set_note_done(std::int64_t note_id, bool done) override;
  Result<std::vector<NoteRecord>> list_notes(const std::string& kind) override;
  Result<std::int64_t> add_conflict(const ConflictRecord& conflict) override;
  Result<std::vector<ConflictRecord>> list_conflicts() override;
  Result<std::int64_t> add_profile(const ProfileRecord& profile) override;
  Result<std::vector<ProfileRecord>> list_profiles() override;
  Result<ProfileRecord> get_profile(std::int64_t profile_id) override;
  int schema_version() const override { return m_schema_version; }
  std::filesystem::path artifacts_dir() const override;
  std::string location() const override { return m_db.path().string(); }

private:
  /// Prepares the shared statement text `text` (store_sql.hpp) rendered for SQLite.
  Result<Statement> prepare(const char* text);
  /// The statement for `text`, prepared on first use and reset (bindings cleared) for this one.
  Result<Statement*> cached(const char* text);
  SqliteStore(SqliteDb db, int schema_version, std::filesystem::path artifacts_dir)
      : m_db(std::move(db)), m_schema_version(schema_version), m_artifacts_dir(std::move(artifacts_dir)) {}

  /// Fails (naming the store) unless `find_sql` (a store_sql.hpp k_find_*: `$1` the id) finds a row.
  Result<void> require_row(const char* find_sql, const char* what, std::int64_t id);
  /// Reads every row of a statement that selects sql::k_list_sessions' columns (read_session).
  Result<std::vector<SessionRecord>> read_sessions(Statement& stmt);
  Result<std::vector<core::Run>> load_runs(std::int64_t benchmark_id);
  Result<void> insert_run_details(std::int64_t run_id, const core::Run& run);

  std::mutex m_mutex;
  SqliteDb m_db;
  int m_schema_version = 0;
  std::filesystem::path m_artifacts_dir; // absolute, fixed at open (a later chdir does not move it)
  // Prepared once, reused (reset) by the per-run path: parsing SQL each run was most of the store's
  // share of zkbench's own time per run. Declared after m_db, so finalized before it closes.
  std::map<std::string, Statement, std::less<>> m_statements;
};

} // namespace zkbench::store
