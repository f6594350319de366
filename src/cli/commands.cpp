// The subcommand table. Each command lives in its own cmd_<name>.cpp and exposes its setup here.
#include "cli/app.hpp"

#include <array>

namespace zkbench::cli {

CommandMain setup_version(CLI::App& sub);
CommandMain setup_history(CLI::App& sub);

namespace {

const std::array k_commands = {
    CommandEntry{"version", "Print zkbench's version", &setup_version},
    CommandEntry{"history", "List the sessions in the store, or show one session's runs", &setup_history},
};

} // namespace

std::span<const CommandEntry> commands() {
  return k_commands;
}

} // namespace zkbench::cli
