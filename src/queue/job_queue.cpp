#include "queue/job_queue.hpp"

#include <array>
#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "queue/pg_queue.hpp"
#include "queue/sqlite_queue.hpp"
#include "store/store.hpp"

namespace zkbench::queue {

namespace {

constexpr std::array k_statuses = {JobStatus::queued, JobStatus::running, JobStatus::done, JobStatus::failed};

} // namespace

const char* to_string(JobStatus status) {
  switch (status) {
  case JobStatus::queued:
    return "queued";
  case JobStatus::running:
    return "running";
  case JobStatus::done:
    return "done";
  case JobStatus::failed:
    return "failed";
  }
  return "unknown";
}

std::optional<JobStatus> job_status_from_string(std::string_view text) {
  for (JobStatus status : k_statuses) {
    if (text == to_string(status)) {
      return status;
    }
  }
  return std::nullopt;
}

std::string new_lease_token() {
  std::random_device device;
  std::uniform_int_distribution<std::uint64_t> digits;
  return fmt::format("{:016x}{:016x}", digits(device), digits(device));
}

Result<void> validate(const JobSpec& spec) {
  if (spec.kind.empty() || spec.machine_class.empty()) {
    return make_error("a job needs a kind and a machine class");
  }
  if (spec.max_attempts < 1) {
    return make_error(fmt::format("a job needs at least one attempt, not {}", spec.max_attempts));
  }
  return validate_payload(spec.payload_json);
}

Result<void> validate_payload(const std::string& payload_json) {
  if (!nlohmann::json::parse(payload_json, nullptr, false).is_object()) {
    return make_error("a job's payload must be a JSON object");
  }
  return {};
}

Result<std::unique_ptr<JobQueue>> open_queue(const std::string& location) {
  if (store::is_postgresql_url(location)) {
    ZKBENCH_TRY_ASSIGN(queue, PgQueue::open(location));
    return std::unique_ptr<JobQueue>(std::move(*queue));
  }
  // open_store creates the file and folder and migrates it, with its clear errors; the queue then
  // keeps a connection of its own.
  ZKBENCH_TRY(store::open_store(location));
  ZKBENCH_TRY_ASSIGN(queue, SqliteQueue::open(location));
  return std::unique_ptr<JobQueue>(std::move(*queue));
}

} // namespace zkbench::queue
