#pragma once
// zkbench's command-line interface described as plain values (from the CLI11 table that parses it),
// and rendered as the man page zkbench(1) and as bash, zsh and fish completions. Generated from the
// same table the parser uses, so the page and the completions never drift from the options.

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace zkbench::cli {

/// One option or positional argument.
struct OptionDoc {
  std::vector<std::string> names; // "-r", "--runs"; a positional's one name ("baseline")
  std::string value;              // the value's type name ("INT", "TEXT"); empty for a flag
  std::string description;
  std::string default_value;      // empty when none is shown
  bool positional = false;
  bool required = false;
};

/// One command (the program itself at the root) with its options and subcommands.
struct CommandDoc {
  std::string name;
  std::string summary;
  std::string footer;
  std::vector<OptionDoc> options;
  std::vector<CommandDoc> subcommands;
};

/// The visible commands and options of `app` (hidden ones, with an empty group, are left out).
CommandDoc describe(const CLI::App& app);

/// The roff source of the man page `zkbench(1)` for `root` (`version` in the footer line).
std::string render_man_page(const CommandDoc& root, const std::string& version);

/// A bash completion script (`complete -F`) for `root`: subcommands, then each command's options;
/// files otherwise.
std::string render_bash_completion(const CommandDoc& root);

/// A zsh completion function (`#compdef`), same behaviour as the bash one.
std::string render_zsh_completion(const CommandDoc& root);

/// fish `complete` lines: subcommands with their summaries, each command's options with theirs.
std::string render_fish_completion(const CommandDoc& root);

} // namespace zkbench::cli
