// `zkbench ab BASELINE-CMD CANDIDATE-CMD`: runs the two commands alternately (A B B A ...) and decides
// with the policy, after a fixed number of runs or as soon as the sequential rule settles the verdict.
// Runs go through measure::ProcessExecutor; the loop and the decision are verdict::run_ab, the same code
// that bench/verdicts simulates.
#include <algorithm>
#include <map>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/comparison_output.hpp"
#include "measure/interrupt.hpp"
#include "measure/metrics.hpp"
#include "measure/process_executor.hpp"
#include "util/error.hpp"
#include "verdict/sequential.hpp"

namespace zkbench::cli {

namespace {

struct AbCliOptions {
  std::string baseline;
  std::string candidate;
  std::string policy = "generic";
  std::string strategy = "sequential"; // chosen from bench/verdicts/results.txt (see README)
  int runs = 10;
  int min_runs = 3;
  int max_runs = 20;
  int warmup = 0;
  std::optional<double> timeout_s;
  bool shell = false;
  bool no_shell = false;
  bool json = false;
  std::vector<std::string> metrics; // NAME=REGEX
};

// Every value measured on one side, by metric name ("time" first).
using SideValues = std::map<std::string, std::vector<double>>;

// Why the loop stopped before a decision, when a run did not succeed.
struct RunFailure {
  verdict::Side side = verdict::Side::baseline;
  int index = 0;
  measure::ExecutionResult result;
};

std::string describe(const measure::ExecutionResult& r) {
  if (r.status == core::RunStatus::timed_out) {
    return "timed out";
  }
  if (r.exit_code) {
    return fmt::format("exited with code {}", *r.exit_code);
  }
  return fmt::format("was killed by signal {}", r.signal.value_or(0));
}

int run_ab_command(const AbCliOptions& o) {
  const auto policy = value_or_fatal(verdict::resolve_policy(o.policy));
  verdict::AbOptions options;
  options.strategy = o.strategy == "sequential" ? verdict::Strategy::sequential : verdict::Strategy::fixed;
  options.runs = o.runs;
  options.sequential.min_runs = o.min_runs;
  options.sequential.max_runs = o.max_runs;
  if (o.min_runs < 2 || o.max_runs < o.min_runs || o.runs < 2) {
    throw Fatal("--runs and --min-runs must be at least 2, and --max-runs at least --min-runs", {}, ExitCode::usage);
  }
  measure::install_interrupt_handlers();
  measure::ProcessExecutor executor;
  const measure::ShellMode mode = o.shell ? measure::ShellMode::shell
                                  : o.no_shell ? measure::ShellMode::no_shell
                                               : measure::ShellMode::auto_detect;
  auto spec_for = [&](verdict::Side side) {
    measure::CommandSpec spec;
    spec.text = side == verdict::Side::baseline ? o.baseline : o.candidate;
    spec.shell = mode;
    return spec;
  };
  std::vector<measure::MetricSpec> metric_specs;
  for (const auto& argument : o.metrics) {
    auto spec = measure::parse_metric_spec(argument);
    if (!spec) {
      throw Fatal(spec.error().message, {}, ExitCode::usage);
    }
    metric_specs.push_back(std::move(*spec));
  }
  // The loop decides on the policy's primary metric when it is measured, else on the time.
  const bool primary_is_metric = std::any_of(metric_specs.begin(), metric_specs.end(), [&](const auto& m) {
    return m.name == policy.primary_metric;
  });
  const std::string decided = primary_is_metric ? policy.primary_metric : "time";
  measure::ExecutionOptions exec_options;
  exec_options.timeout_s = o.timeout_s;
  exec_options.capture_output = !metric_specs.empty();

  for (int i = 0; i < o.warmup; ++i) {
    for (const auto side : {verdict::Side::baseline, verdict::Side::candidate}) {
      value_or_fatal(executor.execute(spec_for(side), exec_options));
    }
  }

  std::optional<RunFailure> failure;
  SideValues baseline_values;
  SideValues candidate_values;
  const verdict::Sampler sample = [&](verdict::Side side, int index) -> Result<double> {
    auto result = executor.execute(spec_for(side), exec_options);
    if (!result) {
      return tl::unexpected(result.error());
    }
    if (result->interrupted) {
      throw Fatal("interrupted", {}, ExitCode::interrupted);
    }
    if (result->status != core::RunStatus::success) {
      failure = RunFailure{side, index, *result};
      return make_error("run failed");
    }
    auto& values = side == verdict::Side::baseline ? baseline_values : candidate_values;
    values["time"].push_back(result->wall_s);
    for (const auto& [name, value] : measure::collect_metrics(metric_specs, {}, result->output)) {
      if (!value) {
        return make_error(fmt::format("metric '{}' not found in the output of {} run {}", name,
                                      side == verdict::Side::baseline ? "baseline" : "candidate", index + 1));
      }
      values[name].push_back(*value);
    }
    return values[decided].back();
  };
  auto outcome = verdict::run_ab(sample, decided, policy, options);
  if (!outcome && !failure) {
    throw Fatal(outcome.error().message);
  }
  if (!outcome) {
    const bool base = failure->side == verdict::Side::baseline;
    const std::string what =
        fmt::format("{} run {} ({}) {}", base ? "baseline" : "candidate", failure->index + 1,
                    base ? o.baseline : o.candidate, describe(failure->result));
    if (base) {
      throw Fatal(what, "the baseline must succeed to be compared with", ExitCode::command_failed);
    }
    verdict::AbOutcome partial;
    partial.decision = {failure->result.status == core::RunStatus::timed_out ? verdict::Verdict::kill
                                                                               : verdict::Verdict::reject,
                        failure->result.status == core::RunStatus::timed_out, what};
    outcome = partial;
  }

  verdict::CommandComparison comparison;
  comparison.command = o.candidate;
  for (const auto& [name, base] : baseline_values) {
    const auto cand = candidate_values.find(name);
    if (name == decided) {
      comparison.metrics.push_back(outcome->comparison);
    } else if (cand != candidate_values.end()) {
      comparison.metrics.push_back(verdict::compare_metric(name, base, cand->second, policy));
    }
  }
  if (comparison.metrics.empty()) {
    comparison.metrics.push_back(outcome->comparison);
  }
  comparison.decision = outcome->decision;
  const std::vector<verdict::CommandComparison> list{comparison};
  if (o.json) {
    auto doc = comparisons_json(list, outcome->decision);
    doc["runs_used"] = {{"baseline", outcome->baseline.size()}, {"candidate", outcome->candidate.size()}};
    doc["stopped_early"] = outcome->stopped_early;
    nlohmann::ordered_json trace = nlohmann::ordered_json::array();
    for (const auto& look : outcome->trace) {
      trace.push_back({{"runs", look.runs},
                       {"change", look.change},
                       {"lo", std::isfinite(look.lo) ? nlohmann::ordered_json(look.lo) : nullptr},
                       {"hi", std::isfinite(look.hi) ? nlohmann::ordered_json(look.hi) : nullptr},
                       {"stop", look.stop}});
    }
    doc["trace"] = std::move(trace);
    fmt::print("{}\n", doc.dump(2));
  } else {
    if (!outcome->baseline.empty()) {
      fmt::print("{}", comparisons_table(list, outcome->decision, policy.name));
    } else {
      fmt::print("overall ({} policy): {}: {}\n", policy.name, verdict::to_string(outcome->decision.verdict),
                 outcome->decision.reason);
    }
    fmt::print("runs used: {} baseline, {} candidate ({} strategy{})\n", outcome->baseline.size(),
               outcome->candidate.size(), o.strategy, outcome->stopped_early ? ", stopped early" : "");
  }
  return exit_code_for(outcome->decision);
}

} // namespace

CommandMain setup_ab(CLI::App& sub) {
  auto o = std::make_shared<AbCliOptions>();
  sub.add_option("baseline", o->baseline, "Baseline command (A)")->required();
  sub.add_option("candidate", o->candidate, "Candidate command (B)")->required();
  sub.add_option("--strategy", o->strategy, "fixed (--runs per side) or sequential (stop when settled)")
      ->check(CLI::IsMember({"fixed", "sequential"}))
      ->capture_default_str();
  sub.add_option("-r,--runs", o->runs, "Runs per side for --strategy fixed")->capture_default_str();
  sub.add_option("--min-runs", o->min_runs, "Sequential: never stop before this many runs per side")
      ->capture_default_str();
  sub.add_option("--max-runs", o->max_runs, "Sequential: decide at this many runs per side at the latest")
      ->capture_default_str();
  sub.add_option("-w,--warmup", o->warmup, "Warmup runs of each command, not measured")->capture_default_str();
  sub.add_option("-t,--timeout", o->timeout_s, "Kill a run after this many seconds (a candidate timeout is KILL)");
  sub.add_flag("-S,--shell", o->shell, "Always run the commands through /bin/sh -c");
  sub.add_flag("-N,--no-shell", o->no_shell, "Never use a shell: split the commands into words");
  sub.add_option("-m,--metric", o->metrics,
                 "NAME=REGEX: read a number from each run's output (one capture group); the policy's "
                 "primary_metric decides when measured");
  sub.add_option("--policy", o->policy, "Decision policy: generic, optimized, zkvm, or a YAML file")
      ->capture_default_str();
  sub.add_flag("--json", o->json, "Print the result as JSON (compare's schema plus runs_used, stopped_early, trace)");
  sub.footer("Exit status 4 when the verdict is a regression (for CI gates).");
  return [o] { return run_ab_command(*o); };
}

} // namespace zkbench::cli
