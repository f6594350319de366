#pragma once
// The job queue on an SQLite store: claims run in a BEGIN IMMEDIATE transaction, which holds the
// database's write lock, so two workers never take the same job (they wait for each other's short
// transaction instead of skipping). Suits one machine or a shared folder; a fleet uses PostgreSQL.

#include <memory>
#include <mutex>

#include "queue/job_queue.hpp"
#include "store/sqlite_db.hpp"

namespace zkbench::queue {

class SqliteQueue final : public JobQueue {
public:
  /// Opens the store file at `path` (which must exist and be migrated: open_queue does both).
  static Result<std::unique_ptr<SqliteQueue>> open(const std::string& path);

  Result<std::int64_t> submit(const JobSpec& spec) override;
  Result<std::optional<Job>> claim(std::string_view kind, std::string_view machine_class, std::string_view worker,
                                   std::int64_t lease_us) override;
  Result<bool> heartbeat(const Lease& lease, std::int64_t lease_us) override;
  Result<bool> finish(const Lease& lease, JobStatus status, const std::string& result_json) override;
  Result<std::optional<Job>> claim_job(std::int64_t id, std::string_view worker, std::int64_t lease_us) override;
  Result<bool> close(std::int64_t id, JobStatus status, const std::string& result_json) override;
  Result<bool> set_payload(std::int64_t id, const std::string& payload_json) override;
  Result<std::vector<Job>> list(std::size_t limit) override;
  Result<Job> get(std::int64_t id) override;
  std::string location() const override { return m_db.path().string(); }

private:
  explicit SqliteQueue(store::SqliteDb db) : m_db(std::move(db)) {}
  Result<std::vector<Job>> read_jobs(store::Statement& stmt);

  std::mutex m_mutex;
  store::SqliteDb m_db;
};

} // namespace zkbench::queue
