// `zkbench run [OPTIONS] <command>...`: hyperfine's command line, runs kept in the store.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "cli/measuring_lock.hpp"
#include "cli/run_progress.hpp"
#include "cli/store_location.hpp"
#include "gpu/run_monitor.hpp"
#include "measure/interrupt.hpp"
#include "measure/metrics.hpp"
#include "measure/parameters.hpp"
#include "measure/process_executor.hpp"
#include "measure/run_loop.hpp"
#include "report/exporter.hpp"
#include "report/summary.hpp"
#include "report/terminal.hpp"
#include "store/store.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "workflow/workspace.hpp"

namespace zkbench::cli {

namespace {

struct RunOptions {
  std::vector<std::string> commands;
  std::size_t warmup = 0;
  std::optional<std::size_t> runs;
  std::optional<std::size_t> min_runs;
  std::optional<std::size_t> max_runs;
  std::vector<std::string> setup, prepare, conclude, cleanup;
  std::vector<std::string> scan;      // VAR MIN MAX
  std::optional<std::string> step;
  std::vector<std::string> lists;     // VAR VALUES, VAR VALUES, ...
  std::vector<std::string> names;
  bool ignore_failure = false;
  bool show_output = false;
  std::string export_json, export_markdown, export_csv;
  std::string time_unit;
  bool no_shell = false;
  bool shell = false;
  std::optional<double> timeout_s;
  std::optional<double> cooldown_s;
  std::optional<double> max_start_temp_c;
  std::vector<std::string> metrics;
  std::vector<std::string> metric_files;
  std::string store;
  bool json = false;
  bool no_lock = false;
  std::string argv;
};

[[noreturn]] void usage_error(const std::string& message, const std::string& hint = {}) {
  throw Fatal(message, hint, ExitCode::usage);
}

measure::RunCount run_count(const RunOptions& o) {
  measure::RunCount count;
  if (o.runs) {
    if (*o.runs == 0) {
      usage_error("--runs must be at least 1 (got 0)");
    }
    if (o.min_runs || o.max_runs) {
      usage_error("--runs cannot be combined with --min-runs or --max-runs");
    }
    count.runs = o.runs;
    return count;
  }
  if (o.max_runs && *o.max_runs == 0) {
    usage_error("--max-runs must be at least 1 (got 0)");
  }
  if (o.min_runs && *o.min_runs == 0) {
    usage_error("--min-runs must be at least 1 (got 0)");
  }
  if (o.min_runs && o.max_runs && *o.min_runs > *o.max_runs) {
    usage_error(fmt::format("--min-runs {} is larger than --max-runs {}: no number of runs satisfies both", *o.min_runs,
                            *o.max_runs));
  }
  count.max_runs = o.max_runs;
  // hyperfine: the default minimum (10) gives way to a smaller --max-runs.
  count.min_runs = o.min_runs.value_or(o.max_runs ? std::min<std::size_t>(10, *o.max_runs) : 10);
  return count;
}

// A hook given once applies to every command; given once per command, to that command.
std::optional<std::string> hook_for(const std::vector<std::string>& hooks, const char* option, std::size_t source_index,
                                    std::size_t command_count) {
  if (hooks.empty()) {
    return std::nullopt;
  }
  if (hooks.size() == 1) {
    return hooks[0];
  }
  if (hooks.size() != command_count) {
    usage_error(fmt::format("{} was given {} times for {} commands: give it once, or once per command", option,
                            hooks.size(), command_count));
  }
  return hooks[source_index];
}

std::vector<measure::PlannedCommand> plan_commands(const RunOptions& o) {
  std::optional<measure::ParameterScan> scan;
  if (!o.scan.empty()) {
    scan = measure::ParameterScan{o.scan[0], o.scan[1], o.scan[2], o.step};
  } else if (o.step) {
    usage_error("-D/--parameter-step-size needs -P/--parameter-scan");
  }
  std::vector<measure::ParameterList> lists;
  for (std::size_t i = 0; i + 1 < o.lists.size(); i += 2) {
    lists.push_back({o.lists[i], util::split(o.lists[i + 1], ',')});
  }
  auto combinations = measure::parameter_combinations(scan, lists);
  if (!combinations) {
    usage_error(combinations.error().message);
  }
  auto expanded = measure::expand_commands(o.commands, o.names, *combinations);
  if (!expanded) {
    usage_error(expanded.error().message);
  }
  std::vector<measure::PlannedCommand> planned;
  const std::size_t n = o.commands.size();
  for (const measure::ExpandedCommand& e : *expanded) {
    const auto hook = [&](const std::vector<std::string>& hooks, const char* option) -> std::optional<std::string> {
      auto text = hook_for(hooks, option, e.source_index, n);
      return text ? std::optional(measure::substitute(*text, e.parameters)) : std::nullopt;
    };
    measure::PlannedCommand command;
    command.command = e.command;
    command.name = e.name;
    command.parameters = e.parameters;
    command.setup = hook(o.setup, "--setup");
    command.prepare = hook(o.prepare, "--prepare");
    command.conclude = hook(o.conclude, "--conclude");
    command.cleanup = hook(o.cleanup, "--cleanup");
    planned.push_back(std::move(command));
  }
  return planned;
}

measure::MetricReader metric_reader(const RunOptions& o) {
  std::vector<measure::MetricSpec> specs;
  std::vector<measure::MetricFileSpec> files;
  std::set<std::string> names;
  const auto unique = [&](const std::string& name) {
    if (!names.insert(name).second) {
      usage_error(fmt::format("metric '{}' is defined more than once", name));
    }
  };
  for (const std::string& argument : o.metrics) {
    auto spec = measure::parse_metric_spec(argument);
    if (!spec) {
      usage_error(spec.error().message);
    }
    unique(spec->name);
    specs.push_back(std::move(*spec));
  }
  for (const std::string& argument : o.metric_files) {
    auto spec = measure::parse_metric_file_spec(argument);
    if (!spec) {
      usage_error(spec.error().message);
    }
    unique(spec->name);
    files.push_back(std::move(*spec));
  }
  if (specs.empty() && files.empty()) {
    return {};
  }
  return [specs, files](const measure::ExecutionResult& result) {
    return measure::collect_metrics(specs, files, result.output);
  };
}

struct ExportTarget {
  report::ExportFormat format;
  std::filesystem::path path;
};

std::vector<ExportTarget> export_targets(const RunOptions& o) {
  std::vector<ExportTarget> targets;
  if (!o.export_json.empty()) {
    targets.push_back({report::ExportFormat::json, o.export_json});
  }
  if (!o.export_markdown.empty()) {
    targets.push_back({report::ExportFormat::markdown, o.export_markdown});
  }
  if (!o.export_csv.empty()) {
    targets.push_back({report::ExportFormat::csv, o.export_csv});
  }
  // Checked before anything runs: a typo in a path must not cost an hour of GPU time.
  for (const ExportTarget& target : targets) {
    value_or_fatal(report::check_writable(target.path));
  }
  return targets;
}

nlohmann::ordered_json summary_json(const measure::LoopOutcome& outcome, const store::Store& store) {
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  std::vector<report::BenchmarkSummary> summaries;
  for (const core::Benchmark& bench : outcome.benchmarks) {
    results.push_back(report::benchmark_json(bench, report::WithSummary::yes));
    summaries.push_back(report::summarize_benchmark(bench));
  }
  for (const report::RelativeSpeed& speed : report::relative_speeds(summaries)) {
    results[speed.index]["relative_speed"] = {{"ratio", speed.ratio}, {"fastest", speed.fastest}};
    if (speed.ratio_stddev) {
      results[speed.index]["relative_speed"]["stddev"] = *speed.ratio_stddev;
    }
  }
  const char* status = measure::to_string(outcome.status);
  return {{"results", results},
          {"status", status},
          {"kept_runs", outcome.kept_runs},
          {"session", outcome.session_id ? nlohmann::ordered_json(*outcome.session_id) : nlohmann::ordered_json(nullptr)},
          {"store", store.location()}};
}

int run_command(RunOptions& o) {
  if (o.shell && o.no_shell) {
    usage_error("--shell and -N/--no-shell cannot be used together");
  }
  if (o.cooldown_s && !(*o.cooldown_s >= 0)) {
    usage_error(fmt::format("--cooldown must be a number of seconds >= 0 (got {})", *o.cooldown_s));
  }
  if (o.timeout_s && !(*o.timeout_s > 0)) {
    usage_error(fmt::format("--timeout must be a positive number of seconds (got {})", *o.timeout_s));
  }
  report::TimeUnit unit = report::TimeUnit::automatic;
  if (!o.time_unit.empty()) {
    const auto parsed = report::parse_time_unit(o.time_unit);
    if (!parsed) {
      usage_error(fmt::format("--time-unit '{}': expected microsecond, millisecond or second", o.time_unit));
    }
    unit = *parsed;
  }
  measure::RunPlan plan;
  plan.count = run_count(o);
  plan.commands = plan_commands(o);
  plan.read_metrics = metric_reader(o);
  plan.warmup = o.warmup;
  plan.timeout_s = o.timeout_s;
  plan.shell = o.shell ? measure::ShellMode::shell : o.no_shell ? measure::ShellMode::no_shell : measure::ShellMode::auto_detect;
  plan.show_output = o.show_output;
  plan.ignore_failure = o.ignore_failure ? measure::IgnoreFailure::yes : measure::IgnoreFailure::no;
  plan.argv = o.argv;
  // A fleet worker (zkbench worker) tells the jobs it runs which machine class they measure on.
  plan.machine_class = workflow::machine_class_from_env();
  const std::vector<ExportTarget> targets = export_targets(o);

  // --store, else $ZKBENCH_STORE (a fleet's job keeps its runs in the shared store), else .zkbench/zkbench.db.
  const std::string location = store_location(o.store);
  auto opened = store::open_store(location, store::OpenMode::create);
  if (!opened) {
    throw Fatal(opened.error().message, "pass --store PATH to keep the runs elsewhere");
  }
  store::Store& store = **opened;

  // Human output goes to stdout, except under --json where stdout carries only the JSON.
  std::FILE* human = o.json ? stderr : stdout;
  const bool live = ::isatty(STDERR_FILENO) == 1 && ::isatty(STDOUT_FILENO) == 1 && !o.show_output;
  // GPU telemetry for every run when a GPU can be read, and the thermal gate (--cooldown, --max-start-temp).
  gpu::ThermalPolicy thermal;
  thermal.cooldown_s = o.cooldown_s.value_or(0);
  thermal.max_start_temp_c = o.max_start_temp_c;
  thermal.stop_requested = [] { return measure::interrupt_requested(); }; // Ctrl-C ends a cooldown at once
  gpu::GpuRunMonitor monitor(gpu::open_best_source(), thermal,
                        [human](const std::string& line) { fmt::print(human, "  {}\n", line); });
  plan.monitor = &monitor;
  measure::install_interrupt_handlers();
  const auto machine = lock_for_measuring("run " + util::join(o.commands, ", "), o.no_lock ? SkipLock::yes : SkipLock::no);
  measure::ProcessExecutor executor;
  measure::LoopOutcome outcome;
  {
    RunProgress progress(live ? ProgressStyle::live : ProgressStyle::plain, human, unit);
    auto result = measure::run_benchmarks(plan, executor, &store, progress, [] { return measure::interrupt_requested(); });
    progress.clear();
    if (!result) {
      throw Fatal(result.error().message);
    }
    outcome = std::move(*result);
  }

  const std::string relative = report::format_relative_summary(outcome.benchmarks);
  if (!relative.empty() && outcome.status == measure::LoopStatus::complete) {
    fmt::print(human, "{}", relative);
  }
  if (outcome.kept_runs > 0) {
    for (const ExportTarget& target : targets) {
      const std::string text = report::make_exporter(target.format)->serialize(outcome.benchmarks, unit);
      value_or_fatal(report::write_text_file(target.path, text));
    }
  }
  if (o.json) {
    auto summary = summary_json(outcome, store);
    summary["containment"] = measure::to_string(executor.containment()); // cgroup-v2, cgroup-v1 or process-group
    fmt::print(stdout, "{}\n", summary.dump(2));
  }
  std::fflush(stdout);
  const std::string kept = fmt::format("{} run{} kept in '{}' (session {})", outcome.kept_runs,
                                       outcome.kept_runs == 1 ? "" : "s", store.location(),
                                       outcome.session_id.value_or(0));
  switch (outcome.status) {
  case measure::LoopStatus::complete:
  case measure::LoopStatus::decided:
    return static_cast<int>(ExitCode::success);
  case measure::LoopStatus::command_failed:
  case measure::LoopStatus::timed_out:
  case measure::LoopStatus::verify_failed:
    throw Fatal(outcome.message, kept, ExitCode::command_failed);
  case measure::LoopStatus::interrupted:
    throw Fatal("interrupted; the command's process group was stopped", kept, ExitCode::interrupted);
  }
  return static_cast<int>(ExitCode::success);
}

// A count option: digits only, so "-1" is refused instead of wrapping around to a huge unsigned value.
CLI::Validator whole_number() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        const bool digits = !value.empty() && value.find_first_not_of("0123456789") == std::string::npos;
        return digits ? std::string() : "expected a whole number (0, 1, 2, ...), got '" + value + "'";
      },
      "NUM");
}

} // namespace

