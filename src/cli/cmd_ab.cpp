// `zkbench ab BASELINE-CMD CANDIDATE-CMD`: runs the two commands alternately (A B B A ...) and decides
// with the policy, after a fixed number of runs or as soon as the sequential rule settles the verdict.
// Runs go through measure::ProcessExecutor; the loop and the decision are verdict::run_ab, the same code
// that bench/verdicts simulates.
#include <algorithm>
#include <filesystem>
#include <map>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/measuring_lock.hpp"
#include "cli/comparison_output.hpp"
#include "cli/gpu_run_monitor.hpp"
#include "measure/run_loop.hpp"
#include "store/store.hpp"
#include "util/clock.hpp"
#include "measure/interrupt.hpp"
#include "measure/metrics.hpp"
#include "measure/process_executor.hpp"
#include "util/error.hpp"
#include "verdict/sequential.hpp"
#include "workflow/workspace.hpp"

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
  std::vector<std::string> metrics;      // NAME=REGEX
  std::vector<std::string> metric_files; // NAME=PATH
  // Hooks as in `run`: given once (both sides) or twice (baseline, candidate).
  std::vector<std::string> setup, prepare, conclude, cleanup;
  std::string store;                // default: .zkbench/zkbench.db here
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

// The hook of `side`: one value serves both sides, two are baseline then candidate.
std::optional<std::string> hook_for(const std::vector<std::string>& hooks, const char* option, verdict::Side side) {
  if (hooks.empty()) {
    return std::nullopt;
  }
  if (hooks.size() > 2) {
    throw Fatal(fmt::format("{} was given {} times: give it once (both commands) or twice (baseline, candidate)",
                            option, hooks.size()),
                {}, ExitCode::usage);
  }
  return hooks.size() == 1 || side == verdict::Side::baseline ? hooks.front() : hooks.back();
}

// Runs a setup/prepare/conclude/cleanup command; its failure or an interrupt ends `ab` (the runs measured
// so far are already in the store).
void run_hook(measure::ProcessExecutor& executor, measure::ShellMode mode, const char* what,
              const std::optional<std::string>& hook, const std::string& kept) {
  if (!hook) {
    return;
  }
  measure::CommandSpec spec;
  spec.text = *hook;
  spec.shell = mode;
  measure::ExecutionOptions options;
  options.capture_output = true;
  auto result = executor.execute(spec, options);
  if (!result) {
    throw Fatal(fmt::format("the {} command '{}' could not run: {}", what, *hook, result.error().message), kept);
  }
  if (result->interrupted) {
    throw Fatal("interrupted", kept, ExitCode::interrupted);
  }
  if (result->status != core::RunStatus::success) {
    throw Fatal(fmt::format("the {} command '{}' {}", what, *hook, describe(*result)),
                "append ' || true' to the command if its failure can be ignored");
  }
}

// Keeps every measured A/B run in the store as soon as it finishes (session kind "ab"; benchmark 0 is the
// baseline, 1 the candidate), with its log, so an interrupted or crashed ab loses nothing measured.
class AbRecorder {
public:
  AbRecorder(store::Store& store, const AbCliOptions& o) : m_store(store) {
    const std::string argv = fmt::format("zkbench ab '{}' '{}'", o.baseline, o.candidate);
    m_session = value_or_fatal(m_store.begin_session({"ab", argv, measure::host_name(),
                                                      std::filesystem::current_path().string(),
                                                      util::unix_now_us(), workflow::machine_class_from_env()}));
    for (const std::string* command : {&o.baseline, &o.candidate}) {
      core::Benchmark bench;
      bench.command = *command;
      m_benchmarks.push_back(value_or_fatal(m_store.add_benchmark(m_session, bench)));
    }
  }

  /// The log file of `side`'s run `index` (0-based).
  std::filesystem::path log_path(verdict::Side side, int index) const {
    const auto dir = m_store.artifacts_dir() / "logs" / std::to_string(m_session);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    return dir / fmt::format("{}-{}.log", position(side) + 1, index + 1);
  }

  void add(verdict::Side side, int index, const measure::ExecutionResult& result,
           std::map<std::string, std::optional<double>> metrics, std::optional<core::GpuRunStats> gpu) {
    core::Run run = measure::make_run(result, static_cast<std::size_t>(index), log_path(side, index).string());
    run.metrics = std::move(metrics);
    run.gpu = std::move(gpu);
    value_or_fatal(m_store.add_run(m_benchmarks[position(side)], run));
    ++m_kept;
  }

  void finish(store::SessionStatus status) { (void)m_store.finish_session(m_session, status); }
  std::string kept() const {
    return fmt::format("{} runs kept in '{}' (session {})", m_kept, m_store.location(), m_session);
  }

private:
  static std::size_t position(verdict::Side side) { return side == verdict::Side::baseline ? 0 : 1; }

