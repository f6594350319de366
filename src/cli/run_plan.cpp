#include "cli/run_plan.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "measure/command_line.hpp"
#include "measure/parameters.hpp"
#include "provers/output_metrics.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace zkbench::cli {

void usage_error(const std::string& message, const std::string& hint) {
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

namespace {

// An option given once applies to every command; given once per command (the reference counts), to that
// command. hyperfine's wording, so its users recognise the rule.
template <typename T>
std::optional<T> per_command(const std::vector<T>& values, const char* option, std::size_t source_index,
                             std::size_t command_count) {
  if (values.empty()) {
    return std::nullopt;
  }
  if (values.size() == 1) {
    return values[0];
  }
  if (values.size() != command_count) {
    usage_error(fmt::format("The '{}' option has to be provided just once or N times, where N={} is the number of "
                            "benchmark commands (including a potential reference); it was given {} times",
                            option, command_count, values.size()));
  }
  return values[source_index];
}

// hyperfine shows parameters that the command text does not use after its name: "echo test (branch = a)".
std::optional<std::string> name_with_unused_parameters(const measure::ExpandedCommand& e, const std::string& typed) {
  if (e.name) {
    return e.name;
  }
  std::vector<std::string> unused;
  for (const auto& [name, value] : e.parameters) {
    if (typed.find("{" + name + "}") == std::string::npos) {
      unused.push_back(name + " = " + value);
    }
  }
  if (unused.empty()) {
    return std::nullopt;
  }
  return fmt::format("{} ({})", e.command, util::join(unused, ", "));
}

} // namespace

PlannedCommands plan_commands(const RunOptions& o) {
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
  if (o.reference_name && !o.reference) {
    usage_error("--reference-name needs --reference");
  }
  // The reference is measured once, first, and is not parameter-expanded (hyperfine).
  const std::size_t offset = o.reference ? 1 : 0;
  if (o.reference) {
    measure::ExpandedCommand reference;
    reference.command = *o.reference;
    reference.name = o.reference_name;
    reference.source_index = 0;
    expanded->insert(expanded->begin(), std::move(reference));
  }
  const std::size_t n = o.commands.size() + offset;
  PlannedCommands planned;
  for (std::size_t k = 0; k < expanded->size(); ++k) {
    const measure::ExpandedCommand& e = (*expanded)[k];
    const std::size_t source = (o.reference && k == 0) ? 0 : e.source_index + offset;
    const std::string& typed = source < offset ? *o.reference : o.commands[source - offset];
    const auto hook = [&](const std::vector<std::string>& hooks, const char* option) -> std::optional<std::string> {
      auto text = per_command(hooks, option, source, n);
      return text ? std::optional(measure::substitute(*text, e.parameters)) : std::nullopt;
    };
    measure::PlannedCommand command;
    command.command = e.command;
    command.name = name_with_unused_parameters(e, typed);
    command.parameters = e.parameters;
    command.setup = hook(o.setup, "--setup");
    command.prepare = hook(o.prepare, "--prepare");
    command.conclude = hook(o.conclude, "--conclude");
    command.cleanup = hook(o.cleanup, "--cleanup");
    planned.commands.push_back(std::move(command));
    planned.source.push_back(source);
  }
  return planned;
}

void apply_ignore_failure(const RunOptions& o, measure::RunPlan& plan) {
  if (o.ignore_failure.empty()) {
    return;
  }
  plan.ignore_failure = measure::IgnoreFailure::yes;
  if (o.ignore_failure == "true" || o.ignore_failure == "all-non-zero") {
    return;
  }
  for (const std::string& code : util::split(o.ignore_failure, ',')) {
    const std::string text(util::trim(code));
    const bool digits = !text.empty() && text.size() <= 3 && text.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoi(text) < 1 || std::stoi(text) > 255) {
      usage_error(fmt::format("--ignore-failure={}: '{}' is not an exit code from 1 to 255", o.ignore_failure, text),
                  "use -i (all failures), --ignore-failure=all-non-zero or a list such as --ignore-failure=1,2");
    }
    plan.ignored_exit_codes.push_back(std::stoi(text));
  }
}

ShellChoice shell_choice(const RunOptions& o) {
  ShellChoice choice;
  if (o.no_shell) {
    if (o.shell && *o.shell != "none") {
      usage_error("--shell and -N/--no-shell cannot be used together");
    }
    choice.mode = measure::ShellMode::no_shell;
    return choice;
  }
  if (!o.shell || *o.shell == "default") {
    return choice;
  }
  if (*o.shell == "none") {
    choice.mode = measure::ShellMode::no_shell;
    return choice;
  }
  auto words = measure::split_words(*o.shell);
  if (!words) {
    usage_error(fmt::format("--shell '{}': {}", *o.shell, words.error().message));
  }
  if (words->empty()) {
    usage_error("An empty command has been specified for the '--shell <command>' option");
  }
  choice.mode = measure::ShellMode::shell;
  choice.shell_argv = std::move(*words);
  return choice;
}

