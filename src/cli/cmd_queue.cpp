// `zkbench queue`: the jobs of the store's queue (queued, running, done, failed), newest first, with
// the state Slurm gives the jobs it runs (squeue, sacct where accounting is set up); jobs Slurm ended
// without their worker recording it (time limit, scancel, a lost node) are closed on the way.
// `zkbench queue cancel ID`: cancels a queued or running job of either kind (scancel for Slurm's).
#include <map>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "cli/store_location.hpp"
#include "queue/job_payload.hpp"
#include "queue/job_queue.hpp"
#include "queue/slurm_client.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"

namespace zkbench::cli {

namespace {

struct QueueOptions {
  std::string store;
  std::size_t limit = 50;
  bool json = false;
  std::int64_t cancel_id = 0;
};

using SlurmStates = std::map<std::int64_t, queue::slurm::JobState>;

/// How a job ended, from its result's "ended" ("timed_out", "cancelled", "lost", ...); empty when not said.
std::string ended_of(const queue::Job& job) {
  if (!job.result_json) {
    return "";
  }
  const auto result = nlohmann::json::parse(*job.result_json, nullptr, false);
  return result.is_object() && result.contains("ended") && result["ended"].is_string() ? result["ended"].get<std::string>()
                                                                                        : "";
}

/// The status column: the stored status, or how a failed job ended when that is known.
std::string status_label(const queue::Job& job) {
  const std::string ended = ended_of(job);
  return job.status == queue::JobStatus::failed && !ended.empty() ? ended : queue::to_string(job.status);
}

/// "slurm 12 RUNNING vm", "slurm 13 PENDING (Dependency)"; "-" for a job of the store's own queue.
std::string slurm_label(const queue::Job& job, const SlurmStates& states) {
  const auto id = queue::slurm::slurm_job_id(job);
  if (!id) {
    return "-";
  }
  const auto it = states.find(job.id);
  if (it == states.end()) {
    return fmt::format("slurm {}", *id);
  }
  const auto& state = it->second;
  // Where it runs, or why it waits (a pending job's reason; an ended one's would only confuse).
  const std::string where = !state.nodes.empty()                                       ? state.nodes
                            : state.state != "PENDING" || state.reason.empty() ? ""
                                                                                : "(" + state.reason + ")";
  return fmt::format("slurm {} {}{}{}", *id, state.state, where.empty() ? "" : " ", where);
}

nlohmann::json json_or_null(const std::optional<std::string>& text) {
  return text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json();
}

template <typename T>
nlohmann::json value_or_null(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

nlohmann::json slurm_json(const queue::Job& job, const SlurmStates& states) {
  const auto id = queue::slurm::slurm_job_id(job);
  if (!id) {
    return nullptr;
  }
  nlohmann::json out = {{"job_id", *id}};
  if (const auto it = states.find(job.id); it != states.end()) {
    out["state"] = it->second.state;
    out["nodes"] = it->second.nodes;
    out["reason"] = it->second.reason;
    out["time_used"] = it->second.time_used;
    out["time_limit"] = it->second.time_limit;
  }
  return out;
}

nlohmann::json job_json(const queue::Job& job, const SlurmStates& states) {
  const std::string ended = ended_of(job);
  return {{"id", job.id},
          {"kind", job.spec.kind},
          {"class", job.spec.machine_class},
          {"status", queue::to_string(job.status)},
          {"ended", ended.empty() ? nlohmann::json() : nlohmann::json(ended)},
          {"slurm", slurm_json(job, states)},
          {"attempts", job.attempts},
          {"max_attempts", job.spec.max_attempts},
          {"worker", value_or_null(job.worker)},
          {"payload", nlohmann::json::parse(job.spec.payload_json, nullptr, false)},
          {"result", json_or_null(job.result_json)},
          {"created_at_us", job.created_at_us},
          {"started_at_us", value_or_null(job.started_at_us)},
          {"heartbeat_at_us", value_or_null(job.heartbeat_at_us)},
          {"lease_expires_at_us", value_or_null(job.lease_expires_at_us)},
          {"finished_at_us", value_or_null(job.finished_at_us)}};
}

/// What a job runs, for the table: the zkbench arguments, or the task's id and name.
std::string job_what(const queue::Job& job) {
  const auto payload = nlohmann::json::parse(job.spec.payload_json, nullptr, false);
  if (payload.contains("argv") && payload["argv"].is_array()) {
    return "zkbench " + queue::argv_text(payload["argv"]);
  }
  if (payload.contains("id") || payload.contains("name")) {
    return fmt::format("task {} {}", payload.value("id", ""), payload.value("name", ""));
  }
  return job.spec.payload_json;
}

int list_jobs(const QueueOptions& options) {
  auto queue = value_or_fatal(queue::open_queue(store_location(options.store)));
  auto jobs = value_or_fatal(queue->list(options.limit));
  // Slurm being unreachable does not hide the store's jobs: they are listed without its states.
  auto synced = queue::slurm::sync_jobs(*queue, jobs);
  if (!synced) {
    fmt::print(stderr, "warning: Slurm's states are missing: {}\n", synced.error().message);
  }
  const SlurmStates states = synced ? std::move(*synced) : SlurmStates{};
  if (options.json) {
    nlohmann::json out = {{"store", queue->location()}, {"jobs", nlohmann::json::array()}};
    for (const auto& job : jobs) {
      out["jobs"].push_back(job_json(job, states));
    }
    fmt::print("{}\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    return static_cast<int>(ExitCode::success);
  }
  if (jobs.empty()) {
    fmt::print("no jobs in store '{}'\n", queue->location());
    return static_cast<int>(ExitCode::success);
  }
  const std::int64_t now = util::unix_now_us();
  fmt::print("{:>6}  {:<10}  {:<9}  {:>8}  {:<24}  {:<28}  {:>8}  {}\n", "ID", "CLASS", "STATUS", "ATTEMPTS",
             "WORKER", "SLURM", "AGE", "WHAT");
  for (const auto& job : jobs) {
    fmt::print("{:>6}  {:<10}  {:<9}  {:>8}  {:<24}  {:<28}  {:>7}s  {}\n", job.id, job.spec.machine_class,
               status_label(job), fmt::format("{}/{}", job.attempts, job.spec.max_attempts), job.worker.value_or("-"),
               slurm_label(job, states), (now - job.created_at_us) / 1'000'000, job_what(job));
  }
  return static_cast<int>(ExitCode::success);
}

/// Cancels a queued or running job: scancel for a Slurm job, then the job is closed as cancelled (a
/// worker still running a job of the store's queue loses its lease at its next heartbeat and stops it).
int cancel_job(const QueueOptions& options) {
  auto queue = value_or_fatal(queue::open_queue(store_location(options.store)));
  const queue::Job job = value_or_fatal(queue->get(options.cancel_id));
  if (job.status != queue::JobStatus::queued && job.status != queue::JobStatus::running) {
    throw Fatal(fmt::format("job {} has already ended: {}", job.id, status_label(job)));
  }
  const auto slurm_id = queue::slurm::slurm_job_id(job);
  if (slurm_id) {
    value_or_fatal(queue::slurm::cancel(*slurm_id));
  }
  nlohmann::json result = {{"ended", "cancelled"}, {"by", "zkbench queue cancel"}};
  if (slurm_id) {
    result["slurm_job_id"] = *slurm_id;
  }
  if (!value_or_fatal(queue->close(job.id, queue::JobStatus::failed, result.dump()))) {
    const queue::Job now = value_or_fatal(queue->get(job.id));
    fmt::print("job {} ended meanwhile: {}\n", job.id, status_label(now));
    return static_cast<int>(ExitCode::success);
  }
  fmt::print("cancelled job {}{}\n", job.id, slurm_id ? fmt::format(" (Slurm job {})", *slurm_id) : "");
  return static_cast<int>(ExitCode::success);
}

} // namespace

CommandMain setup_queue(CLI::App& sub) {
  auto options = std::make_shared<QueueOptions>();
  sub.add_option("--store", options->store, k_store_help);
  sub.add_option("--limit", options->limit, "Show at most N jobs, newest first (default 50)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
  sub.add_flag("--json", options->json, "Print JSON instead of a table");
  auto* cancel = sub.add_subcommand("cancel", "Cancel a queued or running job (scancel for a Slurm job)");
  cancel->add_option("id", options->cancel_id, "The job's id (zkbench queue's ID column)")->required();
  return [options, cancel] { return cancel->parsed() ? cancel_job(*options) : list_jobs(*options); };
}

} // namespace zkbench::cli
