#include "cli/cmd_submit_slurm.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/cmd_bisect.hpp"
#include "queue/job_payload.hpp"
#include "queue/job_queue.hpp"
#include "queue/slurm_batch.hpp"
#include "queue/slurm_client.hpp"
#include "stats/descriptive.hpp"
#include "util/text.hpp"
#include "util/error.hpp"
#include "project/git.hpp"
#include "project/linked_runs.hpp"
#include "project/workspace.hpp"
#include "workflow/bisect.hpp"
#include "workflow/comparison_base.hpp"
#include "workflow/evaluate_checkout.hpp"

namespace zkbench::cli {

namespace {

namespace slurm = queue::slurm;

/// The allowance for one build of the project: fleet.build_minutes, else 15 minutes with a build command.
double build_allowance_s(const SlurmSubmit& submit) {
  const project::ProjectConfig& config = submit.project->config;
  return 60 * submit.fleet.build_minutes.value_or(config.benchmark.build.empty() ? 0.0 : 15.0);
}

/// The median wall time of the runs of `input` that the store knows: the class's newest baseline's, else
/// those of the newest session linked to the input (an earlier bisection's, an experiment's); nullopt when
/// it has none.
std::optional<double> known_median_s(store::Store& store, const std::map<std::string, core::Benchmark>& baseline,
                                     const std::vector<store::SessionLink>& links, const std::string& input) {
  if (const auto found = baseline.find(input); found != baseline.end() && !found->second.runs.empty()) {
    return stats::median(found->second.wall_times());
  }
  std::optional<std::int64_t> newest;
  for (const store::SessionLink& link : links) {
    if (link.input == input && (!newest || link.session_id > *newest)) {
      newest = link.session_id;
    }
  }
  if (!newest) {
    return std::nullopt;
  }
  std::vector<double> times;
  for (const core::Benchmark& bench : value_or_fatal(store.load_benchmarks(*newest))) {
    for (const core::Run& run : bench.runs) {
      if (run.status == core::RunStatus::success) {
        times.push_back(run.wall_s);
      }
    }
  }
  return times.empty() ? std::nullopt : std::optional<double>(stats::median(times));
}

/// A bisection's limit from its own size (issue 19): the commits GOOD..BAD, the judged inputs, the most
/// runs per side, one run's time per input from the store; nullopt, with the reason in `why`, when the
/// arguments or the range cannot be read here or an input has no runs to go by (the fleet's limit stands).
std::optional<int> estimate_bisect_minutes(const SlurmSubmit& submit, store::Store& store, const SubmitJob& job,
                                           std::string& why) {
  const auto args = parse_bisect_args(std::vector<std::string>(job.argv.begin() + 1, job.argv.end()));
  if (!args) {
    why = "its arguments are not bisect's";
    return std::nullopt;
  }
  const project::ProjectConfig& config = submit.project->config;
  const auto range = workflow::first_parent_range(project::Git(config.root), args->good, args->bad);
  if (!range) {
    why = range.error().message;
    return std::nullopt;
  }
  std::vector<std::string> inputs = args->inputs;
  if (inputs.empty()) {
    for (const project::InputSpec& input : submit.project->inputs.inputs) {
      inputs.push_back(input.name);
    }
  }
  const auto policy = value_or_fatal(project::project_policy(config));
  std::map<std::string, core::Benchmark> baseline;
  if (const auto latest = workflow::latest_baseline(store, submit.machine_class)) {
    baseline = value_or_fatal(project::baseline_benchmarks(store, *latest));
  }
  const auto links = value_or_fatal(store.list_session_links());
  slurm::BisectTimeLimitInputs estimate;
  for (const std::string& input : inputs) {
    const auto median = known_median_s(store, baseline, links, input);
    if (!median) {
      why = fmt::format("no runs of input '{}' in the store to go by", input);
      return std::nullopt;
    }
    estimate.run_s.push_back(*median * config.benchmark.timeout_multiplier);
  }
  estimate.halvings = workflow::bisect_halvings(range->size() - 1);
  estimate.max_runs = workflow::bisect_max_runs(config, policy, args->runs);
  estimate.warmup = config.benchmark.warmup;
  estimate.cooldown_s = config.benchmark.cooldown_seconds;
  estimate.build_s = build_allowance_s(submit);
  estimate.safety_factor = slurm::k_bisect_safety_factor;
  estimate.min_minutes = submit.fleet.min_time_limit_minutes;
  estimate.max_minutes = slurm::fleet_time_limit_minutes(submit.fleet);
  return slurm::bisect_time_limit_minutes(estimate);
}

/// The time limit of `job`: a bisection's from its size, an experiment's from the newest baseline of the
/// class; nullopt when there is none to go by (a first baseline, a `run` job, a folder without
/// zkbench.yaml), with the reason in `why` where it is not plain.
std::optional<int> estimate_minutes(const SlurmSubmit& submit, store::Store& store, const SubmitJob& job,
                                    std::string& why) {
  if (submit.project && !job.argv.empty() && job.argv.front() == "bisect") {
    return estimate_bisect_minutes(submit, store, job, why);
  }
  if (!submit.project || job.experiment.empty()) {
    return std::nullopt;
  }
  const auto baseline = workflow::latest_baseline(store, submit.machine_class);
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
  // An unsettled comparison goes on to the policy's flaky_runs, and a KEEP-sized one to k_extension_factor
  // times that; the experiment measures the baseline's build beside it unless it runs --baseline stored.
  const bool stored = std::find(job.argv.begin(), job.argv.end(), "stored") != job.argv.end();
  workflow::InputJudgeOptions judge;
  judge.mode = stored ? workflow::BaselineMode::stored : workflow::BaselineMode::interleaved;
  judge.runs = std::max(config.benchmark.runs, policy.flaky_runs);
  judge.extension_factor = workflow::k_extension_factor;
  inputs.runs_per_input = workflow::most_runs_per_side(judge);
  inputs.sides = stored ? 1 : 2;
  inputs.warmup = config.benchmark.warmup;
  inputs.timeout_multiplier = config.benchmark.timeout_multiplier;
  inputs.cooldown_s = config.benchmark.cooldown_seconds;
  inputs.build_s = build_allowance_s(submit);
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
    std::string no_estimate;
    batch.time_limit_minutes = estimate_minutes(submit, *store, job, no_estimate);
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
    if (!no_estimate.empty()) {
      fmt::print("  no time limit of its own ({}): the fleet's or the partition's applies\n", no_estimate);
    }
  }
}

} // namespace zkbench::cli
