#include <gtest/gtest.h>

#include "support/fixtures.hpp"
#include "verdict/policy.hpp"

using namespace zkbench;

TEST(VerdictPolicy, presets_follow_the_seeds) {
  const auto generic = verdict::preset("generic");
  ASSERT_TRUE(generic.has_value());
  EXPECT_DOUBLE_EQ(generic->keep_threshold, 0.05);
  EXPECT_DOUBLE_EQ(generic->maybe_threshold, 0.02);
  EXPECT_DOUBLE_EQ(generic->timeout_multiplier, 1.10);
  EXPECT_DOUBLE_EQ(generic->cv_limit, 0.10);
  EXPECT_EQ(generic->flaky_runs, 20);
  EXPECT_DOUBLE_EQ(generic->deterministic_keep, 0.001);
  EXPECT_DOUBLE_EQ(generic->input_regression_limit, 0.05);
  EXPECT_DOUBLE_EQ(verdict::preset("optimized")->keep_threshold, 0.02);
  const auto zkvm = verdict::preset("zkvm");
  EXPECT_DOUBLE_EQ(zkvm->keep_threshold, 0.03);
  EXPECT_DOUBLE_EQ(zkvm->maybe_threshold, 0.01);
  EXPECT_DOUBLE_EQ(zkvm->timeout_multiplier, 1.15);
}

TEST(VerdictPolicy, unknown_preset_lists_the_known_ones) {
  const auto p = verdict::preset("fast");
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().message.find("generic, optimized, zkvm"), std::string::npos);
}

TEST(VerdictPolicy, yaml_overrides_a_preset) {
  const auto p = verdict::parse_policy_yaml("preset: zkvm\nkeep_threshold: 0.04\nprimary_metric: steps\n", "p.yaml");
  ASSERT_TRUE(p.has_value()) << p.error().message;
  EXPECT_DOUBLE_EQ(p->keep_threshold, 0.04);
  EXPECT_DOUBLE_EQ(p->timeout_multiplier, 1.15);
  EXPECT_EQ(p->primary_metric, "steps");
}

TEST(VerdictPolicy, every_key_is_accepted) {
  std::string text;
  for (const auto key : verdict::policy_keys()) {
    text += std::string(key) + ": " + (key == "primary_metric" ? "steps" : key == "flaky_runs" ? "30"
                                       : key == "deterministic_metrics" ? "[steps, total_cycles]"
                                       : key == "timeout_multiplier" ? "1.2" : key == "outlier_sigma" ? "2.5" : "0.01") + "\n";
  }
  const auto p = verdict::parse_policy_yaml(text, "all.yaml");
  ASSERT_TRUE(p.has_value()) << p.error().message;
  EXPECT_EQ(p->flaky_runs, 30);
  EXPECT_DOUBLE_EQ(p->outlier_sigma, 2.5);
  EXPECT_EQ(p->deterministic_metrics, (std::vector<std::string>{"steps", "total_cycles"}));
}

TEST(VerdictPolicy, deterministic_metrics_are_a_list_declared_by_the_presets_as_steps_and_cycles) {
  EXPECT_EQ(verdict::preset("zkvm")->deterministic_metrics, (std::vector<std::string>{"steps", "cycles"}));
  EXPECT_TRUE(verdict::declares_deterministic(*verdict::preset("generic"), "steps"));
  EXPECT_FALSE(verdict::declares_deterministic(*verdict::preset("generic"), "prove_seconds"));
  const auto p = verdict::parse_policy_yaml("deterministic_metrics: steps\n", "team.yaml");
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().message.find("team.yaml:1: key 'deterministic_metrics': expected a list of metric names"),
            std::string::npos)
      << p.error().message;
}

TEST(VerdictPolicy, unknown_key_error_names_file_line_and_key) {
  const auto p = verdict::parse_policy_yaml("keep_threshold: 0.04\nkeep_treshold: 0.03\n", "team.yaml");
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().message.find("team.yaml:2: key 'keep_treshold': unknown key"), std::string::npos)
      << p.error().message;
}

TEST(VerdictPolicy, wrong_type_error_names_file_line_and_key) {
  const auto p = verdict::parse_policy_yaml("\ncv_limit: lots\n", "team.yaml");
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().message.find("team.yaml:2: key 'cv_limit': expected a number"), std::string::npos)
      << p.error().message;
}

TEST(VerdictPolicy, out_of_range_values_are_rejected) {
  EXPECT_FALSE(verdict::parse_policy_yaml("keep_threshold: 1.5\n", "x").has_value());
  EXPECT_FALSE(verdict::parse_policy_yaml("timeout_multiplier: 0.9\n", "x").has_value());
  EXPECT_FALSE(verdict::parse_policy_yaml("flaky_runs: 1\n", "x").has_value());
  EXPECT_FALSE(verdict::parse_policy_yaml("keep_threshold: 0.01\nmaybe_threshold: 0.02\n", "x").has_value());
}

TEST(VerdictPolicy, invalid_yaml_and_non_mapping_are_errors) {
  EXPECT_FALSE(verdict::parse_policy_yaml("keep_threshold: [1,\n", "x").has_value());
  EXPECT_FALSE(verdict::parse_policy_yaml("- 1\n- 2\n", "x").has_value());
}

