// `zkbench compound 001 004 [007]`: test experiments together and keep the conflicts matrix (seed 002 §8.2).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "workflow/notifications.hpp"
#include "cli/workflow_support.hpp"
#include "measure/interrupt.hpp"
#include "util/strings.hpp"
#include "workflow/compound.hpp"
#include "workflow/experiment_results.hpp"

namespace zkbench::cli {

CommandMain setup_compound(CLI::App& sub) {
  auto config = std::make_shared<std::string>("zkbench.yaml");
  auto numbers = std::make_shared<std::vector<std::string>>();
  auto runs = std::make_shared<std::optional<int>>();
  add_config_option(sub, *config);
  sub.add_option("experiments", *numbers, "Two or more experiment numbers")->required();
  sub.add_option("-r,--runs", *runs,
                 "Runs per input and side (default: zkbench.yaml's); sequential: the budget is the larger of this "
                 "and the policy's flaky_runs (interleaved: twice that for an unsettled KEEP-sized estimate)");
  return [config, numbers, runs] {
    std::vector<core::ExperimentNumber> parsed;
    for (const std::string& text : *numbers) {
      auto number = core::ExperimentNumber::parse(text);
      if (!number) {
        throw Fatal(number.error().message, {}, ExitCode::usage);
      }
      parsed.push_back(*number);
    }
    project::Workspace ws = open_workspace_or_fatal(*config);
    auto lock = lock_machine_or_fatal("compound " + util::join(*numbers, "+"));
    close_stale_sessions(*ws.store);
    print_prechecks();
    measure::install_interrupt_handlers();
    project::StatusInfo info;
    info.command = "compound " + util::join(*numbers, " ");
    project::StatusFile status(project::status_path(ws.root()), info);
    workflow::RunExperimentOptions options;
    options.runs = *runs;
    options.status = &status;
    options.say = print_line;
    workflow::WorkflowNotifications notifications(ws, print_warning);
    auto outcome = workflow::run_compound(ws, parsed, options);
    refresh_tracker(ws);
    if (!outcome) {
      notifications.send(workflow::error_event(notifications.context(), "compound " + util::join(*numbers, " + "),
                                     outcome.error().message));
      throw Fatal(outcome.error().message);
    }
    if (!outcome->failure.empty()) {
      notifications.send(workflow::error_event(notifications.context(), "compound " + util::join(*numbers, " + "), outcome->failure));
    }
    print_warnings(outcome->warnings);
    fmt::print("\ncompound {}: {} {} (best alone {}): {}\n  {}\n", util::join(*numbers, " + "), outcome->verdict,
               workflow::format_change(outcome->record.combined_change), workflow::format_change(outcome->record.best_change),
               outcome->record.conflict ? "CONFLICT" : "no conflict", outcome->record.note);
    if (outcome->cost.runs() > 0) {
      fmt::print("  cost: {}\n", outcome->cost.describe());
    }
    fmt::print("conflicts matrix: benchmarks/TRACKER.md\n");
    return 0;
  };
}

} // namespace zkbench::cli
