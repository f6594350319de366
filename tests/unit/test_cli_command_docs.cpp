#include "cli/command_docs.hpp"

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

using namespace zkbench;
using namespace zkbench::cli;

namespace {

CommandDoc sample() {
  CommandDoc root{"zkbench", "a workbench", "", {{{"-V", "--version"}, "", "Print the version", "", false, false}}, {}};
  CommandDoc run{"run", "Benchmark commands", "Exit status 3 when a command fails.", {}, {}};
  run.options.push_back({{"-r", "--runs"}, "INT", "Runs per command", "10", false, false});
  run.options.push_back({{"command"}, "TEXT", "The command to time", "", true, true});
  CommandDoc exp{"exp", "Experiments", "", {}, {}};
  exp.subcommands.push_back({"new", "Start an experiment", "", {{{"--hypothesis"}, "TEXT", "Why 'it' helps", "", false, false}}, {}});
  root.subcommands = {run, exp};
  return root;
}

} // namespace

TEST(CommandDocs, describe_reads_the_visible_commands_and_options_of_a_cli11_app) {
  CLI::App app{"a workbench", "zkbench"};
  int runs = 10;
  std::string command;
  CLI::App* run = app.add_subcommand("run", "Benchmark commands");
  run->add_option("-r,--runs", runs, "Runs per command")->capture_default_str();
  run->add_option("command", command, "The command to time")->required();
  bool hidden = false;
  run->add_flag("--hidden-flag", hidden, "not documented")->group("");
  app.add_subcommand("secret", "a build step")->group("");

  const CommandDoc doc = describe(app);
  EXPECT_EQ(doc.name, "zkbench");
  ASSERT_EQ(doc.subcommands.size(), 1u);
  const CommandDoc& r = doc.subcommands[0];
  EXPECT_EQ(r.name, "run");
  ASSERT_EQ(r.options.size(), 3u); // --help, --runs, command (the hidden flag is left out)
  EXPECT_EQ(r.options[1].names, (std::vector<std::string>{"-r", "--runs"}));
  EXPECT_EQ(r.options[1].value, "INT");
  EXPECT_EQ(r.options[1].default_value, "10");
  EXPECT_TRUE(r.options[2].positional);
  EXPECT_TRUE(r.options[2].required);
  EXPECT_EQ(r.options[0].value, ""); // --help is a flag
}

TEST(CommandDocs, man_page_lists_every_command_path_and_option_with_roff_escapes) {
  const std::string page = render_man_page(sample(), "1.2.3");
  EXPECT_NE(page.find(".TH ZKBENCH 1 \"\" \"zkbench 1.2.3\""), std::string::npos) << page;
  EXPECT_NE(page.find(".SH NAME\nzkbench \\- a workbench\n"), std::string::npos) << page;
  EXPECT_NE(page.find(".SS \"zkbench run\"\nBenchmark commands\n"), std::string::npos) << page;
  EXPECT_NE(page.find(".TP\n\\fB\\-r\\fR, \\fB\\-\\-runs\\fR \\fIINT\\fR\nRuns per command (default: 10)\n"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find(".SS \"zkbench exp new\""), std::string::npos) << page;
  EXPECT_NE(page.find("Exit status 3 when a command fails."), std::string::npos) << page;
  EXPECT_NE(page.find(".SH \"EXIT STATUS\""), std::string::npos) << page;
}

TEST(CommandDocs, bash_and_zsh_completions_key_subcommands_and_options_by_command_path) {
  const std::string bash = render_bash_completion(sample());
  EXPECT_NE(bash.find("[\"zkbench\"]=\"run exp\""), std::string::npos) << bash;
  EXPECT_NE(bash.find("[\"zkbench exp\"]=\"new\""), std::string::npos) << bash;
  EXPECT_NE(bash.find("[\"zkbench run\"]=\"-r --runs\""), std::string::npos) << bash;
  EXPECT_NE(bash.find("complete -o default -F _zkbench zkbench"), std::string::npos) << bash;
  const std::string zsh = render_zsh_completion(sample());
  EXPECT_EQ(zsh.rfind("#compdef zkbench\n", 0), 0u) << zsh;
  EXPECT_NE(zsh.find("\"zkbench exp new\" \"--hypothesis\""), std::string::npos) << zsh;
}

TEST(CommandDocs, fish_completion_offers_subcommands_in_context_and_quotes_descriptions) {
  const std::string fish = render_fish_completion(sample());
  EXPECT_NE(fish.find("complete -c zkbench -f -n 'true; and not __fish_seen_subcommand_from run exp' -a run "
                      "-d 'Benchmark commands'"),
            std::string::npos)
      << fish;
  EXPECT_NE(fish.find("complete -c zkbench -n 'true; and __fish_seen_subcommand_from run' -s r -l runs -r"),
            std::string::npos)
      << fish;
  EXPECT_NE(fish.find("-l hypothesis -r -d 'Why \\'it\\' helps'"), std::string::npos) << fish;
}
