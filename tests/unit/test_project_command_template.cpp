#include <gtest/gtest.h>

#include "project/command_template.hpp"
#include "project/config.hpp"

using namespace zkbench::project;

TEST(WorkflowCommandTemplate, shell_quote_leaves_plain_paths_alone) {
  EXPECT_EQ(shell_quote("benchmarks/inputs/light.bin"), "benchmarks/inputs/light.bin");
  EXPECT_EQ(shell_quote("/tmp/a-b_c.d:1"), "/tmp/a-b_c.d:1");
}

TEST(WorkflowCommandTemplate, shell_quote_escapes_spaces_quotes_and_metacharacters) {
  EXPECT_EQ(shell_quote("my input.bin"), "'my input.bin'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote("$(rm -rf /)"), "'$(rm -rf /)'");
  EXPECT_EQ(shell_quote(""), "''");
}

TEST(WorkflowCommandTemplate, quoted_value_round_trips_through_sh) {
  const std::string nasty = "a b'c\"d$e`f\\g;h|i&j*k\nl";
  const auto command = expand("printf %s {input}", {{"input", nasty}});
  ASSERT_TRUE(command) << command.error().message;
  FILE* pipe = ::popen(command->c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buf[256];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) {
    out.append(buf, n);
  }
  ::pclose(pipe);
  EXPECT_EQ(out, nasty);
}

TEST(WorkflowCommandTemplate, expand_substitutes_every_placeholder) {
  const auto text = expand("cargo-zisk prove -e {elf} -i {input} -o {out}",
                           {{"elf", "guest.elf"}, {"input", "in put.bin"}, {"out", "/tmp/p"}});
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "cargo-zisk prove -e guest.elf -i 'in put.bin' -o /tmp/p");
}

TEST(WorkflowCommandTemplate, shell_braces_are_not_placeholders) {
  const std::string text = "echo ${HOME} | awk '{print $1}' {input}";
  EXPECT_EQ(placeholders_in(text), std::vector<std::string>{"input"});
  const auto out = expand(text, {{"input", "x"}});
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "echo ${HOME} | awk '{print $1}' x");
}

TEST(WorkflowCommandTemplate, expand_rejects_unknown_placeholder) {
  const auto out = expand("run {input} {elf}", {{"input", "x"}});
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("{elf}"), std::string::npos);
}

TEST(WorkflowCommandTemplate, placeholders_in_lists_each_name_once) {
  EXPECT_EQ(placeholders_in("{a} {b} {a} {B} {1x}"), (std::vector<std::string>{"a", "b"}));
}

TEST(WorkflowCommandTemplate, expand_word_gives_a_path_without_the_quotes_of_a_plain_value) {
  const auto plain = expand_word("{out}", {{"out", "/tmp/a b"}});
  ASSERT_TRUE(plain);
  EXPECT_EQ(*plain, "/tmp/a b");
  const auto joined = expand_word("{out}/proof.bin", {{"out", "/tmp/out"}});
  ASSERT_TRUE(joined);
  EXPECT_EQ(*joined, "/tmp/out/proof.bin");
  EXPECT_FALSE(expand_word("{elf}", {{"out", "x"}}));
}

TEST(WorkflowCommandTemplate, substitute_replaces_every_value_as_is) {
  EXPECT_EQ(substitute("{out}/{out}-{n}.txt {other}", {{"out", "a b"}, {"n", "1"}}), "a b/a b-1.txt {other}");
}

TEST(WorkflowCommandTemplate, expand_profiler_expands_the_command_and_its_output_each_on_its_own) {
  ProfileConfig profiler{ProfilerKind::sp1, "TRACE_FILE={out}/trace.json {host} --input {input}", "{out}/trace.json"};
  const auto ready = expand_profiler(profiler, {{"out", "/tmp/o"}, {"host", "./host"}, {"input", "in 1"}});
  EXPECT_EQ(ready.zkvm, ProfilerKind::sp1);
  ASSERT_TRUE(ready.command) << ready.command.error().message;
  EXPECT_EQ(*ready.command, "TRACE_FILE=/tmp/o/trace.json ./host --input 'in 1'");
  ASSERT_TRUE(ready.output && *ready.output);
  EXPECT_EQ(**ready.output, "/tmp/o/trace.json");
  profiler.output.clear(); // the profile on stdout; an unknown placeholder is the command's error alone
  profiler.command = "ziskemu -e {elf}";
  const auto unknown = expand_profiler(profiler, {{"out", "/tmp/o"}});
  EXPECT_FALSE(unknown.output);
  ASSERT_FALSE(unknown.command);
  EXPECT_NE(unknown.command.error().message.find("{elf}"), std::string::npos) << unknown.command.error().message;
}
