// `zkbench run [OPTIONS] <command>...`: hyperfine's command line, runs kept in the store.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "cli/option_checks.hpp"
#include "measure/run_executor.hpp"
#include "cli/run_plan.hpp"
#include "cli/run_progress.hpp"
#include "cli/contention_options.hpp"
#include "cli/measuring_lock.hpp"
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
#include "project/workspace.hpp"
#include "util/text.hpp"

namespace zkbench::cli {

namespace {

nlohmann::ordered_json summary_json(const measure::LoopOutcome& outcome, const store::Store& store,
                                    std::optional<std::size_t> reference) {
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  std::vector<report::BenchmarkSummary> summaries;
  for (const core::Benchmark& bench : outcome.benchmarks) {
    results.push_back(report::benchmark_json(bench, report::WithSummary::yes));
    summaries.push_back(report::summarize_benchmark(bench));
  }
  for (const report::RelativeSpeed& speed : report::relative_speeds(summaries, reference)) {
    // "fastest": the base of the ratios (the --reference when one was given), kept under its old name.
    results[speed.index]["relative_speed"] = {{"ratio", speed.ratio}, {"fastest", speed.base}};
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

// --style: "none" prints nothing but errors and exports; "full" draws the live progress even without a
// terminal; "basic" and "color" never do (zkbench prints no colours, so "nocolor" is "auto").
struct Style {
  bool quiet = false;
  std::optional<bool> live; // nullopt: when stdout and stderr are terminals
};

Style parse_style(const std::string& style) {
  if (style == "auto" || style == "nocolor") {
    return {};
  }
  if (style == "none") {
    return {true, false};
  }
  if (style == "full") {
    return {false, true};
  }
  if (style == "basic" || style == "color") {
    return {false, false};
  }
  usage_error(fmt::format("--style '{}': expected auto, basic, full, nocolor, color or none", style));
}

// Exports: "-" is standard output (after the human output, so --style=none leaves only the export).
void write_exports(const std::vector<ExportTarget>& targets, const measure::LoopOutcome& outcome,
                   report::TimeUnit unit, const report::TableOrder& order) {
  for (const ExportTarget& target : targets) {
    const std::string text = report::make_exporter(target.format, order)->serialize(outcome.benchmarks, unit);
    if (target.path == "-") {
      fmt::print(stdout, "{}", text);
    } else {
      value_or_fatal(report::write_text_file(target.path, text));
    }
  }
}

int run_command(RunOptions& o) {
  if (o.cooldown_s && !(*o.cooldown_s >= 0)) {
    usage_error(fmt::format("--cooldown must be a number of seconds >= 0 (got {})", *o.cooldown_s));
  }
  report::TimeUnit unit = report::TimeUnit::automatic;
  if (!o.time_unit.empty()) {
    const auto parsed = report::parse_time_unit(o.time_unit);
    if (!parsed) {
      usage_error(fmt::format("--time-unit '{}': expected microsecond, millisecond or second", o.time_unit));
    }
    unit = *parsed;
  }
  const Style style = parse_style(o.style);
  const report::SortOrder sort = sort_order(o);
  const ShellChoice shell = shell_choice(o);
  const PlannedCommands planned = plan_commands(o);
  const OutputChoice output = output_choice(o, planned);
  const std::optional<std::filesystem::path> input = input_file(o); // before the store: a typo costs nothing
  const std::optional<std::size_t> reference = o.reference ? std::optional<std::size_t>(0) : std::nullopt;
  measure::RunPlan plan;
  plan.count = run_count(o);
  plan.commands = planned.commands;
  plan.read_metrics = metric_choice(o.metrics).reader;
  plan.warmup = o.warmup;
  plan.timeout_s = o.timeout_s;
  plan.shell = shell.mode;
  plan.show_output = output.show_output;
  apply_ignore_failure(o, plan);
  plan.argv = o.argv;
  // A fleet worker (zkbench worker) tells the jobs it runs which machine class they measure on.
  plan.machine_class = project::machine_class_from_env();
  const std::vector<ExportTarget> targets = export_targets(o);
  std::map<std::string, std::filesystem::path> output_files;
  std::set<std::string> benchmarked;
  for (std::size_t k = 0; k < planned.commands.size(); ++k) {
    benchmarked.insert(planned.commands[k].command);
    if (!output.files.empty() && output.files[k]) {
      output_files[planned.commands[k].command] = *output.files[k];
    }
  }

  // --store, else $ZKBENCH_STORE (a fleet's job keeps its runs in the shared store), else zkbench.yaml's
  // store:, else .zkbench/zkbench.db.
  const std::string location = store_location(o.store);
  auto opened = store::open_store(location, store::OpenMode::create);
  if (!opened) {
    throw Fatal(opened.error().message, "pass --store PATH to keep the runs elsewhere");
  }
  store::Store& store = **opened;

  // Human output goes to stdout, except under --json where stdout carries only the JSON.
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> null_output(style.quiet ? std::fopen("/dev/null", "w") : nullptr,
                                                              [](std::FILE* f) { return f ? std::fclose(f) : 0; });
  std::FILE* human = null_output ? null_output.get() : o.json ? stderr : stdout;
  const bool live = style.live.value_or(::isatty(STDERR_FILENO) == 1 && ::isatty(STDOUT_FILENO) == 1) &&
                    !plan.show_output && !style.quiet;
  // GPU telemetry for every run when a GPU can be read, and the thermal gate (--cooldown, --max-start-temp).
  gpu::ThermalPolicy thermal;
  thermal.cooldown_s = o.cooldown_s.value_or(0);
  thermal.max_start_temp_c = o.max_start_temp_c;
  thermal.stop_requested = [] { return measure::interrupt_requested(); }; // Ctrl-C ends a cooldown at once
  gpu::GpuRunMonitor monitor(gpu::open_best_source(), thermal,
                        [human](const std::string& line) { fmt::print(human, "  {}\n", line); });
  plan.monitor = &monitor;
  const auto contention = make_contention_gate(o.contention, human);
  plan.contention = &contention->gate();
  measure::install_interrupt_handlers();
  const auto machine = lock_for_measuring("run " + util::join(o.commands, ", "), o.no_lock ? SkipLock::yes : SkipLock::no);
  measure::ProcessExecutor processes;
  measure::RunExecutor executor(processes, shell.shell_argv, std::move(output_files), std::move(benchmarked), input);
  measure::LoopOutcome outcome;
  {
    RunProgress progress(style.quiet ? ProgressStyle::none : live ? ProgressStyle::live : ProgressStyle::plain, human,
                         unit);
    auto result = measure::run_benchmarks(plan, executor, &store, progress, [] { return measure::interrupt_requested(); });
    progress.clear();
    if (!result) {
      throw Fatal(result.error().message);
    }
    outcome = std::move(*result);
  }

  const std::string relative = report::format_relative_summary(outcome.benchmarks, reference, sort);
  if (!relative.empty() && outcome.status == measure::LoopStatus::complete) {
    fmt::print(human, "{}", relative);
  }
  std::fflush(human);
  if (outcome.kept_runs > 0) {
    write_exports(targets, outcome, unit, {sort == report::SortOrder::mean_time ? sort : report::SortOrder::command,
                                           reference});
  }
  if (o.json) {
    auto summary = summary_json(outcome, store, reference);
    summary["containment"] = core::to_string(processes.containment()); // cgroup-v2, cgroup-v1 or process-group
    fmt::print(stdout, "{}\n", util::json_text(summary, 2));
  }
  std::fflush(stdout);
  for (const core::Benchmark& bench : outcome.benchmarks) { // the gate's marks, said once per command
    if (const std::size_t n = bench.contended_runs(); n > 0) {
      fmt::print(human, "warning: {} of {} runs of '{}' were contended (another process used the machine); "
                        "they are kept and marked\n", n, bench.runs.size(), bench.display_name());
    }
  }
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
  case measure::LoopStatus::contended:
    throw Fatal(outcome.message, kept + "; wait longer with --contention-wait SECS", ExitCode::error);
  }
  return static_cast<int>(ExitCode::success);
}

} // namespace

CommandMain setup_run(CLI::App& sub) {
  auto o = std::make_shared<RunOptions>();
  sub.set_version_flag("-V,--version", std::string("zkbench ") + ZKBENCH_VERSION);
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
  sub.add_option("--reference", o->reference, "Measure CMD first and compare every command with it");
  sub.add_option("--reference-name", o->reference_name, "Name for the --reference command in the output");
  sub.add_flag("-i,--ignore-failure{all-non-zero}", o->ignore_failure,
               "Keep going when a command fails; --ignore-failure=1,2 ignores only those exit codes");
  sub.add_flag("--show-output", o->show_output, "Show the commands' output (it is kept in the log files anyway)");
  repeatable("--output", o->output, "null, pipe, inherit (= --show-output) or ./FILE (appended); once or per command");
  sub.add_option("--input", o->input, "null or FILE: what the benchmarked commands read on stdin");
  sub.add_option("--export-json", o->export_json, "Write results in hyperfine's JSON schema (plus memory, metrics)");
  sub.add_option("--export-markdown", o->export_markdown, "Write a Markdown table of the results ('-': stdout)");
  sub.add_option("--export-asciidoc", o->export_asciidoc, "Write an AsciiDoc table of the results ('-': stdout)");
  sub.add_option("--export-orgmode", o->export_orgmode, "Write an Emacs org-mode table of the results ('-': stdout)");
  sub.add_option("--export-csv", o->export_csv, "Write results as CSV ('-': stdout)");
  sub.add_option("-u,--time-unit", o->time_unit, "microsecond, millisecond or second (default: automatic)");
  sub.add_option("--style", o->style, "auto, basic, full, nocolor, color or none (no output but errors and exports)");
  sub.add_option("--sort", o->sort, "auto, command or mean-time: order of the comparison and of markup tables");
  sub.add_flag("-N,--no-shell", o->no_shell, "Never run commands through a shell (= --shell=none)");
  sub.add_option("-S,--shell", o->shell,
                 "none, default (a shell only for shell syntax) or the shell to run every command with, "
                 "e.g. bash or 'bash --norc' (it gets -c CMD)");
  sub.add_option("--timeout", o->timeout_s, "Kill a run (its whole process group) after SECS; it is kept as timed out")
      ->check(finite_seconds(false));
  repeatable("--metric", o->metrics.metrics, "NAME=REGEX: read a number from each run's output (one capture group)");
  repeatable("--metric-file", o->metrics.metric_files, "NAME=PATH: record the size of PATH after each run (bytes)");
  add_prover_metrics_option(sub, o->metrics.prover);
  sub.add_option("--cooldown", o->cooldown_s, "Wait at least SECS between the end of a run and the next (GPU cooldown)")
      ->check(finite_seconds(true));
  sub.add_option("--max-start-temp", o->max_start_temp_c, "Start a run only when the GPU is below C degrees Celsius");
  sub.add_option("--store", o->store, "The store to keep runs in (default: $ZKBENCH_STORE, else zkbench.yaml's store:, else .zkbench/zkbench.db here)");
  sub.add_flag("--json", o->json, "Print the summary as JSON on stdout (human output goes to stderr)");
  sub.add_flag("--no-lock", o->no_lock, k_no_lock_help);
  add_contention_options(sub, o->contention);
  sub.add_option("command", o->commands, "The commands to benchmark")->required();
  return [o] {
    o->argv = util::own_command_line(); // credentials redacted before they reach the store
    return run_command(*o);
  };
}

} // namespace zkbench::cli
