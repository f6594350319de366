#include "dashboard/dashboard_slurm.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "queue/job_payload.hpp"
#include "queue/job_queue.hpp"
#include "queue/slurm_batch.hpp"
#include "queue/slurm_client.hpp"
#include "util/strings.hpp"

namespace zkbench::dashboard {

namespace {

namespace slurm = queue::slurm;

constexpr std::size_t k_recent_jobs = 200;

report::CurrentRun current_of(const queue::Job& job, const slurm::JobState& state) {
  report::CurrentRun current;
  auto payload = nlohmann::json::parse(job.spec.payload_json, nullptr, false);
  if (!payload.is_object()) {
    payload = nlohmann::json::object();
  }
  current.name = queue::argv_text(payload.value("argv", nlohmann::json::array()));
  const nlohmann::json experiment = payload.value("experiment", nlohmann::json());
  current.experiment = experiment.is_string() ? util::parse_int(experiment.get<std::string>()).value_or(0) : 0;
  current.scheduler_job = fmt::format("Slurm job {}", state.job_id);
  current.node = state.nodes;
  current.state = state.reason.empty() || state.reason == "None" || !state.nodes.empty()
                      ? state.state
                      : fmt::format("{} ({})", state.state, state.reason);
  return current;
}

} // namespace

std::optional<report::CurrentRun> scheduled_run(const std::string& store_location) {
  if (store_location.empty() || !slurm::available()) {
    return std::nullopt;
  }
  auto queue = queue::open_queue(store_location);
  if (!queue) {
    return std::nullopt;
  }
  auto jobs = (*queue)->list(k_recent_jobs);
  if (!jobs) {
    return std::nullopt;
  }
  std::vector<std::int64_t> ids;
  for (const queue::Job& job : *jobs) {
    const bool is_open = job.status == queue::JobStatus::queued || job.status == queue::JobStatus::running;
    if (const auto id = slurm::slurm_job_id(job); is_open && job.spec.kind == slurm::k_job_kind && id) {
      ids.push_back(*id);
    }
  }
  if (ids.empty()) {
    return std::nullopt;
  }
  const auto states = slurm::states(ids);
  if (!states) {
    return std::nullopt;
  }
  std::optional<report::CurrentRun> waiting;
  for (const queue::Job& job : *jobs) { // newest first: the last waiting one seen is the oldest
    const auto id = slurm::slurm_job_id(job);
    const auto it = id ? states->find(*id) : states->end();
    if (it == states->end() || slurm::ending_of(it->second.state) != slurm::Ending::open) {
      continue;
    }
    if (it->second.state == "RUNNING") {
      return current_of(job, it->second);
    }
    waiting = current_of(job, it->second);
  }
  return waiting;
}

} // namespace zkbench::dashboard
