#pragma once
// The job queue on a PostgreSQL store, for a fleet: claims pick with SELECT ... FOR UPDATE SKIP
// LOCKED, so concurrent workers each take a different job without waiting on each other.

#include <memory>
#include <mutex>

#include "queue/job_queue.hpp"
#include "store/pg_db.hpp"

namespace zkbench::queue {

class PgQueue final : public JobQueue {
public:
  /// Connects to `url` and migrates the database to the latest schema.
  static Result<std::unique_ptr<PgQueue>> open(const std::string& url);

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
  std::string location() const override { return m_db.location(); }

private:
  explicit PgQueue(store::PgDb db) : m_db(std::move(db)) {}

  std::mutex m_mutex;
  store::PgDb m_db;
};

} // namespace zkbench::queue
