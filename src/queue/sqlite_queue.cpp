#include "queue/sqlite_queue.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "queue/job_sql.hpp"
#include "store/sqlite_store.hpp"
#include "util/clock.hpp"

namespace zkbench::queue {

namespace {

using store::Dialect;
using store::SqliteRow;
using store::Statement;


/// Gives job `id` to `worker` with a fresh lease (`take_sql`: sql::k_take or sql::k_take_queued).
Result<void> take_job(store::SqliteDb& db, const char* take_sql, std::int64_t id, std::string_view worker,
                      std::int64_t now, std::int64_t lease_us) {
  ZKBENCH_TRY_ASSIGN(take, db.prepare(take_sql));
  ZKBENCH_TRY(take->bind(1, worker));
  ZKBENCH_TRY(take->bind(2, std::string_view(new_lease_token())));
  ZKBENCH_TRY(take->bind(3, now + lease_us));
  ZKBENCH_TRY(take->bind(4, now));
  ZKBENCH_TRY(take->bind(5, id));
  return take->run();
}

} // namespace

Result<std::unique_ptr<SqliteQueue>> SqliteQueue::open(const std::string& path) {
  ZKBENCH_TRY_ASSIGN(db, store::SqliteDb::open(path, store::OpenFlags::read_write));
  ZKBENCH_TRY(db->set_busy_timeout(store::SqliteStore::k_busy_timeout_ms));
  ZKBENCH_TRY(db->exec("PRAGMA synchronous = FULL"));
  return std::unique_ptr<SqliteQueue>(new SqliteQueue(std::move(*db)));
}

Result<std::int64_t> SqliteQueue::submit(const JobSpec& spec) {
  ZKBENCH_TRY(validate(spec));
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(sql::k_insert));
  ZKBENCH_TRY(stmt->bind(1, std::string_view(spec.kind)));
  ZKBENCH_TRY(stmt->bind(2, std::string_view(spec.payload_json)));
  ZKBENCH_TRY(stmt->bind(3, std::string_view(spec.machine_class)));
  ZKBENCH_TRY(stmt->bind(4, std::int64_t{spec.max_attempts}));
  ZKBENCH_TRY(stmt->bind(5, util::unix_now_us()));
  return stmt->single_int();
}

Result<std::optional<Job>> SqliteQueue::claim(std::string_view kind, std::string_view machine_class,
                                              std::string_view worker, std::int64_t lease_us) {
  std::lock_guard lock(m_mutex);
  // The write lock for the whole claim: pick and take cannot interleave with another claimer's.
  ZKBENCH_TRY_ASSIGN(transaction, store::Transaction::begin(m_db));
  const std::int64_t now = util::unix_now_us();
  ZKBENCH_TRY_ASSIGN(expire, m_db.prepare(sql::for_dialect(sql::k_expire, Dialect::sqlite)));
  ZKBENCH_TRY(expire->bind(1, now));
  ZKBENCH_TRY(expire->bind(2, std::string_view(sql::k_expired_result)));
  ZKBENCH_TRY(expire->bind(3, kind));
  ZKBENCH_TRY(expire->run());
  ZKBENCH_TRY_ASSIGN(pick, m_db.prepare(sql::for_dialect(sql::k_pick, Dialect::sqlite)));
  ZKBENCH_TRY(pick->bind(1, kind));
  ZKBENCH_TRY(pick->bind(2, machine_class));
  ZKBENCH_TRY(pick->bind(3, now));
  ZKBENCH_TRY_ASSIGN(found, pick->step());
  if (!*found) {
    ZKBENCH_TRY(transaction->commit());
    return std::optional<Job>();
  }
  const std::int64_t id = pick->column_int(0);
  ZKBENCH_TRY(take_job(m_db, sql::k_take, id, worker, now, lease_us));
  ZKBENCH_TRY_ASSIGN(read, m_db.prepare(sql::select_jobs("WHERE id = $1")));
  ZKBENCH_TRY(read->bind(1, id));
  ZKBENCH_TRY_ASSIGN(jobs, read_jobs(*read));
  ZKBENCH_TRY(transaction->commit());
  return std::optional<Job>(std::move(jobs->front()));
}

