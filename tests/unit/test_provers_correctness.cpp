#include <gtest/gtest.h>

#include "provers/correctness.hpp"
#include "support/fixtures.hpp"

using namespace zkbench::provers;

namespace {

VerifyOutcome verified() {
  return parse_zisk_verify_output("[INFO ] ✓ Stark proof was verified\n");
}

const std::vector<std::string> k_words = {"98211882", "bd13089b", "6ccf1fca"};

} // namespace

TEST(ProversCorrectness, verified_and_equal_outputs_are_correct) {
  const auto outputs = zisk_public_outputs(zkbench::test::read_file(
      zkbench::test::fixture_path("zisk/ziskemu_m_metrics_book_v0.15.0.txt")));
  const Correctness c = judge_correctness(verified(), outputs, k_words);
  EXPECT_TRUE(c.correct);
  EXPECT_EQ(c.reason, "proof verified (✓ Stark proof was verified); 3 public output words equal the baseline's");
}

TEST(ProversCorrectness, different_outputs_are_rejected_with_the_word) {
  const Correctness c = judge_correctness(verified(), {"98211882", "bd13089c", "6ccf1fca"}, k_words);
  EXPECT_FALSE(c.correct);
  EXPECT_EQ(c.reason, "public outputs differ at word 2: bd13089c (baseline bd13089b)");
  EXPECT_EQ(judge_correctness(verified(), {"98211882"}, k_words).reason,
            "public outputs differ: 1 words, baseline 3");
}

TEST(ProversCorrectness, unverified_proof_is_rejected) {
  EXPECT_EQ(judge_correctness(parse_zisk_verify_output("Error: proof file not found\n"), k_words, k_words).reason,
            "proof not verified: no success line in the verifier's output");
  EXPECT_FALSE(judge_correctness(parse_zisk_verify_output("✓ Stark proof was verified\n✗ Stark proof was not verified\n"),
                                 k_words, k_words)
                   .correct);
  EXPECT_TRUE(judge_correctness(verified(), k_words, std::nullopt).correct);
}
