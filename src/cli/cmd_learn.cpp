// `zkbench learn "..."`: add a key learning to the tracker.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/workflow_support.hpp"
#include "project/status_file.hpp"

namespace zkbench::cli {

/// Adds a note of `kind` and regenerates the tracker files (shared with `zkbench idea`).
int add_note_command(const std::string& config, const std::string& kind, const std::string& text) {
  if (text.empty()) {
    throw Fatal(fmt::format("the {} is empty", kind), {}, ExitCode::usage);
  }
  project::Workspace ws = open_workspace_or_fatal(config);
  auto id = ws.store->add_note({0, kind, text, project::now_us(), false});
  if (!id) {
    throw Fatal(id.error().message);
  }
  refresh_tracker(ws);
  // Numbered per kind, as TRACKER.md lists them (the store's ids are shared by ideas and learnings).
  const auto notes = ws.store->list_notes(kind);
  std::size_t ordinal = 0;
  for (std::size_t i = 0; notes && i < notes->size(); ++i) {
    if ((*notes)[i].id == *id) {
      ordinal = i + 1;
    }
  }
  fmt::print("{} {} added to benchmarks/TRACKER.md\n", kind, ordinal);
  return 0;
}

CommandMain setup_learn(CLI::App& sub) {
  auto config = std::make_shared<std::string>("zkbench.yaml");
  auto text = std::make_shared<std::string>();
  add_config_option(sub, *config);
  sub.add_option("text", *text, "What was learned")->required();
  return [config, text] { return add_note_command(*config, "learning", *text); };
}

} // namespace zkbench::cli
