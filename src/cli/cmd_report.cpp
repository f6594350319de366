// `zkbench report [--config zkbench.yaml] [--output DIR]`: writes the project's HTML dashboard
// (benchmarks/report/ by default) from the store, atomically, for reading offline from file://.
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/workflow_support.hpp"
#include "dashboard/dashboard_loader.hpp"
#include "report/html_report.hpp"
#include "util/error.hpp"
#include "project/workspace.hpp"

namespace zkbench::cli {

namespace {

struct ReportOptions {
  std::string config = "zkbench.yaml";
  std::string output; // default: benchmarks/report under the project
};

int run_report(const ReportOptions& options) {
  project::Workspace ws = value_or_fatal(project::open_workspace(options.config));
  const verdict::Policy policy = value_or_fatal(project::project_policy(ws.project.config));
  const report::Dashboard dashboard = value_or_fatal(dashboard::load_dashboard(*ws.store, {ws.root(), policy.primary_metric, ws.store_location}));
  print_warnings(dashboard.warnings);
  const std::filesystem::path dir = options.output.empty() ? ws.benchmarks_dir() / "report" : std::filesystem::path(options.output);
  // A report of a running workflow reloads itself, so an open tab follows the run once regenerated.
  const auto files = report::render_report(
      dashboard, dashboard.overview.running ? report::AutoRefresh::every_30s : report::AutoRefresh::off);
  value_or_fatal(report::write_report(files, dir));
  fmt::print("wrote {} ({} files, {} experiments): open {}\n", dir.string(), files.size(), dashboard.experiments.size(),
             (dir / "index.html").string());
  return static_cast<int>(ExitCode::success);
}

} // namespace

CommandMain setup_report(CLI::App& sub) {
  auto options = std::make_shared<ReportOptions>();
  sub.add_option("--config", options->config, "The project's zkbench.yaml")->capture_default_str();
  sub.add_option("-o,--output", options->output, "Report folder (default: benchmarks/report in the project)");
  return [options] { return run_report(*options); };
}

} // namespace zkbench::cli
