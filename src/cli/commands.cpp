// The subcommand table. Each command lives in its own cmd_<name>.cpp and exposes its setup here.
#include "cli/app.hpp"

#include <array>

namespace zkbench::cli {

CommandMain setup_version(CLI::App& sub);
CommandMain setup_profile(CLI::App& sub);
CommandMain setup_project(CLI::App& sub);

namespace {

const std::array k_commands = {
    CommandEntry{"version", "Print zkbench's version", &setup_version},
    CommandEntry{"profile", "Show a profile (ziskemu, …) or diff two profiles", &setup_profile},
    CommandEntry{"project", "Project hypotheses' savings from a baseline profile; compare with a measured one",
                 &setup_project},
};

} // namespace

std::span<const CommandEntry> commands() {
  return k_commands;
}

} // namespace zkbench::cli
