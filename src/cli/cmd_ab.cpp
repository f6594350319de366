// `zkbench ab BASELINE-CMD CANDIDATE-CMD`: runs the two commands alternately (A B B A ...) and decides
// with the policy, after a fixed number of runs or as soon as the sequential rule settles the verdict.
// The runs go through the one run loop (measure::run_benchmarks: session kind "ab", benchmark 1 the
// baseline, 2 the candidate, every run stored as it ends); the decision is verdict::AbJudge, the same
// judge that exp run and compound use and bench/verdicts simulates.
#include <algorithm>
#include <filesystem>
#include <map>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/contention_options.hpp"
#include "cli/measuring_lock.hpp"
#include "cli/run_plan.hpp"
#include "cli/comparison_output.hpp"
#include "gpu/run_monitor.hpp"
#include "measure/run_loop.hpp"
#include "store/store.hpp"
#include "util/clock.hpp"
#include "measure/interrupt.hpp"
#include "measure/process_executor.hpp"
#include "util/error.hpp"
#include "verdict/ab_judge.hpp"
#include "project/workspace.hpp"
#include "util/text.hpp"

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
  bool no_lock = false;
  ContentionOptions contention;
  MetricOptions metrics; // --metric NAME=REGEX, --metric-file NAME=PATH, --metrics PROVER
  // Hooks as in `run`: given once (both sides) or twice (baseline, candidate).
  std::vector<std::string> setup, prepare, conclude, cleanup;
  std::string store;                // default: .zkbench/zkbench.db here
  std::string export_markdown;      // the pull-request summary (report/ci_summary)
};

// The hook of `side` (0 baseline, 1 candidate): one value serves both sides, two are baseline then candidate.
std::optional<std::string> hook_for(const std::vector<std::string>& hooks, const char* option, std::size_t side) {
  if (hooks.empty()) {
    return std::nullopt;
  }
  if (hooks.size() > 2) {
    throw Fatal(fmt::format("{} was given {} times: give it once (both commands) or twice (baseline, candidate)",
                            option, hooks.size()),
                {}, ExitCode::usage);
  }
  return hooks.size() == 1 || side == 0 ? hooks.front() : hooks.back();
}

