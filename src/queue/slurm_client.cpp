#include "queue/slurm_client.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "queue/slurm_batch.hpp"
#include "util/strings.hpp"
#include "util/subprocess.hpp"

namespace zkbench::queue::slurm {

namespace {

constexpr double k_tool_timeout_s = 60;

/// Runs a Slurm tool; error when it cannot start or times out (a non-zero exit is left to the caller).
Result<util::CapturedOutput> run_tool(const std::vector<std::string>& argv) {
  ZKBENCH_TRY_ASSIGN(captured, util::capture_output(argv, k_tool_timeout_s));
  if (captured->timed_out) {
    return make_error(fmt::format("{} did not answer within {} s", argv.front(), k_tool_timeout_s));
  }
  return std::move(*captured);
}

std::string first_line(const std::string& text) {
  return std::string(util::trim(text.substr(0, text.find('\n'))));
}

std::string id_list(const std::vector<std::int64_t>& ids) {
  std::vector<std::string> parts;
  for (const std::int64_t id : ids) {
    parts.push_back(std::to_string(id));
  }
  return util::join(parts, ",");
}

} // namespace

bool available() {
  return util::find_program("sbatch").has_value();
}

Result<std::int64_t> submit(const std::vector<std::string>& sbatch_argv) {
  ZKBENCH_TRY_ASSIGN(out, run_tool(sbatch_argv));
  if (out->exit_code != 0) {
    return make_error(fmt::format("sbatch failed: {}", first_line(out->output)));
  }
  return parse_sbatch_job_id(out->output);
}

Result<std::map<std::int64_t, JobState>> states(const std::vector<std::int64_t>& ids) {
  std::map<std::int64_t, JobState> found;
  if (ids.empty()) {
    return found;
  }
  ZKBENCH_TRY_ASSIGN(listed, run_tool({"squeue", "--noheader", "--states=all", "--jobs=" + id_list(ids),
                                       std::string("--format=") + k_squeue_format}));
  // squeue exits 1 with "Invalid job id specified" when it knows none of the ids.
  if (listed->exit_code != 0 && listed->output.find("Invalid job id") == std::string::npos) {
    return make_error(fmt::format("squeue failed: {}", first_line(listed->output)));
  }
  if (listed->exit_code == 0) {
    ZKBENCH_TRY_ASSIGN(jobs, parse_squeue(listed->output));
    for (JobState& state : *jobs) {
      found[state.job_id] = std::move(state);
    }
  }
  std::vector<std::int64_t> missing;
  for (const std::int64_t id : ids) {
    if (found.count(id) == 0) {
      missing.push_back(id);
    }
  }
  if (missing.empty() || !util::find_program("sacct")) {
    return found;
  }
  // Without an accounting daemon sacct says "Slurm accounting storage is disabled" and exits 1: then
  // those jobs are simply unknown.
  const auto accounted = run_tool({"sacct", "--noheader", "--parsable2", "--allocations", "--jobs=" + id_list(missing),
                                   std::string("--format=") + k_sacct_fields});
  if (accounted && accounted->exit_code == 0) {
    if (auto jobs = parse_sacct(accounted->output)) {
      for (JobState& state : *jobs) {
        found[state.job_id] = std::move(state);
      }
    }
  }
  return found;
}

Result<std::optional<JobState>> job(std::int64_t id) {
  ZKBENCH_TRY_ASSIGN(out, run_tool({"scontrol", "show", "job", "-o", std::to_string(id)}));
  if (out->exit_code != 0 && out->output.find("Invalid job id") == std::string::npos) {
    return make_error(fmt::format("scontrol show job {} failed: {}", id, first_line(out->output)));
  }
  return parse_scontrol_job(out->output);
}

Result<void> cancel(std::int64_t id) {
  ZKBENCH_TRY_ASSIGN(out, run_tool({"scancel", std::to_string(id)}));
  if (out->exit_code != 0) {
    return make_error(fmt::format("scancel {} failed: {}", id, first_line(out->output)));
  }
  return {};
}

std::optional<std::int64_t> slurm_job_id(const Job& job) {
  const auto payload = nlohmann::json::parse(job.spec.payload_json, nullptr, false);
  if (!payload.is_object() || !payload.contains("slurm") || !payload["slurm"].is_object()) {
    return std::nullopt;
  }
  const auto& id = payload["slurm"]["job_id"];
  return id.is_number_integer() ? std::optional<std::int64_t>(id.get<std::int64_t>()) : std::nullopt;
}

std::optional<Closing> closing_for(const std::optional<JobState>& state) {
  if (!state) {
    return Closing{JobStatus::failed,
                   R"({"ended":"lost","error":"Slurm no longer knows the job and its worker recorded no result"})"};
  }
  const Ending ending = ending_of(state->state);
  if (ending == Ending::open) {
    return std::nullopt;
  }
  nlohmann::json result = {{"ended", to_string(ending)}, {"slurm_job_id", state->job_id}, {"slurm_state", state->state}};
  if (!state->nodes.empty()) {
    result["node"] = state->nodes;
  }
  if (!state->exit_code.empty()) {
    result["slurm_exit_code"] = state->exit_code;
  }
  if (ending == Ending::completed) {
    // The worker records its job before it exits: a completed batch job with an open row lost its result.
    result["ended"] = "lost";
    result["error"] = "the Slurm job completed without recording a result";
  }
  return Closing{JobStatus::failed, result.dump()};
}

Result<std::map<std::int64_t, JobState>> sync_jobs(JobQueue& queue, std::vector<Job>& jobs) {
  std::vector<std::int64_t> ids;
  for (const Job& job : jobs) {
    const auto id = slurm_job_id(job);
    if (job.spec.kind == k_job_kind && id) {
      ids.push_back(*id);
    }
  }
  std::map<std::int64_t, JobState> by_queue_id;
  if (ids.empty() || !util::find_program("squeue")) {
    return by_queue_id;
  }
  ZKBENCH_TRY_ASSIGN(found, states(ids));
  for (Job& job : jobs) {
    const auto id = slurm_job_id(job);
    if (job.spec.kind != k_job_kind || !id) {
      continue;
    }
    const auto it = found->find(*id);
    std::optional<JobState> state;
    if (it != found->end()) {
      state = it->second;
      by_queue_id[job.id] = it->second;
    }
    if (job.status != JobStatus::queued && job.status != JobStatus::running) {
      continue;
    }
    if (const auto closing = closing_for(state)) {
      ZKBENCH_TRY(queue.close(job.id, closing->status, closing->result_json));
      ZKBENCH_TRY_ASSIGN(fresh, queue.get(job.id));
      job = std::move(*fresh);
    }
  }
  return by_queue_id;
}

} // namespace zkbench::queue::slurm
