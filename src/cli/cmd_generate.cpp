// `zkbench generate man|bash|zsh|fish` (hidden): the man page and the shell completions, rendered from
// the parser's own option table. The build runs it to produce what `cmake --install` installs.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/command_docs.hpp"
#include "util/error.hpp"

namespace zkbench::cli {

CommandMain setup_generate(CLI::App& sub) {
  auto what = std::make_shared<std::string>();
  sub.add_option("what", *what, "man, bash, zsh or fish")
      ->required()
      ->check(CLI::IsMember({"man", "bash", "zsh", "fish"}));
  return [&sub, what] {
    const CommandDoc root = describe(*sub.get_parent());
    if (*what == "man") {
      fmt::print("{}", render_man_page(root, ZKBENCH_VERSION));
    } else if (*what == "bash") {
      fmt::print("{}", render_bash_completion(root));
    } else if (*what == "zsh") {
      fmt::print("{}", render_zsh_completion(root));
    } else {
      fmt::print("{}", render_fish_completion(root));
    }
    return static_cast<int>(ExitCode::success);
  };
}

} // namespace zkbench::cli