Result<bool> SqliteQueue::heartbeat(const Lease& lease, std::int64_t lease_us) {
  std::lock_guard lock(m_mutex);
  const std::int64_t now = util::unix_now_us();
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(sql::k_heartbeat));
  ZKBENCH_TRY(stmt->bind(1, now + lease_us));
  ZKBENCH_TRY(stmt->bind(2, now));
  ZKBENCH_TRY(stmt->bind(3, lease.job_id));
  ZKBENCH_TRY(stmt->bind(4, std::string_view(lease.token)));
  ZKBENCH_TRY(stmt->run());
  return m_db.changes() == 1;
}

Result<bool> SqliteQueue::finish(const Lease& lease, JobStatus status, const std::string& result_json) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(sql::k_finish));
  ZKBENCH_TRY(stmt->bind(1, std::string_view(to_string(status))));
  ZKBENCH_TRY(stmt->bind(2, std::string_view(result_json)));
  ZKBENCH_TRY(stmt->bind(3, util::unix_now_us()));
  ZKBENCH_TRY(stmt->bind(4, lease.job_id));
  ZKBENCH_TRY(stmt->bind(5, std::string_view(lease.token)));
  ZKBENCH_TRY(stmt->run());
  return m_db.changes() == 1;
}

Result<std::optional<Job>> SqliteQueue::claim_job(std::int64_t id, std::string_view worker, std::int64_t lease_us) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(transaction, store::Transaction::begin(m_db));
  const std::int64_t now = util::unix_now_us();
  ZKBENCH_TRY(take_job(m_db, sql::k_take_queued, id, worker, now, lease_us));
  const bool taken = m_db.changes() == 1;
  ZKBENCH_TRY_ASSIGN(read, m_db.prepare(sql::select_jobs("WHERE id = $1")));
  ZKBENCH_TRY(read->bind(1, id));
  ZKBENCH_TRY_ASSIGN(jobs, read_jobs(*read));
  ZKBENCH_TRY(transaction->commit());
  if (jobs->empty()) {
    return make_error(fmt::format("no job {} in store '{}'", id, location()));
  }
  return taken ? std::optional<Job>(std::move(jobs->front())) : std::optional<Job>();
}

Result<bool> SqliteQueue::close(std::int64_t id, JobStatus status, const std::string& result_json) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(sql::k_close));
  ZKBENCH_TRY(stmt->bind(1, std::string_view(to_string(status))));
  ZKBENCH_TRY(stmt->bind(2, std::string_view(result_json)));
  ZKBENCH_TRY(stmt->bind(3, util::unix_now_us()));
  ZKBENCH_TRY(stmt->bind(4, id));
  ZKBENCH_TRY(stmt->run());
  return m_db.changes() == 1;
}

Result<bool> SqliteQueue::set_payload(std::int64_t id, const std::string& payload_json) {
  ZKBENCH_TRY(validate_payload(payload_json));
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(sql::k_set_payload));
  ZKBENCH_TRY(stmt->bind(1, std::string_view(payload_json)));
  ZKBENCH_TRY(stmt->bind(2, id));
  ZKBENCH_TRY(stmt->run());
  return m_db.changes() == 1;
}

Result<std::vector<Job>> SqliteQueue::read_jobs(Statement& stmt) {
  std::vector<Job> jobs;
  while (true) {
    ZKBENCH_TRY_ASSIGN(row, stmt.step());
    if (!*row) {
      return jobs;
    }
    ZKBENCH_TRY_ASSIGN(job, sql::read_job(SqliteRow{stmt}, location()));
    jobs.push_back(std::move(*job));
  }
}

Result<std::vector<Job>> SqliteQueue::list(std::size_t limit) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(sql::select_jobs("ORDER BY id DESC LIMIT $1")));
  const auto max = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  ZKBENCH_TRY(stmt->bind(1, static_cast<std::int64_t>(std::min(limit, max))));
  return read_jobs(*stmt);
}

Result<Job> SqliteQueue::get(std::int64_t id) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(sql::select_jobs("WHERE id = $1")));
  ZKBENCH_TRY(stmt->bind(1, id));
  ZKBENCH_TRY_ASSIGN(jobs, read_jobs(*stmt));
  if (jobs->empty()) {
    return make_error(fmt::format("no job {} in store '{}'", id, location()));
  }
  return std::move(jobs->front());
}

} // namespace zkbench::queue
