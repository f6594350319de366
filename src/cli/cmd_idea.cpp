// `zkbench idea "..." [--done ID]`: add an idea to the backlog, or tick one off.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/workflow_support.hpp"

namespace zkbench::cli {

int add_note_command(const std::string& config, const std::string& kind, const std::string& text);

CommandMain setup_idea(CLI::App& sub) {
  auto config = std::make_shared<std::string>("zkbench.yaml");
  auto text = std::make_shared<std::string>();
  auto done = std::make_shared<std::optional<std::int64_t>>();
  add_config_option(sub, *config);
  sub.add_option("text", *text, "The idea");
  sub.add_option("--done", *done, "Mark idea N (its number in TRACKER.md) as tested or dropped");
  return [config, text, done] {
    if (*done) {
      project::Workspace ws = open_workspace_or_fatal(*config);
      // N is the idea's number in TRACKER.md's backlog (1 = the first idea), not a store id.
      const auto ideas = ws.store->list_notes("idea");
      if (!ideas) {
        throw Fatal(ideas.error().message);
      }
      if (**done < 1 || static_cast<std::size_t>(**done) > ideas->size()) {
        throw Fatal(fmt::format("no idea {} (the backlog has {})", **done, ideas->size()),
                    "the numbers are those of the Ideas Backlog in benchmarks/TRACKER.md", ExitCode::usage);
      }
      if (auto marked = ws.store->set_note_done((*ideas)[static_cast<std::size_t>(**done - 1)].id, true); !marked) {
        throw Fatal(marked.error().message);
      }
      refresh_tracker(ws);
      fmt::print("idea {} done\n", **done);
      return 0;
    }
    return add_note_command(*config, "idea", *text);
  };
}

} // namespace zkbench::cli
