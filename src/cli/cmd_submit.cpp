// `zkbench submit [--class C] -- <zkbench args...>`: queue a job that a `zkbench worker` of class C
// runs as `zkbench <args...>` (an experiment run, a baseline, ...).
// `zkbench submit NNN [--class C]` and `zkbench submit baseline [--class C]` are the short forms for
// the workflow: the job is `zkbench exp run NNN` / `zkbench baseline`, which the worker runs in its
// working folder (start workers in the project's checkout, whose zkbench.yaml names the shared store).
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "cli/store_location.hpp"
#include "queue/job_queue.hpp"
#include "store/store.hpp"
#include "util/error.hpp"
#include "workflow/workspace.hpp"

namespace zkbench::cli {

namespace {

struct SubmitOptions {
  std::string store;
  std::string machine_class = "default";
  std::string experiment;
  int max_attempts = 3;
  std::vector<std::string> args;
};

/// True for the digits-only forms `zkbench submit` takes as an experiment number ("1", "001").
bool is_experiment_number(const std::string& text) {
  return !text.empty() && text.size() <= 6 && text.find_first_not_of("0123456789") == std::string::npos;
}

/// The short forms: `NNN` -> exp run NNN, `baseline` -> baseline. An experiment must exist in the store,
/// so a typo fails here rather than on the worker.
void expand_short_form(SubmitOptions& options, const std::string& location) {
  if (options.args.size() != 1) {
    return;
  }
  const std::string what = options.args.front();
  if (what == "baseline") {
    options.experiment = options.experiment.empty() ? "baseline" : options.experiment;
    return;
  }
  if (!is_experiment_number(what)) {
    return;
  }
  const int number = value_or_fatal(workflow::parse_experiment_number(what));
  auto store = value_or_fatal(store::open_store(location, store::OpenMode::existing));
  const store::ExperimentRecord experiment = value_or_fatal(workflow::find_experiment(*store, number));
  if (experiment.status == "done" || experiment.status == "closed") {
    throw Fatal(fmt::format("experiment {} is already decided: {}", workflow::experiment_id(number), experiment.verdict),
                "only planned or interrupted experiments can be submitted");
  }
  options.args = {"exp", "run", workflow::experiment_id(number)};
  options.experiment = options.experiment.empty() ? workflow::experiment_id(number) : options.experiment;
}

int submit(SubmitOptions options) {
  const std::string location = store_location(options.store);
  expand_short_form(options, location);
  auto queue = value_or_fatal(queue::open_queue(location));
  nlohmann::json payload = {{"argv", options.args}};
  if (!options.experiment.empty()) {
    payload["experiment"] = options.experiment;
  }
  const auto id = value_or_fatal(
      queue->submit({"command", payload.dump(), options.machine_class, options.max_attempts}));
  fmt::print("queued job {} for class {}: zkbench {}\n", id, options.machine_class,
             fmt::join(options.args, " "));
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
  sub.add_option("args", options->args,
                 "An experiment number (job: zkbench exp run NNN), 'baseline' (job: zkbench baseline), or the "
                 "zkbench arguments the worker runs (after --)")
      ->required();
  return [options] { return submit(*options); };
}

} // namespace zkbench::cli
