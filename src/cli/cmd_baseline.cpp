// `zkbench baseline [--runs N] [--detach]`: establish the baseline (seed 002 phase 3).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "workflow/notifications.hpp"
#include "cli/workflow_support.hpp"
#include "measure/interrupt.hpp"
#include "util/error.hpp"
#include "workflow/baseline.hpp"

namespace zkbench::cli {

namespace {

struct BaselineArgs {
  std::string config = "zkbench.yaml";
  std::optional<int> runs;
  bool detach = false;
};

int baseline_main(const BaselineArgs& args) {
  if (args.runs && *args.runs < 2) {
    throw Fatal(fmt::format("--runs must be at least 2 (got {})", *args.runs), {}, ExitCode::usage);
  }
  const auto log = std::filesystem::absolute(args.config).parent_path() / ".zkbench" / "logs" / "baseline.log";
  if (args.detach) {
    detach_to(log, "the baseline");
  }
  project::Workspace ws = open_workspace_or_fatal(args.config);
  auto lock = lock_machine_or_fatal("baseline");
  close_stale_sessions(*ws.store);
  print_prechecks();
  measure::install_interrupt_handlers();
  project::StatusInfo info;
  info.command = "baseline";
  info.log = args.detach ? log.string() : std::string();
  project::StatusFile status(project::status_path(ws.root()), info);
  workflow::BaselineOptions options;
  options.runs = args.runs;
  options.status = &status;
  options.say = print_line;
  workflow::WorkflowNotifications notifications(ws, print_warning); // after detach_to: its worker thread would not survive the fork
  auto outcome = workflow::establish_baseline(ws, options);
  if (!outcome) {
    notifications.send(workflow::error_event(notifications.context(), "the baseline", outcome.error().message));
    throw Fatal(outcome.error().message, {}, failure_exit_code());
  }
  notifications.send(workflow::baseline_event(notifications.context(), *outcome));
  refresh_tracker(ws);
  fmt::print("\nbaseline {} at commit {}\n", outcome->baseline_id, outcome->commit.substr(0, 12));
  for (const auto& input : outcome->inputs) {
    fmt::print("  {:<16} median {:.4f} s  CV {:.1f}%  ({} runs)  output {}\n", input.input, input.median_s,
               input.cv * 100, input.runs, input.hash.substr(0, 12));
  }
  print_warnings(outcome->warnings);
  for (const auto& file : outcome->files) {
    fmt::print("wrote {}\n", std::filesystem::relative(file, ws.root()).string());
  }
  return static_cast<int>(ExitCode::success);
}

} // namespace

CommandMain setup_baseline(CLI::App& sub) {
  auto args = std::make_shared<BaselineArgs>();
  add_config_option(sub, args->config);
  sub.add_option("-r,--runs", args->runs, "Measured runs per input (default: zkbench.yaml's benchmark.runs)");
  sub.add_flag("--detach", args->detach, "Run in the background (follow with zkbench status / zkbench logs -f)");
  return [args] { return baseline_main(*args); };
}

} // namespace zkbench::cli