void add_prover_metrics_option(CLI::App& sub, std::string& prover) {
  sub.add_option("--metrics", prover,
                 "PROVER: record every figure ZisK, SP1 or RISC Zero prints in each run's output as a metric, read "
                 "by zkbench's parsers: zisk steps, proof_time_s, execution_time_s, verify_time_s, region:<summary "
                 "part>; sp1 cycles, gas, syscalls, region:<span>; risc0 cycles, user_cycles, paging_cycles, "
                 "reserved_cycles, segments, execution_time_s, region:ecall:<name> (a --metric of the same name "
                 "wins)")
      ->check(CLI::IsMember({"zisk", "sp1", "risc0"}));
}

MetricChoice metric_choice(const MetricOptions& o) {
  std::vector<measure::MetricSpec> specs;
  std::vector<measure::MetricFileSpec> files;
  std::set<std::string> names;
  const auto unique = [&](const std::string& name) {
    if (!names.insert(name).second) {
      usage_error(fmt::format("metric '{}' is defined more than once", name));
    }
  };
  measure::OutputFigures figures;
  MetricChoice choice;
  if (!o.prover.empty()) {
    const auto kind = provers::parse_prover_kind(o.prover);
    if (!kind) {
      usage_error(fmt::format("--metrics {}: not a prover zkbench parses (zisk, sp1, risc0)", o.prover));
    }
    figures = [kind = *kind](std::string_view output) { return provers::prover_output_metrics(kind, output); };
    choice.names = provers::prover_metric_names(*kind);
  }
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
  choice.names.insert(choice.names.end(), names.begin(), names.end());
  choice.reader = measure::make_metric_reader(std::move(specs), std::move(files), std::move(figures));
  return choice;
}

OutputChoice output_choice(const RunOptions& o, const PlannedCommands& planned) {
  OutputChoice choice;
  choice.show_output = o.show_output;
  if (o.output.empty()) {
    return choice;
  }
  if (o.show_output) {
    usage_error("--output and --show-output cannot be used together", "--output=inherit is --show-output");
  }
  const std::size_t n = o.commands.size() + (o.reference ? 1 : 0);
  bool any_file = false;
  for (std::size_t k = 0; k < planned.commands.size(); ++k) {
    const std::string where = *per_command(o.output, "--output", planned.source[k], n);
    std::optional<std::filesystem::path> file;
    if (where == "inherit") {
      choice.show_output = true;
    } else if (where != "null" && where != "pipe") {
      if (where.find('/') == std::string::npos) {
        usage_error(fmt::format("Unknown output policy '{0}'. Use './{0}' to output to a file named '{0}'.", where));
      }
      value_or_fatal(report::write_text_file(where, "")); // each run appends; start empty, fail early
      file = where;
      any_file = true;
    }
    choice.files.push_back(std::move(file));
  }
  if (!any_file) {
    choice.files.clear();
  }
  return choice;
}

std::optional<std::filesystem::path> input_file(const RunOptions& o) {
  if (o.input.empty() || o.input == "null") {
    return std::nullopt;
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(o.input, ec)) {
    usage_error(fmt::format("The file '{}' specified as '--input' does not exist", o.input));
  }
  return std::filesystem::path(o.input);
}

std::vector<ExportTarget> export_targets(const RunOptions& o) {
  std::vector<ExportTarget> targets;
  const std::pair<report::ExportFormat, const std::string*> given[] = {
      {report::ExportFormat::json, &o.export_json},         {report::ExportFormat::markdown, &o.export_markdown},
      {report::ExportFormat::csv, &o.export_csv},           {report::ExportFormat::asciidoc, &o.export_asciidoc},
      {report::ExportFormat::orgmode, &o.export_orgmode},
  };
  for (const auto& [format, path] : given) {
    if (!path->empty()) {
      targets.push_back({format, *path});
    }
  }
  // Checked before anything runs: a typo in a path must not cost an hour of GPU time.
  for (const ExportTarget& target : targets) {
    if (target.path != "-") {
      value_or_fatal(report::check_writable(target.path));
    }
  }
  return targets;
}

report::SortOrder sort_order(const RunOptions& o) {
  const auto order = report::parse_sort_order(o.sort);
  if (!order) {
    usage_error(fmt::format("--sort '{}': expected auto, command or mean-time", o.sort));
  }
  return *order;
}

} // namespace zkbench::cli
