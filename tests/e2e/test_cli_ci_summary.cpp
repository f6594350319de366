// The pull-request summary (--export-markdown, $GITHUB_STEP_SUMMARY) of a real comparison: two
// sessions of `zkbench run` whose command prints a step count that differs by a known amount.
#include <string>

#include <gtest/gtest.h>

#include "support/cli.hpp"
#include "support/fixtures.hpp"

using namespace zkbench;

namespace {

// Measures `echo steps: <steps>` 5 times (a real process each run), reading the steps from its output.
void measure_steps(const test::TempDir& dir, const std::string& export_name, long steps) {
  const auto r = test::run_zkbench("run -r 5 --store runs.db -n prove --metric 'steps=steps: ([0-9]+)' --export-json " +
                                       export_name + " 'echo steps: " + std::to_string(steps) + "'",
                                   dir.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

// The steps decide; times of `echo` on a busy machine are noise, so the policy's time-based KILL rule
// (candidate median above timeout_multiplier x the baseline's) is set out of reach.
constexpr const char* k_steps_policy = "primary_metric: steps\ntimeout_multiplier: 1000000\n";

} // namespace

TEST(CliCiSummary, compare_writes_verdict_exact_step_delta_and_exit_policy_to_file_and_step_summary) {
  test::TempDir dir;
  measure_steps(dir, "base.json", 100000);
  measure_steps(dir, "head.json", 100250);
  // The steps decide: +250 of 100000 is +0.25%, above the 0.1% deterministic regression threshold.
  test::write_file(dir / "policy.yaml", k_steps_policy);
  test::write_file(dir / "step-summary.md", "earlier step output\n");

  const auto r = test::run_shell("cd '" + dir.path().string() + "' && GITHUB_STEP_SUMMARY=step-summary.md '" +
                                 std::string(ZKBENCH_BINARY) +
                                 "' compare base.json head.json --policy policy.yaml --export-markdown summary.md 2>&1");
  EXPECT_EQ(r.exit_code, 4) << r.output;

  const std::string summary = test::read_file(dir / "summary.md");
  EXPECT_NE(summary.find("## zkbench compare base.json head.json: DISCARD"), std::string::npos) << summary;
  EXPECT_NE(summary.find("**Overall (policy.yaml policy): DISCARD (regression)**"), std::string::npos) << summary;
  EXPECT_NE(summary.find("| prove | DISCARD | 100000 (n=5) | 100250 (n=5) | +0.25%"), std::string::npos) << summary;
  EXPECT_NE(summary.find("| prove | steps | 100000 | 100250 | +250 | +0.2500% |"), std::string::npos) << summary;
  EXPECT_NE(summary.find("**Exit status 4** (regression)"), std::string::npos) << summary;

  // Appended to GitHub's step summary, after what was there.
  EXPECT_EQ(test::read_file(dir / "step-summary.md"), "earlier step output\n" + summary + "\n");
}

TEST(CliCiSummary, compare_without_a_regression_reports_exit_status_0_on_standard_output) {
  test::TempDir dir;
  measure_steps(dir, "base.json", 100000);
  measure_steps(dir, "head.json", 90000);
  test::write_file(dir / "policy.yaml", k_steps_policy);
  const auto r = test::run_zkbench("compare base.json head.json --policy policy.yaml --export-markdown -",
                                   dir.path().string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("| prove | steps | 100000 | 90000 | -10000 | -10.0000% |"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("**Exit status 0** (no regression)"), std::string::npos) << r.output;
}
