// `zkbench final`: write benchmarks/FINAL_REPORT.md (seed 002 §8.4) with the tracker files.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/workflow_support.hpp"
#include "workflow/tracker.hpp"

namespace zkbench::cli {

CommandMain setup_final(CLI::App& sub) {
  auto config = std::make_shared<std::string>("zkbench.yaml");
  add_config_option(sub, *config);
  return [config] {
    project::Workspace ws = open_workspace_or_fatal(*config);
    if (auto written = workflow::regenerate_tracker(ws, true); !written) {
      throw Fatal(written.error().message);
    }
    fmt::print("wrote benchmarks/FINAL_REPORT.md\n");
    return 0;
  };
}

} // namespace zkbench::cli
