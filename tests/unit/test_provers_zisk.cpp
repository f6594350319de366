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

TEST(ProversZisk, reads_result_json) {
  auto r = parse_zisk_result_json(R"({"cycles": 4450272, "id": "a1b2", "time": 5.097})");
  ASSERT_TRUE(r);
  EXPECT_DOUBLE_EQ(r->cycles, 4450272);
  EXPECT_EQ(r->id, "a1b2");
  EXPECT_DOUBLE_EQ(r->time_s, 5.097);
  EXPECT_EQ(parse_zisk_result_json(R"({"id": "x", "time": 1})").error().message,
            "result.json: 'cycles' missing or not a number");
  EXPECT_FALSE(parse_zisk_result_json("not json"));
}

TEST(ProversZisk, reads_result_json_from_the_output_folder) {
  zkbench::test::TempDir dir;
  const std::string json = R"({"cycles":85309,"id":"p","time":12.5})";
  zkbench::test::write_file(dir / "result.json", json);
  zkbench::test::write_file(dir / "vadcop_final_proof.bin", std::string(1000, 'x'));
  auto r = read_zisk_result_json(dir.path());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_DOUBLE_EQ(r->cycles, 85309);
  EXPECT_DOUBLE_EQ(*proof_size_bytes(dir.path()), 1000);
  EXPECT_DOUBLE_EQ(*proof_size_bytes(dir / "result.json"), static_cast<double>(json.size()));
  EXPECT_FALSE(proof_size_bytes(dir / "missing"));
  EXPECT_NE(read_zisk_result_json(dir / "nope.json").error().message.find("cannot open"), std::string::npos);
}

TEST(ProversZisk, reads_ziskemu_metrics_and_public_outputs) {
  const ProverMetrics head = parse_ziskemu_output(read_file(fixture_path("zisk/ziskemu_m_metrics_book_head.txt")));
  EXPECT_DOUBLE_EQ(*head.steps, 4450270);
  EXPECT_DOUBLE_EQ(*head.execution_time_s, 0.0436);

  const std::string v015 = read_file(fixture_path("zisk/ziskemu_m_metrics_book_v0.15.0.txt"));
  EXPECT_DOUBLE_EQ(*parse_ziskemu_output(v015).steps, 85309);
  EXPECT_EQ(zisk_public_outputs(v015), (std::vector<std::string>{"98211882", "bd13089b", "6ccf1fca"}));
  EXPECT_EQ(zisk_public_outputs(read_file(fixture_path("zisk/ziskemu_x_legacy_stats_book_v0.15.0.txt"))),
            (std::vector<std::string>{"98211882", "bd13089b", "6ccf1fca"}));
}

TEST(ProversZisk, reads_steps_from_report_rows) {
  EXPECT_DOUBLE_EQ(*parse_ziskemu_output(read_file(fixture_path("zisk/ziskemu_X_report_book_v0.18-era.txt"))).steps,
                   92875129);
  EXPECT_DOUBLE_EQ(
      *parse_ziskemu_output(read_file(fixture_path("zisk/cargo_zisk_run_p_summary_sdk_book_head.txt"))).steps,
      4450270);
}