CommandMain setup_run(CLI::App& sub) {
  auto o = std::make_shared<RunOptions>();
  sub.add_option("-w,--warmup", o->warmup, "Perform NUM warmup runs before the actual benchmark")->check(whole_number());
  sub.add_option("-r,--runs", o->runs, "Perform exactly NUM runs for each command")->check(whole_number());
  sub.add_option("-m,--min-runs", o->min_runs, "Perform at least NUM runs for each command (default: 10)")->check(whole_number());
  sub.add_option("-M,--max-runs", o->max_runs, "Perform at most NUM runs for each command")->check(whole_number());
  const auto repeatable = [&](const char* names, std::vector<std::string>& into, const char* help) {
    sub.add_option(names, into, help)->allow_extra_args(false)->take_all();
  };
  repeatable("-s,--setup", o->setup, "Run CMD once before each command's runs (once, or once per command)");
  repeatable("-p,--prepare", o->prepare, "Run CMD before every run, warmups included");
  repeatable("-C,--conclude", o->conclude, "Run CMD after every run, warmups included");
  repeatable("-c,--cleanup", o->cleanup, "Run CMD once after each command's runs");
  sub.add_option("-P,--parameter-scan", o->scan, "VAR MIN MAX: benchmark the commands for VAR = MIN..MAX ({VAR})")
      ->expected(3)
      ->allow_extra_args(false);
  sub.add_option("-D,--parameter-step-size", o->step, "Step of -P (decimals allowed)");
  sub.add_option("-L,--parameter-list", o->lists, "VAR a,b,c: benchmark the commands for each value (repeatable)")
      ->expected(2)
      ->allow_extra_args(false)
      ->take_all();
  repeatable("-n,--command-name", o->names, "Name for a command in the output (one per command, {VAR} allowed)");
  sub.add_flag("-i,--ignore-failure", o->ignore_failure, "Keep going when a command fails (non-zero, signal, timeout)");
  sub.add_flag("--show-output", o->show_output, "Show the commands' output (it is kept in the log files anyway)");
  sub.add_option("--export-json", o->export_json, "Write results in hyperfine's JSON schema (plus memory, metrics)");
  sub.add_option("--export-markdown", o->export_markdown, "Write a Markdown table of the results");
  sub.add_option("--export-csv", o->export_csv, "Write results as CSV");
  sub.add_option("-u,--time-unit", o->time_unit, "microsecond, millisecond or second (default: automatic)");
  sub.add_flag("-N,--no-shell", o->no_shell, "Never run commands through /bin/sh (split them into words)");
  sub.add_flag("--shell", o->shell, "Always run commands through /bin/sh -c");
  sub.add_option("--timeout", o->timeout_s, "Kill a run (its whole process group) after SECS; it is kept as timed out");
  repeatable("--metric", o->metrics, "NAME=REGEX: read a number from each run's output (one capture group)");
  repeatable("--metric-file", o->metric_files, "NAME=PATH: record the size of PATH after each run (bytes)");
  sub.add_option("--cooldown", o->cooldown_s, "Wait at least SECS between the end of a run and the next (GPU cooldown)");
  sub.add_option("--max-start-temp", o->max_start_temp_c, "Start a run only when the GPU is below C degrees Celsius");
  sub.add_option("--store", o->store, "The store to keep runs in (default: $ZKBENCH_STORE, else .zkbench/zkbench.db here)");
  sub.add_flag("--json", o->json, "Print the summary as JSON on stdout (human output goes to stderr)");
  sub.add_flag("--no-lock", o->no_lock, k_no_lock_help);
  sub.add_option("command", o->commands, "The commands to benchmark")->required();
  return [o] {
    o->argv = util::own_command_line(); // credentials redacted before they reach the store
    return run_command(*o);
  };
}

} // namespace zkbench::cli
