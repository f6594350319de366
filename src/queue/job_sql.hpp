#pragma once
// The SQL of the job queue, shared by the SQLite and PostgreSQL backends, in the shared text of
// store/sql_dialect.hpp. Parameters are written $1, $2, ... in order of first appearance, so SQLite
// also binds them right unrendered; `{skip_locked}` marks where PostgreSQL adds FOR UPDATE SKIP LOCKED
// (render with for_dialect()).

#include <optional>
#include <string>

#include <fmt/format.h>

#include "queue/job_queue.hpp"
#include "store/sql_dialect.hpp"

namespace zkbench::queue::sql {

inline constexpr const char* k_columns =
    "id, kind, payload, machine_class, max_attempts, status, attempts, worker, lease_token, "
    "lease_expires_at_us, heartbeat_at_us, result, created_at_us, started_at_us, finished_at_us";

inline constexpr const char* k_insert =
    "INSERT INTO jobs (kind, payload, machine_class, max_attempts, status, created_at_us) "
    "VALUES ($1, $2, $3, $4, 'queued', $5) RETURNING id";

// $1 now, $2 the result recorded for the job, $3 the claimer's kind: a claimer expires only jobs of its
// own kind (a Slurm job's row is closed from Slurm's state, never by a queue worker's claim).
inline constexpr const char* k_expire =
    "UPDATE jobs SET status = 'failed', finished_at_us = $1, result = $2 WHERE id IN (SELECT id FROM jobs "
    "WHERE status = 'running' AND lease_expires_at_us < $1 AND attempts >= max_attempts AND kind = $3{skip_locked})";

// $1 kind, $2 class, $3 now.
inline constexpr const char* k_pick =
    "SELECT id FROM jobs WHERE kind = $1 AND machine_class = $2 AND (status = 'queued' OR "
    "(status = 'running' AND lease_expires_at_us < $3 AND attempts < max_attempts)) ORDER BY id LIMIT 1{skip_locked}";

// $1 worker, $2 token, $3 lease expiry, $4 now, $5 id.
inline constexpr const char* k_take =
    "UPDATE jobs SET status = 'running', attempts = attempts + 1, worker = $1, lease_token = $2, "
    "lease_expires_at_us = $3, heartbeat_at_us = $4, started_at_us = $4, result = NULL, finished_at_us = NULL "
    "WHERE id = $5";

// $1 lease expiry, $2 now, $3 id, $4 token.
inline constexpr const char* k_heartbeat =
    "UPDATE jobs SET lease_expires_at_us = $1, heartbeat_at_us = $2 "
    "WHERE id = $3 AND lease_token = $4 AND status = 'running'";

// $1 status, $2 result, $3 now, $4 id, $5 token.
inline constexpr const char* k_finish =
    "UPDATE jobs SET status = $1, result = $2, finished_at_us = $3 "
    "WHERE id = $4 AND lease_token = $5 AND status = 'running'";

// $1 worker, $2 token, $3 lease expiry, $4 now, $5 id: claim_job, only while queued.
inline constexpr const char* k_take_queued =
    "UPDATE jobs SET status = 'running', attempts = attempts + 1, worker = $1, lease_token = $2, "
    "lease_expires_at_us = $3, heartbeat_at_us = $4, started_at_us = $4, result = NULL, finished_at_us = NULL "
    "WHERE id = $5 AND status = 'queued'";

// $1 status, $2 result, $3 now, $4 id: close, without a lease.
inline constexpr const char* k_close =
    "UPDATE jobs SET status = $1, result = $2, finished_at_us = $3, lease_token = NULL "
    "WHERE id = $4 AND status IN ('queued', 'running')";

// $1 payload, $2 id.
inline constexpr const char* k_set_payload = "UPDATE jobs SET payload = $1 WHERE id = $2";

inline constexpr const char* k_expired_result = R"({"error":"lease expired after the last attempt"})";

inline std::string for_dialect(const char* text, store::Dialect dialect) {
  return store::render_sql(text, dialect);
}

inline std::string select_jobs(const char* tail) {
  return fmt::format("SELECT {} FROM jobs {}", k_columns, tail);
}

/// Reads a row of k_columns through `row` (store::SqliteRow or store::PgRow). Error: an unknown status.
template <typename Row>
Result<Job> read_job(const Row& row, const std::string& location) {
  Job job;
  job.id = row.int_at(0);
  job.spec.kind = row.text_at(1);
  job.spec.payload_json = row.text_at(2);
  job.spec.machine_class = row.text_at(3);
  job.spec.max_attempts = static_cast<int>(row.int_at(4));
  const std::string status = row.text_at(5);
  const auto parsed = job_status_from_string(status);
  if (!parsed) {
    return make_error(fmt::format("store '{}': job {} has unknown status '{}'", location, job.id, status));
  }
  job.status = *parsed;
  job.attempts = static_cast<int>(row.int_at(6));
  job.worker = row.optional_text_at(7);
  job.lease_token = row.optional_text_at(8);
  job.lease_expires_at_us = row.optional_int_at(9);
  job.heartbeat_at_us = row.optional_int_at(10);
  job.result_json = row.optional_text_at(11);
  job.created_at_us = row.int_at(12);
  job.started_at_us = row.optional_int_at(13);
  job.finished_at_us = row.optional_int_at(14);
  return job;
}

} // namespace zkbench::queue::sql
