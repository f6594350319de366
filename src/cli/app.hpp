#pragma once
// The command-line front end: the subcommand table and the one place errors are printed.

#include <functional>
#include <span>

namespace CLI {
class App;
}

namespace zkbench::cli {

/// What a subcommand's setup returns: the code to run once the command line is parsed; it returns
/// the process exit code (see ExitCode in util/error.hpp).
using CommandMain = std::function<int()>;

/// One row of the subcommand table (ninja style): name, one-line summary, and the function that
/// adds the subcommand's options to `sub` and returns its main.
struct CommandEntry {
  const char* name;
  const char* summary;
  CommandMain (*setup)(CLI::App& sub);
  bool hidden = false; // left out of --help, the man page and the completions
};

/// The table, in the order `zkbench --help` lists it (defined in commands.cpp).
std::span<const CommandEntry> commands();

/// Parses argv, runs the chosen subcommand, prints `error: ...` for a Fatal, returns the exit code.
int run_main(int argc, char** argv);

} // namespace zkbench::cli
