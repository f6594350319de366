#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/cli.hpp"
#include "support/fixtures.hpp"

using namespace zkbench;

TEST(CliAb, faster_candidate_is_keep_found_early) {
  const auto r = test::run_zkbench("ab --strategy sequential --json 'sleep 0.04' 'sleep 0.02'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto doc = nlohmann::json::parse(r.output);
  EXPECT_EQ(doc.at("overall").at("verdict"), "KEEP") << r.output;
  EXPECT_TRUE(doc.at("stopped_early").get<bool>());
  const int used = doc.at("runs_used").at("candidate").get<int>();
  EXPECT_GE(used, 3);
  EXPECT_LT(used, 20);
  EXPECT_EQ(doc.at("runs_used").at("baseline").get<int>(), used);
  const auto& trace = doc.at("trace");
  ASSERT_FALSE(trace.empty());
  EXPECT_TRUE(trace.back().at("stop").get<bool>());
  EXPECT_LT(trace.back().at("hi").get<double>(), 0.0);
  const auto& c = doc.at("comparisons").at(0);
  EXPECT_EQ(c.at("metric"), "time");
  EXPECT_LT(c.at("change").get<double>(), -0.2);
}

TEST(CliAb, fixed_strategy_runs_the_given_count_and_flags_a_regression) {
  const auto r = test::run_zkbench("ab --strategy fixed --runs 4 --json 'sleep 0.02' 'sleep 0.04'");
  EXPECT_EQ(r.exit_code, 4) << r.output;
  const auto doc = nlohmann::json::parse(r.output);
  EXPECT_EQ(doc.at("runs_used").at("baseline"), 4);
  EXPECT_FALSE(doc.at("stopped_early").get<bool>());
  EXPECT_TRUE(doc.at("overall").at("regression").get<bool>());
}

TEST(CliAb, failing_candidate_is_reject) {
  const auto r = test::run_zkbench("ab --runs 3 true false");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("REJECT: candidate run 1 (false) exited with code 1"), std::string::npos) << r.output;
}

TEST(CliAb, failing_baseline_is_an_error) {
  const auto r = test::run_zkbench("ab --runs 3 false true");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("error: baseline run 1 (false) exited with code 1"), std::string::npos) << r.output;
}

TEST(CliAb, unknown_strategy_is_a_usage_error) {
  const auto r = test::run_zkbench("ab --strategy bold true true");
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

TEST(CliAb, deterministic_primary_metric_decides_at_min_runs) {
  test::TempDir dir;
  test::write_file(dir / "policy.yaml", "preset: zkvm\nprimary_metric: steps\n");
  const auto r = test::run_zkbench("ab --json --policy '" + (dir / "policy.yaml").string() +
                                   "' -m 'steps=steps: (\\d+)' 'echo steps: 100000' 'echo steps: 99800'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto doc = nlohmann::json::parse(r.output);
  EXPECT_EQ(doc.at("overall").at("verdict"), "KEEP");
  EXPECT_NE(doc.at("overall").at("reason").get<std::string>().find("deterministic"), std::string::npos);
  EXPECT_EQ(doc.at("runs_used").at("baseline"), 3);
  EXPECT_EQ(doc.at("comparisons").size(), 2u); // steps and time
}

TEST(CliAb, missing_metric_is_an_error_naming_the_run) {
  const auto r = test::run_zkbench("ab -m 'steps=steps: (\\d+)' 'echo nothing' 'echo steps: 1'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("metric 'steps' not found in the output of baseline run 1"), std::string::npos) << r.output;
}
