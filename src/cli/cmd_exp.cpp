// `zkbench exp new|run|close|list|show`: experiments (seed 002 phase 4).
#include <algorithm>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "cli/comparison_output.hpp"
#include "workflow/notifications.hpp"
#include "cli/workflow_support.hpp"
#include "measure/interrupt.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "workflow/comparison_base.hpp"
#include "workflow/experiment.hpp"
#include "workflow/experiment_results.hpp"
#include "util/text.hpp"

namespace zkbench::cli {

namespace {

struct ExpArgs {
  std::string config = "zkbench.yaml";
  std::string name;
  std::string hypothesis;
  std::string expected;
  std::string number;
  std::string strategy = "sequential";
  std::string baseline = "interleaved";
  std::optional<int> runs;
  bool detach = false;
  std::string status;
  std::string why;
  bool json = false;
  std::string export_markdown;
};

core::ExperimentNumber number_or_fatal(const std::string& text) {
  auto number = core::ExperimentNumber::parse(text);
  if (!number) {
    throw Fatal(number.error().message, {}, ExitCode::usage);
  }
  return *number;
}

std::optional<double> parse_expected(const std::string& text) {
  if (text.empty()) {
    return std::nullopt;
  }
  std::string_view digits = util::trim(text);
  const bool percent = util::ends_with(digits, "%");
  if (percent) {
    digits.remove_suffix(1);
  }
  const auto value = util::parse_number(digits);
  if (!value || *value < 0) {
    throw Fatal(fmt::format("--expected '{}': expected an improvement such as 5% or 0.05", text), {}, ExitCode::usage);
  }
  return percent || *value >= 1 ? *value / 100 : *value;
}

nlohmann::ordered_json experiment_json(const store::ExperimentRecord& e) {
  nlohmann::ordered_json j = {{"number", e.experiment_number().format()},
                              {"name", e.name},
                              {"slug", e.slug},
                              {"hypothesis", e.hypothesis},
                              {"expected", e.expected ? nlohmann::ordered_json(*e.expected) : nlohmann::ordered_json()},
                              {"status", e.status},
                              {"verdict", e.verdict},
                              {"branch", e.branch},
                              {"baseline_commit", e.baseline_commit},
                              {"change", e.change ? nlohmann::ordered_json(*e.change) : nlohmann::ordered_json()},
                              {"reason", e.close_reason}};
  if (auto results = e.results(); results && *results) {
    j["results"] = **results;
  }
  return j;
}

int exp_new(const ExpArgs& a) {
  project::Workspace ws = open_workspace_or_fatal(a.config);
  auto e = workflow::new_experiment(ws, a.name, a.hypothesis, parse_expected(a.expected));
  if (!e) {
    throw Fatal(e.error().message);
  }
  refresh_tracker(ws);
  fmt::print("experiment {}: {}\nbranch {} (from the baseline commit {})\nwrote {}\n", e->experiment_number().format(),
             e->name, e->branch, e->baseline_commit.substr(0, 12),
             std::filesystem::relative(ws.experiment_dir(*e) / "hypothesis.md", ws.root()).string());
  fmt::print("next: commit the change on {}, then zkbench exp run {}\n", e->branch, e->experiment_number().format());
  return 0;
}

// The experiment's pull-request summary (--export-markdown, $GITHUB_STEP_SUMMARY): its stored verdict
// and reason over the per-input comparisons.
void export_experiment_summary(const project::Workspace& ws, const workflow::ExperimentOutcome& outcome,
                               const std::string& path) {
  const auto policy = project::project_policy(ws.project.config);
  const auto& e = outcome.experiment;
  const bool regression = std::any_of(outcome.comparisons.begin(), outcome.comparisons.end(),
                                      [](const auto& c) { return c.decision.regression; });
  export_ci_summary({fmt::format("zkbench exp run {} ({})", e.experiment_number().format(), e.name),
                     policy ? policy->name : std::string("project"), policy ? policy->primary_metric : std::string("time"),
                     outcome.comparisons,
                     verdict::Decision{core::parse_verdict(e.verdict).value_or(verdict::Verdict::inconclusive),
                                       regression, outcome.reason},
                     static_cast<int>(ExitCode::success)},
                    path);
}

int exp_run(const ExpArgs& a) {
  const core::ExperimentNumber number = number_or_fatal(a.number);
  if (a.strategy != "fixed" && a.strategy != "sequential") {
    throw Fatal(fmt::format("--strategy '{}': expected fixed or sequential", a.strategy), {}, ExitCode::usage);
  }
  if (a.baseline != "interleaved" && a.baseline != "stored") {
    throw Fatal(fmt::format("--baseline '{}': expected interleaved or stored", a.baseline), {}, ExitCode::usage);
  }
  const auto log = std::filesystem::absolute(a.config).parent_path() / ".zkbench" / "logs" /
                   fmt::format("exp-{}.log", number.format());
  check_ci_summary_path(a.export_markdown);
  if (a.detach) {
    detach_to(log, "experiment " + number.format());
  }
  project::Workspace ws = open_workspace_or_fatal(a.config);
  auto lock = lock_machine_or_fatal("experiment " + number.format());
  close_stale_sessions(*ws.store);
  print_prechecks();
  measure::install_interrupt_handlers();
  project::StatusInfo info;
  info.command = "exp run " + number.format();
  info.log = a.detach ? log.string() : std::string();
  project::StatusFile status(project::status_path(ws.root()), info);
  workflow::RunExperimentOptions options;
  options.strategy = a.strategy == "sequential" ? verdict::Strategy::sequential : verdict::Strategy::fixed;
  options.baseline_mode = a.baseline == "stored" ? workflow::BaselineMode::stored : workflow::BaselineMode::interleaved;
  options.runs = a.runs;
  options.status = &status;
  options.say = print_line;
  workflow::WorkflowNotifications notifications(ws, print_warning); // after detach_to: its worker thread would not survive the fork
  auto outcome = workflow::run_experiment(ws, number, options);
  refresh_tracker(ws);
  if (!outcome) {
    notifications.send(workflow::error_event(notifications.context(), "experiment " + number.format(),
                                   outcome.error().message, number));
    throw Fatal(outcome.error().message, {}, failure_exit_code());
  }
  if (auto all = ws.store->list_experiments(); all) {
    const auto policy = project::project_policy(ws.project.config);
    notifications.send(
        workflow::experiment_events(notifications.context(), *outcome, *all, policy ? policy->primary_metric : std::string("time")));
  } else {
    print_warnings({"no notification: " + all.error().message});
  }
  print_warnings(outcome->warnings);
  const auto& e = outcome->experiment;
  fmt::print("\nexperiment {} ({}): {} {}\n  {}\n", e.experiment_number().format(), e.name, e.verdict,
             workflow::format_change(e.change), outcome->reason);
  if (outcome->cost) {
    fmt::print("  cost: {}\n", outcome->cost->describe());
  }
  fmt::print("  branch {}\n", e.branch);
  for (const auto& file : outcome->files) {
    fmt::print("  wrote {}\n", std::filesystem::relative(file, ws.root()).string());
  }
  export_experiment_summary(ws, *outcome, a.export_markdown);
  return 0;
}

int exp_close(const ExpArgs& a) {
  project::Workspace ws = open_workspace_or_fatal(a.config);
  auto closed = workflow::close_experiment(ws, number_or_fatal(a.number), a.status, a.why);
  if (!closed) {
    throw Fatal(closed.error().message);
  }
  refresh_tracker(ws);
  print_warnings(closed->warnings);
  fmt::print("experiment {} closed: {} ({})\n", closed->experiment.experiment_number().format(),
             closed->experiment.verdict, a.why);
  // Closing the last open hypothesis completes the plan as running it would.
  if (auto all = ws.store->list_experiments(); all) {
    workflow::WorkflowNotifications notifications(ws, print_warning);
    if (auto done = workflow::all_complete_event(notifications.context(), *all)) {
      notifications.send(std::move(*done));
    }
  }
  return 0;
}

int exp_list(const ExpArgs& a) {
  project::Workspace ws = open_workspace_or_fatal(a.config);
  auto all = ws.store->list_experiments();
  if (!all) {
    throw Fatal(all.error().message);
  }
  if (a.json) {
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    for (const auto& e : *all) {
      j.push_back(experiment_json(e));
    }
    fmt::print("{}\n", util::json_text(j, 2));
    return 0;
  }
  if (all->empty()) {
    fmt::print("no experiments yet: zkbench exp new \"Name\" --hypothesis \"...\"\n");
    return 0;
  }
  fmt::print("{:<4} {:<32} {:<9} {:<13} {:>9}  {}\n", "#", "name", "status", "verdict", "change", "branch");
  for (const auto& e : *all) {
    fmt::print("{:<4} {:<32} {:<9} {:<13} {:>9}  {}\n", e.experiment_number().format(), e.name, e.status,
               e.verdict.empty() ? "-" : e.verdict, workflow::format_change(e.change), e.branch);
  }
  return 0;
}

int exp_show(const ExpArgs& a) {
  project::Workspace ws = open_workspace_or_fatal(a.config);
  auto e = workflow::find_experiment(*ws.store, number_or_fatal(a.number));
  if (!e) {
    throw Fatal(e.error().message);
  }
  if (a.json) {
    fmt::print("{}\n", util::json_text(experiment_json(*e), 2));
    return 0;
  }
  fmt::print("experiment {}: {}\n  hypothesis: {}\n  expected:   {}\n  status:     {}\n  verdict:    {}\n"
             "  change:     {}\n  reason:     {}\n  branch:     {}\n  baseline:   {}\n  folder:     {}\n",
             e->experiment_number().format(), e->name, e->hypothesis,
             e->expected ? fmt::format("{:.1f}%", *e->expected * 100) : std::string("-"), e->status,
             e->verdict.empty() ? "-" : e->verdict, workflow::format_change(e->change), e->close_reason, e->branch,
             e->baseline_commit.substr(0, 12), std::filesystem::relative(ws.experiment_dir(*e), ws.root()).string());
  return 0;
}

} // namespace

CommandMain setup_exp(CLI::App& sub) {
  auto a = std::make_shared<ExpArgs>();
  add_config_option(sub, a->config);
  sub.require_subcommand(1);
  auto* create = sub.add_subcommand("new", "Start an experiment: number, branch bench/NNN-slug, hypothesis.md");
  create->add_option("name", a->name, "The optimization's name")->required();
  create->add_option("--hypothesis", a->hypothesis, "Why it should help");
  create->add_option("--expected", a->expected, "Expected improvement (5% or 0.05)");
  auto* run = sub.add_subcommand("run", "Build, check correctness, measure and decide an experiment");
  run->add_option("number", a->number, "The experiment (001)")->required();
  run->add_option("--strategy", a->strategy,
                  "sequential (stop as soon as the evidence settles the verdict) or fixed (runs per side)")
      ->capture_default_str();
  run->add_option("--baseline", a->baseline,
                  "interleaved (the baseline's build runs beside the candidate, A B B A) or stored (the stored "
                  "baseline's runs, after a drift test: for a dedicated, stable machine)")
      ->capture_default_str();
  run->add_option("-r,--runs", a->runs,
                  "Runs per input and side (default: zkbench.yaml's); sequential: the budget is the larger of this "
                  "and the policy's flaky_runs (interleaved: twice that for an unsettled KEEP-sized estimate)");
  run->add_flag("--detach", a->detach, "Run in the background (zkbench status, zkbench logs -f)");
  run->add_option("--export-markdown", a->export_markdown,
                  "Write a pull-request summary (Markdown) to FILE ('-': standard output); also appended to "
                  "$GITHUB_STEP_SUMMARY when set");
  auto* close = sub.add_subcommand(
      "close", "Close a hypothesis without running it, or withdraw a decided experiment (--status invalid)");
  close->add_option("number", a->number, "The experiment (001)")->required();
  close->add_option("--status", a->status, "invalid, exists or superseded")->required();
  close->add_option("--why", a->why, "Why (\"breaks proof soundness\")")->required();
  auto* list = sub.add_subcommand("list", "List the experiments");
  list->add_flag("--json", a->json, "Print JSON");
  auto* show = sub.add_subcommand("show", "Show one experiment");
  show->add_option("number", a->number, "The experiment (001)")->required();
  show->add_flag("--json", a->json, "Print JSON");
  return [a, create, run, close, list, show] {
    if (create->parsed()) {
      return exp_new(*a);
    }
    if (run->parsed()) {
      return exp_run(*a);
    }
    if (close->parsed()) {
      return exp_close(*a);
    }
    if (list->parsed()) {
      return exp_list(*a);
    }
    return exp_show(*a);
  };
}

} // namespace zkbench::cli
