#include <gtest/gtest.h>

#include "provers/zisk.hpp"
#include "support/fixtures.hpp"

using namespace zkbench::provers;
using zkbench::test::fixture_path;
using zkbench::test::read_file;

TEST(ProversZisk, reads_prove_summary_of_newer_versions) {
  const ProverMetrics m = parse_zisk_prove_output(read_file(fixture_path("zisk/cargo_zisk_prove_tail_book_head.txt")));
  EXPECT_DOUBLE_EQ(*m.proof_time_s, 5.097);
  EXPECT_DOUBLE_EQ(*m.steps, 4450272);
  EXPECT_DOUBLE_EQ(*m.execution_time_s, 5.097);
  ASSERT_EQ(m.regions.size(), 4u);
  EXPECT_DOUBLE_EQ(m.regions.at("Proofman"), 4.910);
  EXPECT_DOUBLE_EQ(m.regions.at("Execution"), 0.034);
  EXPECT_DOUBLE_EQ(m.regions.at("Count&Plan"), 0.017);
  EXPECT_DOUBLE_EQ(m.regions.at("Count&Plan MO"), 0.0);
}

TEST(ProversZisk, reads_v015_prove_tail_and_its_verification) {
  const std::string text = read_file(fixture_path("zisk/cargo_zisk_prove_tail_book_v0.15.0.txt"));
  const ProverMetrics m = parse_zisk_prove_output(text);
  EXPECT_DOUBLE_EQ(*m.proof_time_s, 91.706);
  EXPECT_FALSE(m.steps);
  const VerifyOutcome v = parse_zisk_verify_output(text);
  EXPECT_TRUE(v.verified);
  EXPECT_EQ(v.evidence, "✓ Vadcop Final proof was verified");
}

TEST(ProversZisk, reads_v015_statistics_line) {
  const ProverMetrics m = parse_zisk_prove_output(
      "--- PROVE SUMMARY ------------------------\nProof ID: abc\n► Statistics\n"
      "  time: 262.4 seconds, steps: 1500000000\n");
  EXPECT_DOUBLE_EQ(*m.proof_time_s, 262.4);
  EXPECT_DOUBLE_EQ(*m.steps, 1.5e9);
}

TEST(ProversZisk, constraint_verification_counts_as_verified) {
  const VerifyOutcome v =
      parse_zisk_verify_output(read_file(fixture_path("zisk/cargo_zisk_verify_constraints_book_v0.15.0.txt")));
  EXPECT_TRUE(v.verified);
  EXPECT_EQ(v.evidence, "✓ All global constraints were successfully verified");
}

TEST(ProversZisk, verify_success_strings_of_both_spellings) {
  const VerifyOutcome old = parse_zisk_verify_output(
      "✓ Stark proof was verified\n--- VERIFICATION SUMMARY ---\n  time: 1234 milliseconds\n");
  EXPECT_TRUE(old.verified);
  EXPECT_DOUBLE_EQ(*old.time_s, 1.234);
  EXPECT_TRUE(parse_zisk_verify_output("[INFO ] ✓ STARK proof was verified").verified);
  EXPECT_FALSE(parse_zisk_verify_output("✗ Stark proof was not verified").verified);
  EXPECT_FALSE(parse_zisk_verify_output("Error: file not found").verified);
}

TEST(ProversZisk, reads_ziskemu_metrics) {
  const ProverMetrics head = parse_ziskemu_output(read_file(fixture_path("zisk/ziskemu_m_metrics_book_head.txt")));
  EXPECT_DOUBLE_EQ(*head.steps, 4450270);
  EXPECT_DOUBLE_EQ(*head.execution_time_s, 0.0436);

  const std::string v015 = read_file(fixture_path("zisk/ziskemu_m_metrics_book_v0.15.0.txt"));
  EXPECT_DOUBLE_EQ(*parse_ziskemu_output(v015).steps, 85309);
}

TEST(ProversZisk, reads_steps_from_report_rows) {
  EXPECT_DOUBLE_EQ(*parse_ziskemu_output(read_file(fixture_path("zisk/ziskemu_X_report_book_v0.18-era.txt"))).steps,
                   92875129);
  EXPECT_DOUBLE_EQ(
      *parse_ziskemu_output(read_file(fixture_path("zisk/cargo_zisk_run_p_summary_sdk_book_head.txt"))).steps,
      4450270);
}
