// hyperfine's options that its own suite does not exercise, each shown to have its effect on `zkbench run`:
// --output, the AsciiDoc and org-mode exports, --style, -V.
#include <string>

#include <gtest/gtest.h>

#include "support/hyperfine_cli.hpp"

namespace {

using zkbench::test::hyperfine;
using zkbench::test::read_file;
using zkbench::test::TempDir;

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

TEST(CliRunHyperfineOptions, output_to_a_file_appends_every_run_and_inherit_shows_it) {
  TempDir dir;
  // `expr 7000 + 771` prints 7771, which its command line (shown in the summary) does not contain.
  const auto r = hyperfine(dir, "--runs 3 --warmup 1 --output ./out.txt 'expr 7000 + 771'");
  ASSERT_TRUE(r.success()) << r.err;
  EXPECT_EQ(read_file(dir / "out.txt"), "7771\n7771\n7771\n7771\n"); // the warmup too
  EXPECT_FALSE(contains(r.out, "7771")) << r.out;
  const auto inherit = hyperfine(dir, "--runs 2 --output=inherit 'expr 7000 + 771'");
  EXPECT_TRUE(contains(inherit.out, "7771")) << inherit.out;
  const auto unknown = hyperfine(dir, "--runs 1 --output out.txt true");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_TRUE(contains(unknown.err, "Unknown output policy 'out.txt'. Use './out.txt'")) << unknown.err;
}

TEST(CliRunHyperfineOptions, asciidoc_and_orgmode_exports_write_hyperfines_tables) {
  TempDir dir;
  const auto r = hyperfine(dir, "--runs 2 --export-asciidoc table.adoc --export-orgmode - true 'sleep 0.01'");
  ASSERT_TRUE(r.success()) << r.err;
  const std::string adoc = read_file(dir / "table.adoc");
  EXPECT_EQ(adoc.rfind("[cols=\"<,>,>,>,>\"]\n|===\n| Command \n", 0), 0u) << adoc;
  EXPECT_TRUE(contains(adoc, "\n| `sleep 0.01` \n")) << adoc;
  EXPECT_TRUE(contains(r.out, "| Command  |  Mean [ms] |")) << r.out;
  EXPECT_TRUE(contains(r.out, "|--+--+--+--+--|\n| =true=  |")) << r.out;
}

TEST(CliRunHyperfineOptions, style_chooses_what_is_printed) {
  TempDir dir;
  const auto basic = hyperfine(dir, "--runs 2 --style basic true");
  EXPECT_TRUE(contains(basic.out, "Benchmark 1: true")) << basic.out;
  EXPECT_FALSE(contains(basic.err, "\r")) << "basic draws no live line";
  const auto none = hyperfine(dir, "--runs 2 --style none true");
  EXPECT_TRUE(none.success());
  EXPECT_EQ(none.out, "");
  EXPECT_EQ(none.err, "");
  const auto bad = hyperfine(dir, "--runs 2 --style fancy true");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(contains(bad.err, "--style 'fancy'")) << bad.err;
}

TEST(CliRunHyperfineOptions, V_prints_the_version) {
  TempDir dir;
  const auto r = hyperfine(dir, "-V");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("zkbench ", 0), 0u) << r.out;
}

} // namespace
