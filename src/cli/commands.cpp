// The subcommand table. Each command lives in its own cmd_<name>.cpp and exposes its setup here.
#include "cli/app.hpp"

#include <array>

namespace zkbench::cli {

CommandMain setup_version(CLI::App& sub);
CommandMain setup_doctor(CLI::App& sub);
CommandMain setup_gpu(CLI::App& sub);

namespace {

const std::array k_commands = {
    CommandEntry{"version", "Print zkbench's version", &setup_version},
    CommandEntry{"doctor", "Check provers, GPU, guest patches and a log for known failures", &setup_doctor},
    CommandEntry{"gpu", "Show GPU telemetry now (--watch to keep reading)", &setup_gpu},
};

} // namespace

std::span<const CommandEntry> commands() {
  return k_commands;
}

} // namespace zkbench::cli
