// The subcommand table. Each command lives in its own cmd_<name>.cpp and exposes its setup here.
#include "cli/app.hpp"

#include <array>

namespace zkbench::cli {

CommandMain setup_version(CLI::App& sub);
CommandMain setup_notify(CLI::App& sub);
CommandMain setup_serve(CLI::App& sub);

namespace {

const std::array k_commands = {
    CommandEntry{"version", "Print zkbench's version", &setup_version},
    CommandEntry{"notify", "Notifications: `notify test` sends one to the configured webhooks", &setup_notify},
    CommandEntry{"serve", "Serve a report folder over HTTP (loopback by default)", &setup_serve},
};

} // namespace

std::span<const CommandEntry> commands() {
  return k_commands;
}

} // namespace zkbench::cli
