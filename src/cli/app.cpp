#include "cli/app.hpp"

#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "util/error.hpp"

namespace zkbench::cli {

int run_main(int argc, char** argv) {
  CLI::App app{"zkbench: benchmark and optimization workbench for zkVM provers and slow commands"};
  app.set_version_flag("-V,--version", std::string("zkbench ") + ZKBENCH_VERSION);
  app.require_subcommand(1);

  std::vector<std::pair<CLI::App*, CommandMain>> mains;
  for (const CommandEntry& entry : commands()) {
    CLI::App* sub = app.add_subcommand(entry.name, entry.summary);
    mains.emplace_back(sub, entry.setup(*sub));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : static_cast<int>(ExitCode::usage);
  }

  try {
    for (auto& [sub, command_main] : mains) {
      if (sub->parsed()) {
        return command_main();
      }
    }
  } catch (const Fatal& fatal) {
    std::fflush(stdout);
    fmt::print(stderr, "error: {}\n", fatal.what());
    if (!fatal.hint().empty()) {
      fmt::print(stderr, "hint: {}\n", fatal.hint());
    }
    return static_cast<int>(fatal.code());
  } catch (const std::exception& e) {
    std::fflush(stdout);
    fmt::print(stderr, "error: internal: {}\n", e.what());
    return static_cast<int>(ExitCode::error);
  }
  return static_cast<int>(ExitCode::usage);
}

} // namespace zkbench::cli