int run_ab_command(const AbCliOptions& o) {
  const auto policy = value_or_fatal(project::resolve_policy(o.policy));
  verdict::AbOptions options;
  options.strategy = o.strategy == "sequential" ? verdict::Strategy::sequential : verdict::Strategy::fixed;
  options.runs = o.runs;
  if (o.min_runs < 2 || o.max_runs < o.min_runs || o.runs < 2) {
    throw Fatal("--runs and --min-runs must be at least 2, and --max-runs at least --min-runs", {}, ExitCode::usage);
  }
  // The fewest runs per side a verdict needs (the contention guard's): --min-runs, at most --runs when fixed.
  options.sequential = verdict::sequential_options(
      policy, options.strategy == verdict::Strategy::fixed ? std::min(o.runs, o.min_runs) : o.min_runs, o.max_runs);
  const MetricChoice metrics = metric_choice(o.metrics);
  // The loop decides on the policy's primary metric when it is measured (or zkbench's own: cpu), else on the time.
  const bool primary_is_metric =
      verdict::is_builtin_metric(policy.primary_metric) ||
      std::find(metrics.names.begin(), metrics.names.end(), policy.primary_metric) != metrics.names.end();
  const std::string decided = primary_is_metric ? policy.primary_metric : "time";
  check_ci_summary_path(o.export_markdown); // a typo in a path must not cost the runs

  measure::RunPlan plan;
  for (std::size_t side = 0; side < 2; ++side) {
    measure::PlannedCommand command;
    command.command = side == 0 ? o.baseline : o.candidate;
    command.setup = hook_for(o.setup, "--setup", side);
    command.prepare = hook_for(o.prepare, "--prepare", side);
    command.conclude = hook_for(o.conclude, "--conclude", side);
    command.cleanup = hook_for(o.cleanup, "--cleanup", side);
    plan.commands.push_back(std::move(command));
  }
  plan.order = measure::Order::interleaved;
  plan.warmup = static_cast<std::size_t>(std::max(0, o.warmup));
  // A run without a metric stops the loop (below), so the judge never falls back to another metric; the
  // time is judged as the unloaded time where every run has it (verdict::judged_metric), as in `exp run`.
  verdict::AbJudge judge(decided, policy, options,
                         decided == "time" ? verdict::MetricFallback::time : verdict::MetricFallback::none);
  plan.count.runs = static_cast<std::size_t>(judge.max_pairs());
  plan.timeout_s = o.timeout_s;
  plan.shell = o.shell ? measure::ShellMode::shell : o.no_shell ? measure::ShellMode::no_shell : measure::ShellMode::auto_detect;
  plan.read_metrics = metrics.reader;
  std::string missing_metric; // a run without the decided metric cannot be judged
  // The first run without one of the metrics, in words; empty when there is none.
  const auto first_missing = [](std::span<const core::Benchmark> benches) -> std::string {
    for (std::size_t side = 0; side < std::min<std::size_t>(benches.size(), 2); ++side) {
      for (const core::Run& run : benches[side].runs) {
        for (const auto& [name, value] : run.metrics) {
          if (!value) {
            return fmt::format("metric '{}' not found in the output of {} run {}", name,
                               side == 0 ? "baseline" : "candidate", run.index + 1);
          }
        }
      }
    }
    return {};
  };
  plan.stop_rule = [&](std::span<const core::Benchmark> benches) {
    missing_metric = first_missing(benches);
    return !missing_metric.empty() || judge.look(benches);
  };
  plan.session_kind = "ab";
  plan.argv = fmt::format("zkbench ab '{}' '{}'", o.baseline, o.candidate);
  plan.machine_class = project::machine_class_from_env();

  const std::string location =
      o.store.empty() ? store::default_store_path(std::filesystem::current_path()).string() : o.store;
  auto opened = store::open_store(location, store::OpenMode::create);
  if (!opened) {
    throw Fatal(opened.error().message, "pass --store PATH to keep the runs elsewhere");
  }
  gpu::GpuRunMonitor monitor(gpu::open_best_source(), gpu::ThermalPolicy{},
                             [](const std::string& line) { fmt::print(stderr, "  {}\n", line); });
  plan.monitor = &monitor;
  const auto contention = make_contention_gate(o.contention, stderr);
  plan.contention = &contention->gate();
  measure::install_interrupt_handlers();
  const auto machine = lock_for_measuring("ab: " + o.baseline + " vs " + o.candidate, o.no_lock ? SkipLock::yes : SkipLock::no);
  measure::ProcessExecutor executor;
  measure::RunObserver quiet;
  auto loop = measure::run_benchmarks(plan, executor, opened->get(), quiet, [] { return measure::interrupt_requested(); });
  if (!loop) {
    throw Fatal(loop.error().message);
  }
  const std::string kept = fmt::format("{} runs kept in '{}' (session {})", loop->kept_runs, (*opened)->location(),
                                       loop->session_id.value_or(0));
  if (loop->status == measure::LoopStatus::interrupted) {
    throw Fatal("interrupted", kept, ExitCode::interrupted);
  }
  if (missing_metric.empty()) {
    // The stop rule sees only the rounds the contention gate judged: rounds it still held (the first
    // window of very short runs) never reached it.
    missing_metric = first_missing(loop->benchmarks);
  }
  if (!missing_metric.empty()) {
    throw Fatal(missing_metric, kept);
  }
  if (loop->status == measure::LoopStatus::contended) {
    throw Fatal(loop->message, kept + "; wait longer with --contention-wait SECS");
  }
  std::optional<verdict::Decision> ended; // a candidate that failed or timed out is the verdict
  if (loop->failure) {
    const measure::LoopFailure& failure = *loop->failure;
    const bool base = failure.command == 0;
    const std::string what = fmt::format("{} {} {} ({}) {}", base ? "baseline" : "candidate",
                                         failure.warmup ? "warmup" : "run",
                                         failure.run ? *failure.run + 1 : std::size_t{1}, base ? o.baseline : o.candidate,
                                         measure::describe_ending(failure.result));
    if (base) {
      throw Fatal(what, "the baseline must succeed to be compared with", ExitCode::command_failed);
    }
    ended = verdict::Decision{loop->status == measure::LoopStatus::timed_out ? verdict::Verdict::kill
                                                                             : verdict::Verdict::reject,
                              loop->status == measure::LoopStatus::timed_out, what};
  }
  // The judge (verdict/ab_judge.hpp) leaves contended rounds out of the looks; when every run was measured
  // and the rule has not decided, its final look judges every run.
  const verdict::AbJudgement judgement =
      judge.judge(loop->benchmarks[0], loop->benchmarks[1], loop->status == measure::LoopStatus::complete, ended);
  verdict::AbOutcome outcome = judgement.outcome;
  const bool failed_run_contended = loop->failure && loop->failure->run &&
                                    *loop->failure->run < loop->benchmarks[loop->failure->command].runs.size() &&
                                    loop->benchmarks[loop->failure->command].runs[*loop->failure->run].contended();
  outcome.decision = judge.guard(std::move(outcome.decision), judgement,
                                 failed_run_contended && outcome.decision.verdict == verdict::Verdict::kill);
  outcome.comparison.decision = outcome.decision;

  verdict::CommandComparison comparison;
  comparison.command = o.candidate;
  comparison.metrics.push_back(outcome.comparison);
  const std::string& judged = judgement.metric;
  comparison.metric = judged;
  comparison.change = outcome.comparison.change;
  if (judged != "time") {
    comparison.metrics.push_back(verdict::compare_metric("time", loop->benchmarks[0].wall_times(),
                                                         loop->benchmarks[1].wall_times(), policy));
  }
  for (const std::string& name : loop->benchmarks[0].metric_names()) {
    if (name != judged) {
      comparison.metrics.push_back(verdict::compare_metric(name, loop->benchmarks[0].metric_values(name),
                                                           loop->benchmarks[1].metric_values(name), policy));
    }
  }
  comparison.decision = outcome.decision;
  const std::vector<verdict::CommandComparison> list{comparison};
  // Every measured run counts (contended ones too); a fixed design measures --runs on both sides.
  core::VerdictCost cost;
  const auto fixed = static_cast<std::size_t>(std::max(0, o.runs));
  cost.add(loop->benchmarks[0], true, fixed);
  cost.add(loop->benchmarks[1], false, fixed);
  if (o.json) {
    auto doc = comparisons_json(list, outcome.decision);
    doc["runs_used"] = {{"baseline", outcome.baseline.size()}, {"candidate", outcome.candidate.size()}};
    doc["stopped_early"] = outcome.stopped_early;
    doc["cost"] = cost;
    nlohmann::ordered_json trace = nlohmann::ordered_json::array();
    for (const auto& look : outcome.trace) {
      trace.push_back({{"runs", look.runs},
                       {"change", look.change},
                       {"lo", std::isfinite(look.lo) ? nlohmann::ordered_json(look.lo) : nullptr},
                       {"hi", std::isfinite(look.hi) ? nlohmann::ordered_json(look.hi) : nullptr},
                       {"level", look.level},
                       {"stop", look.stop}});
    }
    doc["trace"] = std::move(trace);
    fmt::print("{}\n", util::json_text(doc, 2));
  } else {
    if (!outcome.baseline.empty()) {
      fmt::print("{}", comparisons_table(list, outcome.decision, policy.name));
    } else {
      fmt::print("overall ({} policy): {}: {}\n", policy.name, verdict::to_string(outcome.decision.verdict),
                 outcome.decision.reason);
    }
    fmt::print("runs used: {} baseline, {} candidate ({} strategy{})\ncost: {}\n", outcome.baseline.size(),
               outcome.candidate.size(), o.strategy, outcome.stopped_early ? ", stopped early" : "", cost.describe());
  }
  export_ci_summary({"zkbench ab", policy.name, judged, list, outcome.decision, exit_code_for(outcome.decision)},
                    o.export_markdown);
  return exit_code_for(outcome.decision);
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
  sub.add_option("-m,--min-runs", o->min_runs, "Sequential: never stop before this many runs per side")
      ->capture_default_str();
  sub.add_option("-M,--max-runs", o->max_runs, "Sequential: decide at this many runs per side at the latest")
      ->capture_default_str();
  sub.add_option("-w,--warmup", o->warmup, "Warmup runs of each command, not measured")->capture_default_str();
  sub.add_option("-t,--timeout", o->timeout_s, "Kill a run after this many seconds (a candidate timeout is KILL)");
  sub.add_flag("-S,--shell", o->shell, "Always run the commands through /bin/sh -c");
  sub.add_flag("-N,--no-shell", o->no_shell, "Never use a shell: split the commands into words");
  sub.add_option("--metric", o->metrics.metrics,
                 "NAME=REGEX: read a number from each run's output (one capture group); the policy's "
                 "primary_metric decides when measured")
      ->allow_extra_args(false)->take_all();
  sub.add_option("--metric-file", o->metrics.metric_files, "NAME=PATH: record the size of PATH after each run (bytes)")
      ->allow_extra_args(false)->take_all();
  add_prover_metrics_option(sub, o->metrics.prover);
  sub.add_option("-s,--setup", o->setup, "Run CMD once before the runs (once for both, or baseline then candidate)")
      ->allow_extra_args(false)->take_all();
  sub.add_option("-p,--prepare", o->prepare, "Run CMD before every run of that side, warmups included")
      ->allow_extra_args(false)->take_all();
  sub.add_option("-C,--conclude", o->conclude, "Run CMD after every run of that side, warmups included")
      ->allow_extra_args(false)->take_all();
  sub.add_option("-c,--cleanup", o->cleanup, "Run CMD once after all runs")->allow_extra_args(false)->take_all();
  sub.add_option("--store", o->store, "The store to keep every run in (default: .zkbench/zkbench.db here)");
  sub.add_option("--policy", o->policy, "Decision policy: generic, optimized, zkvm, or a YAML file")
      ->capture_default_str();
  sub.add_flag("--no-lock", o->no_lock, k_no_lock_help);
  add_contention_options(sub, o->contention);
  sub.add_flag("--json", o->json, "Print the result as JSON (compare's schema plus runs_used, stopped_early, trace)");
  sub.add_option("--export-markdown", o->export_markdown,
                 "Write a pull-request summary (Markdown) to FILE ('-': standard output); also appended to "
                 "$GITHUB_STEP_SUMMARY when set");
  sub.footer("Exit status 4 when the verdict is a regression (for CI gates).");
  return [o] { return run_ab_command(*o); };
}

} // namespace zkbench::cli
