// `zkbench submit [--class C] -- <zkbench args...>`: queue a job that a `zkbench worker` of class C
// runs as `zkbench <args...>` (an experiment run, a baseline, ...).
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "cli/store_location.hpp"
#include "queue/job_queue.hpp"
#include "util/error.hpp"

namespace zkbench::cli {

namespace {

struct SubmitOptions {
  std::string store;
  std::string machine_class = "default";
  std::string experiment;
  int max_attempts = 3;
  std::vector<std::string> args;
};

int submit(const SubmitOptions& options) {
  auto queue = value_or_fatal(queue::open_queue(store_location(options.store)));
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
  sub.add_option("args", options->args, "The zkbench arguments the worker runs (after --)")->required();
  return [options] { return submit(*options); };
}

} // namespace zkbench::cli
