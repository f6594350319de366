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

// Whether zkbench needs its whole list of commands: for its own --help and errors (no command, an
// unknown one, an option before the command) and for `generate`, which describes them all. Otherwise only
// the chosen command is added to the parser: each CLI::App costs about 17,000 instructions and its heap
// (adding all of them was 0.65 M of the 0.87 M instructions `status --json` ran in run_main; issue 23).
bool needs_every_command(int argc, char** argv, std::string_view chosen) {
  if (argc < 2 || chosen != argv[1] || chosen == "generate") {
    return true;
  }
  for (const CommandEntry& entry : commands()) {
    if (chosen == entry.name) {
      return false;
    }
  }
  return true;
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

  // Only the chosen command adds its options (building all of them took most of the start-up time of a
  // quick command); the others are listed only where zkbench's own help or errors need them.
  // `generate` describes every command, so it sets them all up.
  const std::string_view chosen = chosen_command(argc, argv);
  const bool every_command = needs_every_command(argc, argv, chosen);
  std::vector<std::pair<CLI::App*, CommandMain>> mains;
  for (const CommandEntry& entry : commands()) {
    if (!every_command && chosen != entry.name) {
      continue;
    }
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
