// `zkbench bisect GOOD BAD [--input NAME]... [--metric M] [--threshold P] [--runs N] [--detach]`: which
// commit of the first-parent history made it slower (issue 19).
#include "cli/cmd_bisect.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/workflow_support.hpp"
#include "measure/interrupt.hpp"
#include "util/strings.hpp"
#include "workflow/bisect.hpp"
#include "workflow/bisect_report.hpp"
#include "workflow/notifications.hpp"

namespace zkbench::cli {

namespace {

// "5%" or "0.05" (a fraction below 1); Fatal otherwise.
double threshold_or_fatal(const std::string& text) {
  std::string_view digits = util::trim(text);
  const bool percent = util::ends_with(digits, "%");
  if (percent) {
    digits.remove_suffix(1);
  }
  const auto value = util::parse_number(digits);
  const double fraction = value && percent ? *value / 100 : value.value_or(-1);
  if (!value || !(fraction > 0) || !(fraction < 1)) {
    throw Fatal(
        fmt::format("--threshold '{}': expected a change such as 5% or 0.05 (above 0, below 100%)", text), {},
        ExitCode::usage);
  }
  return fraction;
}

int bisect(const BisectArgs& a) {
  workflow::BisectOptions options;
  options.good = a.good;
  options.bad = a.bad;
  options.inputs = a.inputs;
  if (!a.metric.empty()) {
    options.metric = a.metric;
  }
  if (!a.threshold.empty()) {
    options.threshold = threshold_or_fatal(a.threshold);
  }
  if (a.runs && *a.runs < 3) {
    throw Fatal(fmt::format("--runs {}: the rule needs at least 3 runs per side", *a.runs), {},
                ExitCode::usage);
  }
  options.runs = a.runs;
  const auto log = std::filesystem::absolute(a.config).parent_path() / ".zkbench" / "logs" / "bisect.log";
  const std::string what = fmt::format("bisect {} {}", a.good, a.bad);
  if (a.detach) {
    detach_to(log, what);
  }
  project::Workspace ws = open_workspace_or_fatal(a.config);
  auto lock = lock_machine_or_fatal(what);
  close_stale_sessions(*ws.store);
  print_prechecks();
  measure::install_interrupt_handlers();
  project::StatusInfo info;
  info.command = what;
  info.log = a.detach ? log.string() : std::string();
  project::StatusFile status(project::status_path(ws.root()), info);
  options.status = &status;
  options.say = print_line;
  workflow::WorkflowNotifications notifications(ws, print_warning); // after detach_to: its thread would not survive the fork
  auto outcome = workflow::run_bisect(ws, options);
  if (!outcome) {
    notifications.send(workflow::error_event(notifications.context(), what, outcome.error().message));
    throw Fatal(outcome.error().message, {}, failure_exit_code());
  }
  notifications.send(workflow::bisect_event(notifications.context(), *outcome));
  print_warnings(outcome->warnings);
  fmt::print("\nbisect {}: {}\n", outcome->id, workflow::bisect_answer(*outcome));
  if (outcome->search) {
    std::string stat = outcome->culprit_diff_stat;
    while (!stat.empty() && stat.back() == '\n') {
      stat.pop_back();
    }
    fmt::print("{}\n", stat);
  }
  fmt::print("  cost: {}; {:.1f} s in all, {} comparisons\n", outcome->cost.describe(), outcome->elapsed_s,
             outcome->comparisons);
  if (outcome->git_bisect_runs > 0) {
    fmt::print("  a git bisect run with a fixed {}-run A/B per step: {} runs\n", outcome->fixed_runs,
               outcome->git_bisect_runs);
  }
  fmt::print("  confidence: {}\n", workflow::confidence_statement(*outcome));
  for (const auto& file : outcome->files) {
    fmt::print("  wrote {}\n", std::filesystem::relative(file, ws.root()).string());
  }
  return 0;
}

// The option table of `bisect`, filling `a` when parsed.
void add_bisect_options(CLI::App& sub, BisectArgs& a) {
  add_config_option(sub, a.config);
  sub.add_option("good", a.good, "A commit (any git revision) without the change")->required();
  sub.add_option("bad", a.bad, "A later commit with it (GOOD on its first-parent history)")->required();
  sub.add_option("--input", a.inputs, "Judge only these inputs of inputs.yaml (default: every input)");
  sub.add_option("--metric", a.metric,
                 "Judge this metric of zkbench.yaml (default: the policy's primary metric)");
  sub.add_option("--threshold", a.threshold,
                 "Smallest change that counts, either way, e.g. 5% (default: the policy's MAYBE threshold)");
  sub.add_option("-r,--runs", a.runs,
                 "Most runs per side of every comparison (default: twice exp run's, 40, and a question asked again "
                 "measures further: 80, then 160)");
  sub.add_flag("--detach", a.detach, "Run in the background (zkbench status, zkbench logs -f)");
}

} // namespace

std::optional<BisectArgs> parse_bisect_args(const std::vector<std::string>& args) {
  CLI::App app;
  BisectArgs parsed;
  add_bisect_options(app, parsed);
  std::vector<std::string> reversed(args.rbegin(), args.rend()); // CLI11 takes them last first
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError&) {
    return std::nullopt;
  }
  return parsed;
}

CommandMain setup_bisect(CLI::App& sub) {
  auto a = std::make_shared<BisectArgs>();
  add_bisect_options(sub, *a);
  return [a] { return bisect(*a); };
}

} // namespace zkbench::cli
