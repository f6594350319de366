// `zkbench project`: seed 003's projection tables from a baseline profile and a hypotheses file, and,
// given the profile measured after the change, projected and measured side by side.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "profile/parse.hpp"
#include "profile/projection.hpp"
#include "profile/render.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

namespace zkbench::cli {

namespace {

struct ProjectOptions {
  std::string profile;
  std::string hypotheses;
  std::string actual;
  std::string format = "auto";
  bool json = false;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Fatal(fmt::format("cannot open hypotheses '{}': {}", path, std::strerror(errno)));
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int project(const ProjectOptions& options) {
  const profile::Profile base = value_or_fatal(profile::parse_profile_file(options.profile, options.format));
  const auto hypotheses =
      value_or_fatal(profile::parse_hypotheses_yaml(read_text(options.hypotheses), options.hypotheses));
  const profile::Projection projection = profile::project(base, hypotheses);
  std::vector<profile::GapRow> gaps;
  if (!options.actual.empty()) {
    const profile::Profile actual = value_or_fatal(profile::parse_profile_file(options.actual, options.format));
    gaps = profile::compare_with_actual(projection, base, actual);
  }
  if (options.json) {
    fmt::print("{}\n", util::json_text(profile::to_json(projection, gaps), 2));
  } else {
    fmt::print("{}", profile::render_projection(projection, gaps));
  }
  return static_cast<int>(ExitCode::success);
}

} // namespace

CommandMain setup_project(CLI::App& sub) {
  auto options = std::make_shared<ProjectOptions>();
  sub.add_option("--profile", options->profile, "Baseline profile the projection starts from")->required();
  sub.add_option("--hypotheses", options->hypotheses,
                 "YAML list of {name, order, targets: [{function, reduction: 0.8 | [lo, hi], "
                 "steps_per_call: N | [lo, hi]}]}")
      ->required();
  sub.add_option("--actual", options->actual, "Profile measured after the change: projected vs measured");
  sub.add_option("--format", options->format, "Profile format (auto detects it)")->capture_default_str();
  sub.add_flag("--json", options->json, "Print JSON instead of tables");
  return [options] { return project(*options); };
}

} // namespace zkbench::cli
