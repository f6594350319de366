#include <gtest/gtest.h>

#include "provers/version.hpp"
#include "support/fixtures.hpp"

using namespace zkbench::provers;
using zkbench::test::fixture_path;
using zkbench::test::read_file;

namespace {

std::vector<std::string> fixture_lines(const std::string& name) {
  std::vector<std::string> lines;
  std::istringstream in(read_file(fixture_path(name)));
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '#') {
      lines.push_back(line);
    }
  }
  return lines;
}

} // namespace

TEST(ProversVersion, reads_every_cargo_prove_line) {
  const auto lines = fixture_lines("sp1/cargo_prove_version_outputs.txt");
  ASSERT_EQ(lines.size(), 3u);
  auto first = parse_sp1_version(lines[0]);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->commit, "71ecd5f");
  EXPECT_EQ(first->build_date, "2025-03-06T20:37:09.000840000Z");
  EXPECT_EQ(first->version, "");
  EXPECT_EQ(parse_sp1_version(lines[1])->commit, "3209d54");
  auto direct = parse_sp1_version(lines[2]);
  ASSERT_TRUE(direct);
  EXPECT_EQ(direct->commit, "d454975");
  EXPECT_EQ(direct->display(), "SP1 (d454975 2026-04-11)");
}

TEST(ProversVersion, cargo_prove_error_is_quoted) {
  auto result = parse_sp1_version("error: unexpected argument '--version' found\n");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message,
            "cannot read a cargo prove version from: error: unexpected argument '--version' found");
}

TEST(ProversVersion, reads_risc0_versions_and_rzup_output) {
  const auto lines = fixture_lines("risc0/risc0_version_and_rzup_outputs.txt");
  EXPECT_EQ(parse_risc0_version(lines[0])->version, "3.0.5");
  EXPECT_EQ(parse_risc0_version(lines[1])->version, "3.0.5");
  EXPECT_EQ(parse_risc0_version(lines[0])->display(), "RISC Zero 3.0.5");
  std::string rzup;
  for (std::size_t i = 2; i < lines.size(); ++i) {
    rzup += lines[i] + "\n";
  }
  EXPECT_EQ(parse_risc0_version(rzup)->version, "2.1.0");
  EXPECT_FALSE(parse_risc0_version("cargo: no such command: `risczero`"));
}

TEST(ProversVersion, reads_cargo_zisk_formats_of_formats_md) {
  // FORMATS.md: "<ver> (<git sha> <build timestamp>)"; from v0.17 "0.18.0 [gpu|cpu] (…)".
  auto old = parse_zisk_version("cargo-zisk 0.15.0 (b3ca745 2025-12-18T10:11:12.000000000Z)\n");
  ASSERT_TRUE(old) << old.error().message;
  EXPECT_EQ(old->version, "0.15.0");
  EXPECT_EQ(old->commit, "b3ca745");
  EXPECT_EQ(old->display(), "ZisK v0.15.0");
  auto gpu = parse_zisk_version("0.18.0 [gpu] (6182c8b 2026-06-04T00:00:00Z)");
  ASSERT_TRUE(gpu);
  EXPECT_EQ(gpu->version, "0.18.0");
  EXPECT_EQ(gpu->variant, "gpu");
  EXPECT_EQ(gpu->display(), "ZisK v0.18.0 (gpu)");
  EXPECT_FALSE(parse_zisk_version("bash: cargo-zisk: command not found"));
  EXPECT_EQ(parse_version(ProverKind::risc0, "risc0-r0vm 3.0.5")->version, "3.0.5");
}