  store::Store& m_store;
  std::int64_t m_session = 0;
  std::vector<std::int64_t> m_benchmarks;
  std::size_t m_kept = 0;
};

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
  const auto machine = lock_for_measuring("ab: " + o.baseline + " vs " + o.candidate, o.no_lock ? SkipLock::yes : SkipLock::no);
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
  std::vector<measure::MetricFileSpec> metric_file_specs;
  for (const auto& argument : o.metric_files) {
    auto spec = measure::parse_metric_file_spec(argument);
    if (!spec) {
      throw Fatal(spec.error().message, {}, ExitCode::usage);
    }
    metric_file_specs.push_back(std::move(*spec));
  }
  const auto hooks_of = [&](verdict::Side side) {
    struct Hooks {
      std::optional<std::string> setup, prepare, conclude, cleanup;
    };
    return Hooks{hook_for(o.setup, "--setup", side), hook_for(o.prepare, "--prepare", side),
                 hook_for(o.conclude, "--conclude", side), hook_for(o.cleanup, "--cleanup", side)};
  };
  // The loop decides on the policy's primary metric when it is measured, else on the time.
  const bool primary_is_metric =
      std::any_of(metric_specs.begin(), metric_specs.end(), [&](const auto& m) { return m.name == policy.primary_metric; }) ||
      std::any_of(metric_file_specs.begin(), metric_file_specs.end(),
                  [&](const auto& m) { return m.name == policy.primary_metric; });
  const std::string decided = primary_is_metric ? policy.primary_metric : "time";
  measure::ExecutionOptions exec_options;
  exec_options.timeout_s = o.timeout_s;
  exec_options.capture_output = !metric_specs.empty();

  const std::string location =
      o.store.empty() ? store::default_store_path(std::filesystem::current_path()).string() : o.store;
  auto opened = store::open_store(location, store::OpenMode::create);
  if (!opened) {
    throw Fatal(opened.error().message, "pass --store PATH to keep the runs elsewhere");
  }
  AbRecorder recorder(**opened, o);
  // Setups run once per side before anything of that side; the runs alternate, so both come first.
  for (const auto side : {verdict::Side::baseline, verdict::Side::candidate}) {
    run_hook(executor, mode, "setup", hooks_of(side).setup, recorder.kept());
  }
  for (int i = 0; i < o.warmup; ++i) {
    for (const auto side : {verdict::Side::baseline, verdict::Side::candidate}) {
      run_hook(executor, mode, "preparation", hooks_of(side).prepare, recorder.kept());
      value_or_fatal(executor.execute(spec_for(side), exec_options));
      run_hook(executor, mode, "conclusion", hooks_of(side).conclude, recorder.kept());
    }
  }
  GpuRunMonitor monitor(gpu::open_best_source(), gpu::ThermalPolicy{},
                        [](const std::string& line) { fmt::print(stderr, "  {}\n", line); });

  std::optional<RunFailure> failure;
  SideValues baseline_values;
  SideValues candidate_values;
  const verdict::Sampler sample = [&](verdict::Side side, int index) -> Result<double> {
    measure::ExecutionOptions run_options = exec_options;
    run_options.log_path = recorder.log_path(side, index);
    run_hook(executor, mode, "preparation", hooks_of(side).prepare, recorder.kept());
    monitor.before_run();
    auto result = executor.execute(spec_for(side), run_options);
    std::optional<core::GpuRunStats> gpu_stats = monitor.after_run();
    if (!result) {
      return tl::unexpected(result.error());
    }
    if (result->interrupted) {
      recorder.finish(store::SessionStatus::interrupted);
      throw Fatal("interrupted", recorder.kept(), ExitCode::interrupted);
    }
    const auto metrics = measure::collect_metrics(metric_specs, metric_file_specs, result->output);
    recorder.add(side, index, *result, metrics, std::move(gpu_stats));
    run_hook(executor, mode, "conclusion", hooks_of(side).conclude, recorder.kept());
    if (result->status != core::RunStatus::success) {
      failure = RunFailure{side, index, *result};
      return make_error("run failed");
    }
    auto& values = side == verdict::Side::baseline ? baseline_values : candidate_values;
    values["time"].push_back(result->wall_s);
    for (const auto& [name, value] : metrics) {
      if (!value) {
        return make_error(fmt::format("metric '{}' not found in the output of {} run {}", name,
                                      side == verdict::Side::baseline ? "baseline" : "candidate", index + 1));
      }
      values[name].push_back(*value);
    }
    return values[decided].back();
  };
  auto outcome = verdict::run_ab(sample, decided, policy, options);
  for (const auto side : {verdict::Side::baseline, verdict::Side::candidate}) {
    run_hook(executor, mode, "cleanup", hooks_of(side).cleanup, recorder.kept());
  }
  recorder.finish(outcome || failure ? store::SessionStatus::complete : store::SessionStatus::failed);
  if (!outcome && !failure) {
    throw Fatal(outcome.error().message, recorder.kept());
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
  sub.add_option("-m,--min-runs", o->min_runs, "Sequential: never stop before this many runs per side")
      ->capture_default_str();
  sub.add_option("-M,--max-runs", o->max_runs, "Sequential: decide at this many runs per side at the latest")
      ->capture_default_str();
  sub.add_option("-w,--warmup", o->warmup, "Warmup runs of each command, not measured")->capture_default_str();
  sub.add_option("-t,--timeout", o->timeout_s, "Kill a run after this many seconds (a candidate timeout is KILL)");
  sub.add_flag("-S,--shell", o->shell, "Always run the commands through /bin/sh -c");
  sub.add_flag("-N,--no-shell", o->no_shell, "Never use a shell: split the commands into words");
  sub.add_option("--metric", o->metrics,
                 "NAME=REGEX: read a number from each run's output (one capture group); the policy's "
                 "primary_metric decides when measured")
      ->allow_extra_args(false)->take_all();
  sub.add_option("--metric-file", o->metric_files, "NAME=PATH: record the size of PATH after each run (bytes)")
      ->allow_extra_args(false)->take_all();
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
  sub.add_flag("--json", o->json, "Print the result as JSON (compare's schema plus runs_used, stopped_early, trace)");
  sub.footer("Exit status 4 when the verdict is a regression (for CI gates).");
  return [o] { return run_ab_command(*o); };
}

} // namespace zkbench::cli
