#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/cli.hpp"
#include "support/fixtures.hpp"

using zkbench::test::fixture_path;
using zkbench::test::run_zkbench;
using zkbench::test::TempDir;
using zkbench::test::write_file;

namespace {

std::string zisk(const std::string& name) {
  return "'" + fixture_path("zisk/" + name).string() + "'";
}

// A v0.15-style report as ziskemu prints it, with guest output before and public outputs after.
std::string report(std::uint64_t steps, std::uint64_t memcpy_steps, std::uint64_t memcpy_calls,
                   std::uint64_t items_steps, std::uint64_t items_calls) {
  return "Loading symbols from ELF file: guest.elf\nLoaded 4321 function symbols\nblock 23769082 ok\n"
         "REPORT\nSTEPS " + std::to_string(steps) +
         "\n\nCOST DISTRIBUTION COST %\nBASE 293601280 10.00%\nMAIN " + std::to_string(steps * 68) +
         " 90.00%\n\nTOTAL " + std::to_string(293601280 + steps * 68) +
         " 100.00%\n\nTOP STEP FUNCTIONS (STEPS, % STEPS, CALLS, FUNCTION)\n"
         "  " + std::to_string(memcpy_steps) + " 23.10% " + std::to_string(memcpy_calls) + " memcpy\n"
         "  " + std::to_string(items_steps) + " 4.46% " + std::to_string(items_calls) +
         " ethrex_trie::encodedtrie::EncodedTrie::get_encoded_items\n"
         "98211882\nbd13089b\n";
}

} // namespace

TEST(CliProfile, show_prints_totals_top_functions_opcodes_and_targets) {
  const auto r = run_zkbench("profile show " + zisk("ziskemu_X_report_book_v0.18-era.txt"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("92,875,129"), std::string::npos);
  EXPECT_NE(r.output.find("11,437,643,381"), std::string::npos);
  EXPECT_NE(r.output.find("keccak                     32,650      2,466,707,500   21.57%  precompile"),
            std::string::npos)
      << r.output;
}

TEST(CliProfile, show_flags_sha256_in_software) {
  const auto r = run_zkbench("profile show --top 3 " + zisk("cargo_zisk_run_p_summary_sdk_book_head.txt"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("! sha256 in software: 60.20% of cost (sha2::sha256::compress256)"), std::string::npos)
      << r.output;
}

TEST(CliProfile, show_json_carries_inclusive_figures_and_calls) {
  const auto r = run_zkbench("profile show --json " + zisk("ziskemu_XS_top_functions_book.txt"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["source"]["kind"], "ziskemu");
  EXPECT_EQ(j["source"]["version"], "v0.16.1+");
  ASSERT_EQ(j["functions"].size(), 16u);
  const auto& keccak = j["functions"][15];
  EXPECT_EQ(keccak["name"], "ziskos::zisklib::lib::keccak256::keccak256");
  EXPECT_EQ(keccak["inclusive"]["steps"], 13714388u);
  EXPECT_EQ(keccak["inclusive"]["cost"], 3759934537u);
  EXPECT_TRUE(keccak["exclusive"]["steps"].is_null());
  EXPECT_EQ(keccak["calls"], 10505u);
}

TEST(CliProfile, show_rejects_a_file_that_is_not_a_profile) {
  const auto r = run_zkbench("profile show " + zisk("cargo_zisk_verify_constraints_book_v0.15.0.txt"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("error: "), std::string::npos);
  EXPECT_NE(r.output.find("cargo_zisk_verify_constraints_book_v0.15.0.txt"), std::string::npos);
  const auto missing = run_zkbench("profile show /nonexistent/stats.txt");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("cannot open profile '/nonexistent/stats.txt'"), std::string::npos);
  const auto bad_format = run_zkbench("profile show --format nope " + zisk("ziskemu_XS_top_functions_book.txt"));
  EXPECT_EQ(bad_format.exit_code, 1);
  EXPECT_NE(bad_format.output.find("unknown profile format 'nope'"), std::string::npos);
}

TEST(CliProfile, diff_reports_function_changes_memcpy_and_improvement) {
  TempDir dir;
  write_file(dir / "base.txt", report(699700000, 180000000, 1199137, 29598391, 17173));
  write_file(dir / "current.txt", report(663200000, 153000000, 1001396, 29000000, 16000));
  const auto r = run_zkbench("profile diff base.txt current.txt", dir.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("IMPROVEMENT: 36,500,000 fewer steps (5.22%)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("1,199,137 → 1,001,396"), std::string::npos) << r.output;
  const auto j = nlohmann::json::parse(run_zkbench("profile diff --json base.txt current.txt", dir.path().string()).output);
  EXPECT_EQ(j["memcpy"]["calls"]["delta"], 1001396 - 1199137);
  EXPECT_EQ(j["totals"]["steps"]["delta"], -36500000);
  EXPECT_EQ(j["closing_line"], "IMPROVEMENT: 36,500,000 fewer steps (5.22%)");
}

TEST(CliProfile, diff_reports_regression) {
  TempDir dir;
  write_file(dir / "base.txt", report(1000000, 1000, 10, 500, 5));
  write_file(dir / "current.txt", report(1005200, 1000, 10, 800, 5));
  const auto r = run_zkbench("profile diff base.txt current.txt", dir.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("REGRESSION: 5,200 more steps (0.52%)"), std::string::npos) << r.output;
}

TEST(CliProfile, diff_of_a_fixture_with_itself_is_no_change) {
  const auto f = zisk("ziskemu_X_report_book_v0.18-era.txt");
  const auto r = run_zkbench("profile diff " + f + " " + f);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("NO CHANGE: 0 steps"), std::string::npos) << r.output;
}

TEST(CliProject, projects_and_sets_projection_beside_the_measurement) {
  TempDir dir;
  write_file(dir / "base.txt", report(663200000, 153000000, 1001396, 29598391, 17173));
  write_file(dir / "after.txt", report(666648640, 153000000, 1001396, 29698391, 17173)); // +0.52%
  write_file(dir / "hyp.yaml", "- name: Array-based branch items\n  order: 1\n  targets:\n"
                               "    - function: get_encoded_items\n      steps_per_call: [540, 850]\n");
  const auto r = run_zkbench("project --profile base.txt --hypotheses hyp.yaml --actual after.txt",
                             dir.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Array-based branch items"), std::string::npos);
  EXPECT_NE(r.output.find("-1.40%…-2.20%"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("+0.52%"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("OPPOSITE: projected fewer steps, measured more"), std::string::npos) << r.output;
  const auto j = nlohmann::json::parse(
      run_zkbench("project --json --profile base.txt --hypotheses hyp.yaml", dir.path().string()).output);
  EXPECT_DOUBLE_EQ(j["hypotheses"][0]["steps_saved"]["low"].get<double>(), 540.0 * 17173);
}

TEST(CliProject, rejects_bad_hypotheses_with_file_and_entry) {
  TempDir dir;
  write_file(dir / "base.txt", report(1000000, 1000, 10, 500, 5));
  write_file(dir / "hyp.yaml", "- name: broken\n  targets:\n    - function: memcpy\n");
  const auto r = run_zkbench("project --profile base.txt --hypotheses hyp.yaml", dir.path().string());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("hyp.yaml: hypothesis 1 ('broken') target 1"), std::string::npos) << r.output;
}
