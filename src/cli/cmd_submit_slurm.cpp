#include "cli/cmd_submit_slurm.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "queue/job_payload.hpp"
#include "queue/job_queue.hpp"
#include "queue/slurm_batch.hpp"
#include "queue/slurm_client.hpp"
#include "stats/descriptive.hpp"
#include "util/text.hpp"
#include "util/error.hpp"
#include "project/workspace.hpp"

namespace zkbench::cli {

namespace {

namespace slurm = queue::slurm;

/// The time limit of `job` from the newest baseline of the class; nullopt when there is none to go by
/// (a first baseline, a `run` job, a folder without zkbench.yaml).
std::optional<int> estimate_minutes(const SlurmSubmit& submit, store::Store& store, const SubmitJob& job) {
  if (!submit.project || job.experiment.empty()) {
    return std::nullopt;
  }
  const auto baseline = project::latest_baseline(store, submit.machine_class);
  if (!baseline) {
    return std::nullopt;
  }
  const auto benches = value_or_fatal(project::baseline_benchmarks(store, *baseline));
  const project::ProjectConfig& config = submit.project->config;
  const auto policy = value_or_fatal(project::project_policy(config));
  slurm::TimeLimitInputs inputs;
  for (const auto& [name, bench] : benches) {
    if (!bench.runs.empty()) {
      inputs.baseline_medians_s.push_back(stats::median(bench.wall_times()));
    }
  }
  // An inconclusive comparison extends to the policy's flaky_runs before deciding.
  inputs.runs_per_input = std::max(config.benchmark.runs, policy.flaky_runs);
  inputs.warmup = config.benchmark.warmup;
  inputs.timeout_multiplier = config.benchmark.timeout_multiplier;
  inputs.cooldown_s = config.benchmark.cooldown_seconds;
  inputs.build_s = 60 * submit.fleet.build_minutes.value_or(config.benchmark.build.empty() ? 0.0 : 15.0);
  inputs.min_minutes = submit.fleet.min_time_limit_minutes;
  return slurm::time_limit_minutes(inputs);
}

/// A store location the nodes can open from the project folder: SQLite paths made absolute.
std::string location_for_nodes(const std::string& location) {
  if (store::is_postgresql_url(location)) {
    return location;
  }
  return std::filesystem::absolute(location).lexically_normal().string();
}

Result<void> write_script(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    return make_error(fmt::format("cannot write the batch script '{}'", path.string()));
  }
  return {};
}

} // namespace

void submit_to_slurm(const SlurmSubmit& submit, const std::vector<SubmitJob>& jobs) {
  if (!slurm::available()) {
    throw Fatal("sbatch is not on PATH", "run zkbench submit --scheduler slurm on a machine of the Slurm cluster");
  }
  const std::string location = location_for_nodes(submit.store_location);
  auto store = value_or_fatal(store::open_store(location));
  auto queue = value_or_fatal(queue::open_queue(location));
  // sbatch exports the submitter's environment (--export=ALL) into the job: the store's URL reaches the
  // node there, not in the script or on a command line that squeue, ps or the job's output would show.
  ::setenv("ZKBENCH_STORE", location.c_str(), 1);
  const std::filesystem::path artifacts = store->artifacts_dir();
  std::error_code ec;
  std::filesystem::create_directories(slurm::slurm_dir(artifacts), ec);
  const std::filesystem::path workdir =
      submit.project ? submit.project->config.root : std::filesystem::current_path();
  std::optional<std::int64_t> baseline_job;
  for (const SubmitJob& job : jobs) {
    nlohmann::json payload = {{"argv", queue::argv_json(job.argv)}};
    if (!job.experiment.empty()) {
      payload["experiment"] = job.experiment;
    }
    const std::int64_t id =
        value_or_fatal(queue->submit({slurm::k_job_kind, util::json_text(payload), submit.machine_class, 1}));
    slurm::BatchJob batch;
    batch.queue_job_id = id;
    batch.name = slurm::job_name(job.argv, id);
    batch.argv = job.argv;
    batch.program = std::filesystem::read_symlink("/proc/self/exe");
    batch.workdir = workdir;
    batch.artifacts_dir = artifacts;
    batch.store_display = store::redact_location(location);
    batch.time_limit_minutes = estimate_minutes(submit, *store, job);
    const bool is_baseline = job.argv.size() == 1 && job.argv[0] == "baseline";
    if (!is_baseline && (job.argv.front() == "exp" || job.argv.front() == "compound")) {
      batch.after_ok = baseline_job;
    }
    const auto script = slurm::slurm_dir(artifacts) / fmt::format("{}-{}.sh", batch.name, id);
    const auto written = write_script(script, slurm::batch_script(batch));
    const auto slurm_id = written ? slurm::submit(slurm::sbatch_argv(submit.fleet, batch, script))
                                  : Result<std::int64_t>(tl::unexpected(written.error()));
    if (!slurm_id) {
      const nlohmann::json result = {{"ended", "not_submitted"}, {"error", slurm_id.error().message}};
      (void)queue->close(id, queue::JobStatus::failed, result.dump());
      throw Fatal(fmt::format("job {} ({}) was not submitted: {}", id, batch.name, slurm_id.error().message));
    }
    payload["slurm"] = {{"job_id", *slurm_id}, {"name", batch.name}};
    if (batch.time_limit_minutes) {
      payload["slurm"]["time_limit_minutes"] = *batch.time_limit_minutes;
    }
    if (batch.after_ok) {
      payload["slurm"]["after_ok"] = *batch.after_ok;
    }
    value_or_fatal(queue->set_payload(id, util::json_text(payload)));
    if (is_baseline) {
      baseline_job = *slurm_id;
    }
    fmt::print("submitted job {} to Slurm as {} ({}{}{}): zkbench {}\n", id, *slurm_id, batch.name,
               batch.time_limit_minutes ? fmt::format(", limit {} min", *batch.time_limit_minutes) : "",
               batch.after_ok ? fmt::format(", after {}", *batch.after_ok) : "", fmt::join(job.argv, " "));
  }
}

} // namespace zkbench::cli
