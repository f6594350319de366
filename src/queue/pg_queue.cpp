#include "queue/pg_queue.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "queue/job_sql.hpp"
#include "queue/pg_module.hpp"
#include "store/migrations.hpp"
#include "store/postgres_store.hpp"
#include "util/clock.hpp"

namespace zkbench::queue {

namespace {

using store::Dialect;
using store::PgParams;
using store::PgRow;
using store::pg_exec;


Result<std::vector<Job>> read_jobs(const pqxx::result& rows, const std::string& location) {
  std::vector<Job> jobs;
  for (const auto& row : rows) {
    ZKBENCH_TRY_ASSIGN(job, sql::read_job(PgRow{row}, location));
    jobs.push_back(std::move(*job));
  }
  return jobs;
}

} // namespace

Result<std::unique_ptr<PgQueue>> PgQueue::open(const std::string& url) {
  ZKBENCH_TRY_ASSIGN(db, store::PgDb::connect(url));
  ZKBENCH_TRY(store::apply_pg_migrations(*db, store::latest_schema_version()));
  return std::unique_ptr<PgQueue>(new PgQueue(std::move(*db)));
}

Result<std::int64_t> PgQueue::submit(const JobSpec& spec) {
  ZKBENCH_TRY(validate(spec));
  std::lock_guard lock(m_mutex);
  return m_db.transact("submitting a job", [&](pqxx::work& tx) -> Result<std::int64_t> {
    return store::pg_int(pg_exec(tx, sql::k_insert,
                                 PgParams()
                                     .add(spec.kind)
                                     .add(spec.payload_json)
                                     .add(spec.machine_class)
                                     .add(spec.max_attempts)
                                     .add(util::unix_now_us()))[0][0]);
  });
}

Result<std::optional<Job>> PgQueue::claim(std::string_view kind, std::string_view machine_class,
                                          std::string_view worker, std::int64_t lease_us) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("claiming a job", [&](pqxx::work& tx) -> Result<std::optional<Job>> {
    const std::int64_t now = util::unix_now_us();
    pg_exec(tx, sql::for_dialect(sql::k_expire, Dialect::postgresql),
            PgParams().add(now).add(sql::k_expired_result).add(kind));
    // SKIP LOCKED: a job another claimer is taking right now is passed over, not waited for.
    const pqxx::result picked = pg_exec(tx, sql::for_dialect(sql::k_pick, Dialect::postgresql),
                                        PgParams().add(kind).add(machine_class).add(now));
    if (picked.empty()) {
      return std::optional<Job>();
    }
    const std::int64_t id = store::pg_int(picked[0][0]);
    pg_exec(tx, sql::k_take,
            PgParams().add(worker).add(new_lease_token()).add(now + lease_us).add(now).add(id));
    ZKBENCH_TRY_ASSIGN(jobs, read_jobs(pg_exec(tx, sql::select_jobs("WHERE id = $1"), PgParams().add(id)),
                                       location()));
    return std::optional<Job>(std::move(jobs->front()));
  });
}

Result<bool> PgQueue::heartbeat(const Lease& lease, std::int64_t lease_us) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("heartbeating a job", [&](pqxx::work& tx) -> Result<bool> {
    const std::int64_t now = util::unix_now_us();
    return pg_exec(tx, sql::k_heartbeat, PgParams().add(now + lease_us).add(now).add(lease.job_id).add(lease.token))
               .affected_rows() == 1;
  });
}

Result<bool> PgQueue::finish(const Lease& lease, JobStatus status, const std::string& result_json) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("finishing a job", [&](pqxx::work& tx) -> Result<bool> {
    return pg_exec(tx, sql::k_finish,
                   PgParams()
                       .add(to_string(status))
                       .add(result_json)
                       .add(util::unix_now_us())
                       .add(lease.job_id)
                       .add(lease.token))
               .affected_rows() == 1;
  });
}

Result<std::optional<Job>> PgQueue::claim_job(std::int64_t id, std::string_view worker, std::int64_t lease_us) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("claiming a job", [&](pqxx::work& tx) -> Result<std::optional<Job>> {
    const std::int64_t now = util::unix_now_us();
    const bool taken =
        pg_exec(tx, sql::k_take_queued, PgParams().add(worker).add(new_lease_token()).add(now + lease_us).add(now).add(id))
            .affected_rows() == 1;
    ZKBENCH_TRY_ASSIGN(jobs, read_jobs(pg_exec(tx, sql::select_jobs("WHERE id = $1"), PgParams().add(id)),
                                       location()));
    if (jobs->empty()) {
      return make_error(fmt::format("no job {} in store '{}'", id, location()));
    }
    return taken ? std::optional<Job>(std::move(jobs->front())) : std::optional<Job>();
  });
}

Result<bool> PgQueue::close(std::int64_t id, JobStatus status, const std::string& result_json) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("closing a job", [&](pqxx::work& tx) -> Result<bool> {
    return pg_exec(tx, sql::k_close, PgParams().add(to_string(status)).add(result_json).add(util::unix_now_us()).add(id))
               .affected_rows() == 1;
  });
}

Result<bool> PgQueue::set_payload(std::int64_t id, const std::string& payload_json) {
  ZKBENCH_TRY(validate_payload(payload_json));
  std::lock_guard lock(m_mutex);
  return m_db.transact("updating a job", [&](pqxx::work& tx) -> Result<bool> {
    return pg_exec(tx, sql::k_set_payload, PgParams().add(payload_json).add(id)).affected_rows() == 1;
  });
}

Result<std::vector<Job>> PgQueue::list(std::size_t limit) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("listing jobs", [&](pqxx::work& tx) {
    const auto max = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
    return read_jobs(pg_exec(tx, sql::select_jobs("ORDER BY id DESC LIMIT $1"),
                             PgParams().add(static_cast<std::int64_t>(std::min(limit, max)))),
                     location());
  });
}

Result<Job> PgQueue::get(std::int64_t id) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("reading a job", [&](pqxx::work& tx) -> Result<Job> {
    ZKBENCH_TRY_ASSIGN(jobs, read_jobs(pg_exec(tx, sql::select_jobs("WHERE id = $1"), PgParams().add(id)),
                                       location()));
    if (jobs->empty()) {
      return make_error(fmt::format("no job {} in store '{}'", id, location()));
    }
    return std::move(jobs->front());
  });
}

} // namespace zkbench::queue

extern "C" void zkbench_pg_open_queue(const std::string* url,
                                      zkbench::Result<std::unique_ptr<zkbench::queue::JobQueue>>* out) {
  auto queue = zkbench::queue::PgQueue::open(*url);
  if (queue) {
    *out = std::unique_ptr<zkbench::queue::JobQueue>(std::move(*queue));
  } else {
    *out = tl::unexpected(std::move(queue.error()));
  }
}
