#include "cli/app.hpp"

#include <csignal>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "measure/interrupt.hpp"
#include "util/error.hpp"

namespace zkbench::cli {

namespace {

// The command named on the command line: the first word that is not an option (zkbench's own options,
// -h and -V, take no value). Empty when there is none.
std::string_view chosen_command(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] != '-') {
      return argv[i];
    }
  }
  return {};
}

/// An interrupted command exits 130 as documented, but 129 (128 + SIGHUP, what a shell reports for a
/// hang-up) when a closed terminal or ssh connection stopped it.
int exit_status(int code) {
  if (code == static_cast<int>(ExitCode::interrupted) && measure::interrupt_signal() == SIGHUP) {
    return 128 + SIGHUP;
  }
  return code;
}

/// Prints on stderr; after a hang-up the terminal is gone and writing to it fails: nothing to do then.
template <typename... Args>
void print_error(fmt::format_string<Args...> format, Args&&... args) {
  try {
    fmt::print(stderr, format, std::forward<Args>(args)...);
  } catch (const std::exception&) {
  }
}

} // namespace

int run_main(int argc, char** argv) {
  CLI::App app{"benchmark and optimization workbench for zkVM provers and slow commands", "zkbench"};
  app.set_version_flag("-V,--version", std::string("zkbench ") + ZKBENCH_VERSION);
  app.require_subcommand(1);

  // Every command is listed (for --help and for CLI11's errors), but only the chosen one adds its
  // options: building all of them took most of the start-up time of a quick command. `generate`
  // describes every command, so it sets them all up.
  const std::string_view chosen = chosen_command(argc, argv);
  std::vector<std::pair<CLI::App*, CommandMain>> mains;
  for (const CommandEntry& entry : commands()) {
    CLI::App* sub = app.add_subcommand(entry.name, entry.summary);
    if (entry.hidden) {
      sub->group("");
    }
    if (chosen == entry.name || chosen == "generate") {
      mains.emplace_back(sub, entry.setup(*sub));
    }
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
        return exit_status(command_main());
      }
    }
  } catch (const Fatal& fatal) {
    std::fflush(stdout);
    print_error("error: {}\n", fatal.what());
    if (!fatal.hint().empty()) {
      print_error("hint: {}\n", fatal.hint());
    }
    return exit_status(static_cast<int>(fatal.code()));
  } catch (const std::exception& e) {
    std::fflush(stdout);
    print_error("error: internal: {}\n", e.what());
    return static_cast<int>(ExitCode::error);
  }
  return static_cast<int>(ExitCode::usage);
}

} // namespace zkbench::cli
