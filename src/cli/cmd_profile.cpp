// `zkbench profile show|diff`: read profiles of any known format and print what matters.
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "profile/diff.hpp"
#include "profile/parse.hpp"
#include "profile/render.hpp"
#include "profile/targets.hpp"
#include "util/error.hpp"

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
    fmt::print("{}\n", profile::to_json(p, targets).dump(2));
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
    fmt::print("{}\n", profile::to_json(d, options.top).dump(2));
  } else {
    fmt::print("{}", profile::render_diff(d, options.base, options.current, options.top));
  }
  return static_cast<int>(ExitCode::success);
}

} // namespace

CommandMain setup_profile(CLI::App& sub) {
  sub.require_subcommand(1);
  auto show_options = std::make_shared<ShowOptions>();
  CLI::App* show_cmd = sub.add_subcommand("show", "Top functions by steps and cost, cost distribution, opcode "
                                                  "costs and known optimization targets");
  show_cmd->add_option("file", show_options->file, "Profile file (ziskemu report, …)")->required();
  show_cmd->add_option("--top", show_options->top, "Rows per table (0 = all)")->capture_default_str();
  show_cmd->add_flag("--json", show_options->json, "Print JSON instead of tables");
  show_cmd->add_option("--format", show_options->format, format_help())->capture_default_str();

  auto diff_options = std::make_shared<DiffOptions>();
  CLI::App* diff_cmd = sub.add_subcommand("diff", "Changes from BASE to CURRENT: totals, per function (steps, cost, "
                                                  "calls, per call), memcpy; ends with IMPROVEMENT/REGRESSION");
  diff_cmd->add_option("base", diff_options->base, "Baseline profile")->required();
  diff_cmd->add_option("current", diff_options->current, "Current profile")->required();
  diff_cmd->add_option("--top", diff_options->top, "Function rows (0 = all)")->capture_default_str();
  diff_cmd->add_flag("--json", diff_options->json, "Print JSON instead of tables");
  diff_cmd->add_option("--format", diff_options->format, format_help())->capture_default_str();

  return [show_cmd, diff_cmd, show_options, diff_options] {
    if (show_cmd->parsed()) {
      return show(*show_options);
    }
    if (diff_cmd->parsed()) {
      return diff(*diff_options);
    }
    return static_cast<int>(ExitCode::usage);
  };
}

} // namespace zkbench::cli
