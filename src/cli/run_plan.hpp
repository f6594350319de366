#pragma once
// `zkbench run`'s options as typed (hyperfine's command line) and what they become: the run loop's plan,
// the exports and where the benchmarked commands read and write. Bad combinations end the command with a
// usage error that names the option.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/contention_options.hpp"
#include "measure/metrics.hpp"
#include "measure/run_loop.hpp"
#include "report/exporter.hpp"
#include "report/summary.hpp"

namespace zkbench::cli {

/// --metric NAME=REGEX, --metric-file NAME=PATH and --metrics PROVER as typed (`run` and `ab`).
struct MetricOptions {
  std::vector<std::string> metrics;
  std::vector<std::string> metric_files;
  std::string prover; // "": none; else zisk, sp1 or risc0
};

struct RunOptions {
  std::vector<std::string> commands;
  std::size_t warmup = 0;
  std::optional<std::size_t> runs;
  std::optional<std::size_t> min_runs;
  std::optional<std::size_t> max_runs;
  std::vector<std::string> setup, prepare, conclude, cleanup;
  std::vector<std::string> scan;  // VAR MIN MAX
  std::optional<std::string> step;
  std::vector<std::string> lists; // VAR VALUES, VAR VALUES, ...
  std::vector<std::string> names;
  std::optional<std::string> reference;      // measured first; the others are compared with it
  std::optional<std::string> reference_name;
  std::string ignore_failure;     // "": none; "true"/"all-non-zero": every failure; "1,2": those exit codes
  bool show_output = false;
  std::vector<std::string> output; // --output null|pipe|inherit|FILE, once or once per command
  std::string input;               // --input null|FILE
  std::string export_json, export_markdown, export_csv, export_asciidoc, export_orgmode;
  std::string time_unit;
  std::string style = "auto";
  std::string sort = "auto";
  bool no_shell = false;
  std::optional<std::string> shell; // --shell none|default|PROGRAM [ARGS]
  std::optional<double> timeout_s;
  std::optional<double> cooldown_s;
  std::optional<double> max_start_temp_c;
  MetricOptions metrics;
  std::string store;
  bool json = false;
  bool no_lock = false;              // measure without the machine lock (--no-lock)
  ContentionOptions contention;      // --contention-wait, --no-contention-gate
  std::string argv;
};

/// Ends the command with a usage error (exit 2).
[[noreturn]] void usage_error(const std::string& message, const std::string& hint = {});

/// --runs / --min-runs / --max-runs as the loop's RunCount.
measure::RunCount run_count(const RunOptions& o);

/// The commands after parameter expansion, the reference first (when given), each with its hooks, and
/// for each the position of the command it came from among the reference and the commands as typed.
/// Hooks given once apply to every command; given N times (N = commands + reference), to each in order.
struct PlannedCommands {
  std::vector<measure::PlannedCommand> commands;
  std::vector<std::size_t> source;
};
PlannedCommands plan_commands(const RunOptions& o);

/// -i / --ignore-failure[=CODES]: whether failures are ignored, and which exit codes (empty: all).
void apply_ignore_failure(const RunOptions& o, measure::RunPlan& plan);

/// --shell / -N: how commands are run, and the shell's words for a custom shell (empty: /bin/sh).
struct ShellChoice {
  measure::ShellMode mode = measure::ShellMode::auto_detect;
  std::vector<std::string> shell_argv;
};
ShellChoice shell_choice(const RunOptions& o);

/// Adds --metrics PROVER to `sub` (the option shared by `run` and `ab`).
void add_prover_metrics_option(CLI::App& sub, std::string& prover);
/// The metrics as the loop's reader (empty when none is given), and the names it can give (regions
/// aside). Usage errors: a bad spec, a name given twice, an unknown prover.
struct MetricChoice {
  measure::MetricReader reader;
  std::vector<std::string> names;
};
MetricChoice metric_choice(const MetricOptions& o);

/// Where the benchmarked commands' output goes (--output, --show-output). `files` is empty or holds one
/// path per planned command.
struct OutputChoice {
  bool show_output = false;
  std::vector<std::optional<std::filesystem::path>> files;
};
OutputChoice output_choice(const RunOptions& o, const PlannedCommands& planned);

/// --input: the file the benchmarked commands read on stdin (nullopt: /dev/null). Error when missing.
std::optional<std::filesystem::path> input_file(const RunOptions& o);

/// One --export-* target; `path` "-" means standard output.
struct ExportTarget {
  report::ExportFormat format;
  std::filesystem::path path;
};

/// The --export-* targets, each checked for being writable before anything runs.
std::vector<ExportTarget> export_targets(const RunOptions& o);

/// --sort.
report::SortOrder sort_order(const RunOptions& o);

} // namespace zkbench::cli
