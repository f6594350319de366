#pragma once
// The PostgreSQL backend of the Store interface (libpqxx), for teams that share one store.
//
// Same schema and versions as SQLite (migrations.cpp rendered with Dialect::postgresql). Each add_*
// is one transaction, committed before it returns. Concurrent writers are safe: a benchmark's
// position and a run's index are decided under a row lock of their session / benchmark. Migrating is
// serialized between processes by an advisory lock. A PostgresStore may be used from several threads
// (calls are serialized by a mutex); a process that forks must open its own. Experiment numbers are
// assigned under a transaction-scoped advisory lock, so concurrent `exp new` get different numbers.
//
// Messages name the store by its URL with the password replaced by "***".

#include <memory>
#include <mutex>
#include <string>

#include "store/pg_db.hpp"
#include "store/store.hpp"

namespace zkbench::store {

class PostgresStore final : public Store {
public:
  /// Connects to `url` (postgresql://user:password@host:port/database) and migrates the database to
  /// the latest schema. With `schema`, the store lives in that schema (created when missing) instead
  /// of the connection's default one: tests use one per test. Errors: the server's message, a newer
  /// schema, a database whose schema has tables but is not a zkbench store.
  static Result<std::unique_ptr<PostgresStore>> open(const std::string& url, const std::string& schema = {});

  Result<std::int64_t> begin_session(const SessionInfo& info) override;
  Result<std::int64_t> import_session(const SessionRecord& record) override;
  Result<void> finish_session(std::int64_t session_id, SessionStatus status) override;
  Result<std::int64_t> add_benchmark(std::int64_t session_id, const core::Benchmark& benchmark) override;
  Result<std::int64_t> add_run(std::int64_t benchmark_id, const core::Run& run) override;
  Result<void> update_contention(std::span<const std::pair<std::int64_t, core::RunContention>> runs) override;
  Result<std::vector<SessionRecord>> list_sessions(std::size_t limit) override;
  Result<SessionRecord> get_session(std::int64_t session_id) override;
  Result<std::vector<core::Benchmark>> load_benchmarks(std::int64_t session_id) override;
  // The workflow's records (postgres_workflow.cpp).
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
  /// `.zkbench/artifacts` under the working folder at open: run logs of a shared store stay on the
  /// machine that measured them (the runs keep their paths).
  std::filesystem::path artifacts_dir() const override;
  std::string location() const override { return m_db.location(); }

private:
  PostgresStore(PgDb db, int schema_version, std::filesystem::path artifacts_dir)
      : m_db(std::move(db)), m_schema_version(schema_version), m_artifacts_dir(std::move(artifacts_dir)) {}

  /// Fails (naming the store) unless `find_sql` (a store_sql.hpp k_find_*: `$1` the id) finds a row in
  /// `tx`, with the lock that statement takes.
  Result<void> require_row(pqxx::work& tx, const char* find_sql, const char* what, std::int64_t id);

  std::mutex m_mutex;
  PgDb m_db;
  int m_schema_version = 0;
  std::filesystem::path m_artifacts_dir;
};

/// Brings the database of `db` (its current schema) to schema version `target` in one transaction,
/// serialized with other processes by an advisory lock; returns the resulting version. Errors as
/// migrations.hpp's apply_migrations.
Result<int> apply_pg_migrations(PgDb& db, int target);

} // namespace zkbench::store
