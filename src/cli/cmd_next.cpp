// `zkbench next`: the diminishing-returns rule (seed 002 §8.3) and what to try next.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/workflow_support.hpp"
#include "workflow/next_step.hpp"

namespace zkbench::cli {

CommandMain setup_next(CLI::App& sub) {
  auto config = std::make_shared<std::string>("zkbench.yaml");
  add_config_option(sub, *config);
  return [config] {
    project::Workspace ws = open_workspace_or_fatal(*config);
    auto data = workflow::collect_tracker_data(ws);
    if (!data) {
      throw Fatal(data.error().message);
    }
    const workflow::NextAdvice advice = workflow::advise_next(*data);
    fmt::print("{}\n", advice.stop ? "diminishing returns: stop iterating" : "keep iterating");
    for (const std::string& reason : advice.reasons) {
      fmt::print("  - {}\n", reason);
    }
    fmt::print("next:\n");
    for (const std::string& suggestion : advice.suggestions) {
      fmt::print("  {}\n", suggestion);
    }
    return 0;
  };
}

} // namespace zkbench::cli
