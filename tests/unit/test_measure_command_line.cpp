#include "measure/command_line.hpp"

#include <gtest/gtest.h>

namespace zkbench::measure {
namespace {

using Words = std::vector<std::string>;

TEST(measure_command_line, plain_commands_need_no_shell) {
  EXPECT_FALSE(has_shell_syntax("true"));
  EXPECT_FALSE(has_shell_syntax("sleep 0.05"));
  EXPECT_FALSE(has_shell_syntax("ziskemu -e build/app.elf -i input.bin -m"));
  EXPECT_FALSE(has_shell_syntax("cargo-zisk prove --key=value 'a b' \"c d\" e\\ f"));
  EXPECT_FALSE(has_shell_syntax("echo 'a|b;c>d$e*f'"));
  EXPECT_FALSE(has_shell_syntax("git log a~1"));      // ~ only expands at the start of a word
  EXPECT_FALSE(has_shell_syntax("echo a#b"));         // # only comments at the start of a word
  EXPECT_FALSE(has_shell_syntax("prog --define=A=1")); // '=' after the first word is an argument
  EXPECT_FALSE(has_shell_syntax("echo \\$HOME \\*")); // escaped
  EXPECT_FALSE(has_shell_syntax(""));
}

TEST(measure_command_line, detects_operators_and_redirections) {
  for (const char* text : {"a | b", "a > out", "a < in", "a 2>&1", "a && b", "a || b", "a ; b", "a &",
                           "(a)", "a\nb", "a>>f"}) {
    EXPECT_TRUE(has_shell_syntax(text)) << text;
  }
}

TEST(measure_command_line, detects_expansions_and_globs) {
  for (const char* text : {"echo $HOME", "echo ${X}", "echo $(date)", "echo `date`", "ls *.json",
                           "ls a?", "ls [ab]", "cat ~/x", "echo \"$HOME\"", "echo \"`date`\"",
                           "a # comment"}) {
    EXPECT_TRUE(has_shell_syntax(text)) << text;
  }
}

TEST(measure_command_line, detects_assignments_keywords_and_builtins) {
  EXPECT_TRUE(has_shell_syntax("A=1 prog"));
  EXPECT_TRUE(has_shell_syntax("RUST_LOG=\"info debug\" prog"));
  EXPECT_TRUE(has_shell_syntax("cd build"));
  EXPECT_TRUE(has_shell_syntax("exit 3"));
  EXPECT_TRUE(has_shell_syntax("export A"));
  EXPECT_TRUE(has_shell_syntax(". ./env.sh"));
  EXPECT_FALSE(has_shell_syntax("'cd' build")); // quoted: a program named cd
  EXPECT_FALSE(has_shell_syntax("prog cd"));    // only the first word counts
}

TEST(measure_command_line, unterminated_quote_is_left_to_split_words) {
  EXPECT_FALSE(has_shell_syntax("echo 'abc"));
  EXPECT_TRUE(has_shell_syntax("a | echo 'abc"));
}

TEST(measure_command_line, splits_on_blanks) {
  EXPECT_EQ(*split_words("  sleep \t 0.05  "), (Words{"sleep", "0.05"}));
  EXPECT_EQ(*split_words(""), Words{});
}

TEST(measure_command_line, splits_quotes_like_a_shell) {
  EXPECT_EQ(*split_words("echo 'a b' \"c d\""), (Words{"echo", "a b", "c d"}));
  EXPECT_EQ(*split_words("echo a'b c'\"d\"e"), (Words{"echo", "ab cde"}));
  EXPECT_EQ(*split_words("echo '' \"\""), (Words{"echo", "", ""}));
  EXPECT_EQ(*split_words("echo 'it\\'s"), (Words{"echo", "it\\s"})); // no escapes in single quotes
  EXPECT_EQ(*split_words("echo \"say \\\"hi\\\" \\$x \\n\""), (Words{"echo", "say \"hi\" $x \\n"}));
}

TEST(measure_command_line, splits_backslash_escapes) {
  EXPECT_EQ(*split_words("echo a\\ b \\'c"), (Words{"echo", "a b", "'c"}));
  EXPECT_EQ(*split_words("echo a\\\nb"), (Words{"echo", "ab"})); // line continuation
  EXPECT_EQ(*split_words("echo a\\"), (Words{"echo", "a\\"}));   // trailing backslash kept
}

TEST(measure_command_line, rejects_unterminated_quotes_with_column) {
  const auto single = split_words("echo 'abc");
  ASSERT_FALSE(single);
  EXPECT_NE(single.error().message.find("unterminated single quote starting at column 6"),
            std::string::npos)
      << single.error().message;
  const auto dbl = split_words("a \"b\" \"c");
  ASSERT_FALSE(dbl);
  EXPECT_NE(dbl.error().message.find("double quote starting at column 7"), std::string::npos)
      << dbl.error().message;
}

} // namespace
} // namespace zkbench::measure
