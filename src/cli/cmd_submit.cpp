// `zkbench submit [--class C] -- <zkbench args...>`: queue a job that a `zkbench worker` of class C
// runs as `zkbench <args...>` (an experiment run, a baseline, ...).
// `zkbench submit NNN [--class C]` and `zkbench submit baseline [--class C]` are the short forms for
// the workflow: the job is `zkbench exp run NNN` / `zkbench baseline`, which the worker runs in its
// working folder (start workers in the project's checkout, whose zkbench.yaml names the shared store).
// Several short forms at once (`zkbench submit baseline 1 2`) queue one job each, in order.
// `--scheduler slurm` (or zkbench.yaml's fleet.scheduler) sends the jobs to Slurm instead
// (cli/cmd_submit_slurm.hpp); there, experiments submitted with a baseline wait for it.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "cli/cmd_submit_slurm.hpp"
#include "cli/store_location.hpp"
#include "cli/workflow_support.hpp"
#include "queue/job_payload.hpp"
#include "queue/job_queue.hpp"
#include "store/store.hpp"
#include "util/text.hpp"
#include "util/error.hpp"
#include "project/workspace.hpp"
#include "workflow/comparison_base.hpp"

namespace zkbench::cli {

namespace {

struct SubmitOptions {
  std::string store;
  std::string machine_class = "default";
  std::string experiment;
  std::string scheduler;
  std::string config = "zkbench.yaml";
  int max_attempts = 3;
  std::vector<std::string> args;
};

/// True for the digits-only forms `zkbench submit` takes as an experiment number ("1", "001").
bool is_experiment_number(const std::string& text) {
  return !text.empty() && text.size() <= 6 && text.find_first_not_of("0123456789") == std::string::npos;
}

bool is_short_form(const std::string& text) {
  return text == "baseline" || is_experiment_number(text);
}

/// The job of one short form: `NNN` -> exp run NNN, `baseline` -> baseline. An experiment must exist in
/// the store and be undecided, so a typo fails here rather than on the worker.
SubmitJob expand_short_form(const std::string& what, const std::string& location) {
  if (what == "baseline") {
    return {{"baseline"}, "baseline"};
  }
  const core::ExperimentNumber number = value_or_fatal(core::ExperimentNumber::parse(what));
  auto store = value_or_fatal(store::open_store(location, store::OpenMode::existing));
  const store::ExperimentRecord experiment = value_or_fatal(workflow::find_experiment(*store, number));
  if (experiment.state() == core::ExperimentStatus::done || experiment.state() == core::ExperimentStatus::closed) {
    throw Fatal(fmt::format("experiment {} is already decided: {}", number, experiment.verdict),
                "only planned or interrupted experiments can be submitted");
  }
  return {{"exp", "run", number.format()}, number.format()};
}

/// The jobs the arguments ask for: one per short form when every argument is one, else one job running
/// the arguments as they are. --experiment names the job's experiment when there is one job.
std::vector<SubmitJob> jobs_of(const SubmitOptions& options, const std::string& location) {
  std::vector<SubmitJob> jobs;
  if (std::all_of(options.args.begin(), options.args.end(), is_short_form)) {
    for (const std::string& what : options.args) {
      jobs.push_back(expand_short_form(what, location));
    }
  } else {
    jobs.push_back({options.args, ""});
  }
  if (!options.experiment.empty() && jobs.size() == 1) {
    jobs.front().experiment = options.experiment;
  }
  return jobs;
}

/// zkbench.yaml and its inputs when `path` exists (a located error when it is invalid); nullopt otherwise.
std::optional<project::Project> project_if_any(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return std::nullopt;
  }
  return value_or_fatal(project::load_project(path));
}

void submit_to_queue(const SubmitOptions& options, const std::string& location, const std::vector<SubmitJob>& jobs) {
  auto queue = value_or_fatal(queue::open_queue(location));
  for (const SubmitJob& job : jobs) {
    nlohmann::json payload = {{"argv", queue::argv_json(job.argv)}};
    if (!job.experiment.empty()) {
      payload["experiment"] = job.experiment;
    }
    const auto id = value_or_fatal(queue->submit({"command", util::json_text(payload), options.machine_class, options.max_attempts}));
    fmt::print("queued job {} for class {}: zkbench {}\n", id, options.machine_class, fmt::join(job.argv, " "));
  }
}

int submit(const SubmitOptions& options) {
  const std::string location = store_location(options.store, options.config);
  const std::vector<SubmitJob> jobs = jobs_of(options, location);
  std::optional<project::Project> project = project_if_any(options.config);
  project::FleetConfig fleet = project ? project->config.fleet : project::FleetConfig{};
  if (!options.scheduler.empty()) {
    fleet.scheduler = project::parse_scheduler(options.scheduler).value_or(project::Scheduler::queue);
  }
  if (fleet.scheduler == project::Scheduler::slurm) {
    submit_to_slurm({location, options.machine_class, std::move(project), fleet}, jobs);
  } else {
    submit_to_queue(options, location, jobs);
  }
  return static_cast<int>(ExitCode::success);
}

} // namespace

CommandMain setup_submit(CLI::App& sub) {
  auto options = std::make_shared<SubmitOptions>();
  sub.add_option("--store", options->store, k_store_help);
  sub.add_option("--class", options->machine_class, "The machine class that must run it (default: default)");
  sub.add_option("--experiment", options->experiment, "The experiment (or baseline) id, recorded with the job");
  sub.add_option("--max-attempts", options->max_attempts, "Claims allowed before the job fails (default 3)")
      ->check(CLI::Range(1, 100));
  sub.add_option("--scheduler", options->scheduler,
                 "queue: the store's queue, run by zkbench worker; slurm: sbatch jobs (default: zkbench.yaml's "
                 "fleet.scheduler, else queue)")
      ->check(CLI::IsMember({"queue", "slurm"}));
  add_config_option(sub, options->config);
  sub.add_option("args", options->args,
                 "Experiment numbers and/or 'baseline' (jobs: zkbench exp run NNN, zkbench baseline), or the "
                 "zkbench arguments the job runs (after --)")
      ->required();
  return [options] { return submit(*options); };
}

} // namespace zkbench::cli
