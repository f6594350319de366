// `zkbench profile show|diff|run`: read profiles of any known format and print what matters; take one
// of the project's code on one input and keep it (benchmarks/profiles/ and the store).
#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/option_checks.hpp"
#include "cli/workflow_support.hpp"
#include "profile/diff.hpp"
#include "profile/parse.hpp"
#include "profile/render.hpp"
#include "profile/targets.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "workflow/profile_run.hpp"
#include "util/text.hpp"

namespace zkbench::cli {

namespace {

struct ShowOptions {
  std::string file;
  std::size_t top = 25;
  bool json = false;
  std::string format = "auto";
};

struct DiffOptions {
  std::string base;
  std::string current;
  std::size_t top = 25;
  bool json = false;
  std::string format = "auto";
};

struct RunOptions {
  std::string config = "zkbench.yaml";
  std::string zkvm;
  std::string input;
  std::string title;
};

std::string format_help() {
  std::string names = "auto";
  for (const auto& format : profile::profile_formats()) {
    names += "|" + std::string(format.name);
  }
  return "Profile format: " + names + " (auto detects it from the content)";
}

profile::Profile load(const std::string& path, const std::string& format) {
  auto parsed = profile::parse_profile_file(path, format);
  if (!parsed) {
    throw Fatal(parsed.error().message, "check the file, or name its format with --format");
  }
  return std::move(*parsed);
}

int show(const ShowOptions& options) {
  const profile::Profile p = load(options.file, options.format);
  const auto targets = profile::find_targets(p);
  if (options.json) {
    fmt::print("{}\n", util::json_text(profile::to_json(p, targets), 2));
  } else {
    fmt::print("{}", profile::render_profile(p, targets, options.top));
  }
  return static_cast<int>(ExitCode::success);
}

int diff(const DiffOptions& options) {
  const profile::Profile base = load(options.base, options.format);
  const profile::Profile current = load(options.current, options.format);
  const profile::ProfileDiff d = profile::diff_profiles(base, current);
  if (options.json) {
    fmt::print("{}\n", util::json_text(profile::to_json(d, options.top), 2));
  } else {
    fmt::print("{}", profile::render_diff(d, options.base, options.current, options.top));
  }
  return static_cast<int>(ExitCode::success);
}

int run(const RunOptions& options) {
  const auto kind = project::parse_profiler_kind(options.zkvm);
  if (!kind) {
    throw Fatal(fmt::format("--zkvm must be zisk, sp1, risc0 or callgrind (got '{}')", options.zkvm), {},
                ExitCode::usage);
  }
  project::Workspace ws = open_workspace_or_fatal(options.config);
  // A profiler busies the machine like a measurement: never beside one.
  auto lock = lock_machine_or_fatal("profile run");
  auto outcome = workflow::run_profile(ws, {*kind, options.input, options.title});
  if (!outcome) {
    throw Fatal(outcome.error().message);
  }
  const store::ProfileRecord& record = outcome->record;
  print_warnings(outcome->warnings);
  fmt::print("wrote {} ({}, {}, input {}, commit {})\n", std::filesystem::relative(outcome->file, ws.root()).string(),
             record.format.empty() ? "unknown format" : record.format,
             util::format_bytes(static_cast<double>(record.size_bytes)), record.input, record.commit.substr(0, 12));
  fmt::print("stored as profile {} in {}\n", record.id, store::redact_location(ws.store->location()));
  return static_cast<int>(ExitCode::success);
}

} // namespace

CommandMain setup_profile(CLI::App& sub) {
  sub.require_subcommand(1);
  auto show_options = std::make_shared<ShowOptions>();
  CLI::App* show_cmd = sub.add_subcommand("show", "Top functions by steps and cost, cost distribution, opcode "
                                                  "costs and known optimization targets");
  show_cmd->add_option("file", show_options->file, "Profile file (ziskemu report, …)")->required();
  show_cmd->add_option("--top", show_options->top, "Rows per table (0 = all)")->capture_default_str()->check(whole_number());
  show_cmd->add_flag("--json", show_options->json, "Print JSON instead of tables");
  show_cmd->add_option("--format", show_options->format, format_help())->capture_default_str();

  auto diff_options = std::make_shared<DiffOptions>();
  CLI::App* diff_cmd = sub.add_subcommand("diff", "Changes from BASE to CURRENT: totals, per function (steps, cost, "
                                                  "calls, per call), memcpy; ends with IMPROVEMENT/REGRESSION");
  diff_cmd->add_option("base", diff_options->base, "Baseline profile")->required();
  diff_cmd->add_option("current", diff_options->current, "Current profile")->required();
  diff_cmd->add_option("--top", diff_options->top, "Function rows (0 = all)")->capture_default_str()->check(whole_number());
  diff_cmd->add_flag("--json", diff_options->json, "Print JSON instead of tables");
  diff_cmd->add_option("--format", diff_options->format, format_help())->capture_default_str();

  auto run_options = std::make_shared<RunOptions>();
  CLI::App* run_cmd = sub.add_subcommand("run", "Profile the project's code on one input: writes "
                                                "benchmarks/profiles/stats_<date>_<time>_<commit>[_<title>].txt "
                                                "and keeps it in the store");
  add_config_option(*run_cmd, run_options->config);
  run_cmd->add_option("--zkvm", run_options->zkvm,
                      "Profiler: zisk (ziskemu -X -S -D), sp1 (TRACE_FILE), risc0 (RISC0_PPROF_OUT) or callgrind "
                      "(valgrind --tool=callgrind); zkbench.yaml's `profile:` when it is for this one")
      ->required();
  run_cmd->add_option("--input", run_options->input, "Input name from inputs.yaml")->required();
  run_cmd->add_option("--title", run_options->title, "Words for the file name (slugified) and the store");

  return [show_cmd, diff_cmd, run_cmd, show_options, diff_options, run_options] {
    if (show_cmd->parsed()) {
      return show(*show_options);
    }
    if (diff_cmd->parsed()) {
      return diff(*diff_options);
    }
    if (run_cmd->parsed()) {
      return run(*run_options);
    }
    return static_cast<int>(ExitCode::usage);
  };
}

} // namespace zkbench::cli
