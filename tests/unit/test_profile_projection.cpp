#include <gtest/gtest.h>

#include "profile/projection.hpp"

using namespace zkbench::profile;

namespace {

FunctionProfile fn(std::string name, std::uint64_t steps, std::uint64_t calls, std::uint64_t cost) {
  FunctionProfile f;
  f.name = std::move(name);
  f.inclusive.steps = steps;
  f.inclusive.cost = cost;
  f.calls = calls;
  return f;
}

// Seed 003's baseline figures (663.2M steps).
Profile seed003() {
  Profile p;
  p.totals.figures.steps = 663200000;
  p.totals.figures.cost = 74800000000;
  p.functions = {
      fn("ethrex_common::types::account::Code::from_bytecode", 33104148, 279, 5942240065),
      fn("ethrex_trie::encodedtrie::EncodedTrie::get_encoded_items", 29598391, 17173, 2501118431),
  };
  return p;
}

} // namespace

TEST(ProfileProjection, parses_hypotheses_yaml) {
  const auto hyps = parse_hypotheses_yaml(R"(
- name: Array-based branch items
  order: 1
  targets:
    - function: get_encoded_items
      steps_per_call: [500, 800]
- name: Code hash pre-computation
  order: 2
  targets:
    - {function: Code::from_bytecode, reduction: 0.8}
)", "hyp.yaml");
  ASSERT_TRUE(hyps.has_value()) << hyps.error().message;
  ASSERT_EQ(hyps->size(), 2u);
  EXPECT_EQ((*hyps)[0].targets[0].steps_per_call->low, 500.0);
  EXPECT_EQ((*hyps)[0].targets[0].steps_per_call->high, 800.0);
  EXPECT_EQ((*hyps)[1].targets[0].reduction->low, 0.8);
}

TEST(ProfileProjection, rejects_bad_hypotheses_naming_the_entry) {
  auto both = parse_hypotheses_yaml("- name: x\n  targets:\n    - {function: f, reduction: 0.5, steps_per_call: 3}\n", "h.yaml");
  ASSERT_FALSE(both.has_value());
  EXPECT_NE(both.error().message.find("h.yaml: hypothesis 1 ('x') target 1"), std::string::npos) << both.error().message;
  auto range = parse_hypotheses_yaml("- name: x\n  targets:\n    - {function: f, reduction: 1.5}\n", "h.yaml");
  ASSERT_FALSE(range.has_value());
  EXPECT_NE(range.error().message.find("between 0 and 1"), std::string::npos);
  auto syntax = parse_hypotheses_yaml("- name: [unclosed\n", "h.yaml");
  ASSERT_FALSE(syntax.has_value());
  EXPECT_EQ(syntax.error().message.rfind("h.yaml:", 0), 0u);
  EXPECT_FALSE(parse_hypotheses_yaml("name: x\n", "h.yaml").has_value());
}

TEST(ProfileProjection, projects_savings_and_cumulative_in_attack_order) {
  std::vector<Hypothesis> hyps = {
      {"Code hash", {{"Code::from_bytecode", Range{0.75, 0.85}, std::nullopt}}, 2},
      {"Array items", {{"get_encoded_items", std::nullopt, Range{600, 600}}}, 1},
  };
  const Projection proj = project(seed003(), hyps);
  ASSERT_EQ(proj.rows.size(), 2u);
  EXPECT_EQ(proj.rows[0].name, "Array items");
  EXPECT_DOUBLE_EQ(proj.rows[0].steps_saved.low, 600.0 * 17173);
  EXPECT_NEAR(proj.rows[0].steps_share->low, 600.0 * 17173 / 663200000.0, 1e-12);
  // cost scaled by the function's cost per step
  EXPECT_NEAR(proj.rows[0].cost_saved->low, 600.0 * 17173 * 2501118431.0 / 29598391.0, 1e-3);
  EXPECT_EQ(proj.rows[1].targets[0].function, "ethrex_common::types::account::Code::from_bytecode");
  EXPECT_DOUBLE_EQ(proj.rows[1].steps_saved.low, 33104148 * 0.75);
  EXPECT_DOUBLE_EQ(proj.rows[1].steps_saved.high, 33104148 * 0.85);
  EXPECT_DOUBLE_EQ(proj.rows[1].cumulative_steps_saved.low, 600.0 * 17173 + 33104148 * 0.75);
  EXPECT_DOUBLE_EQ(proj.rows[1].cumulative_steps_after->high, 663200000 - (600.0 * 17173 + 33104148 * 0.75));
}

TEST(ProfileProjection, never_saves_a_function_twice_beyond_what_is_left) {
  std::vector<Hypothesis> hyps = {
      {"first", {{"Code::from_bytecode", Range{0.8, 0.8}, std::nullopt}}, 1},
      {"second", {{"Code::from_bytecode", Range{0.8, 0.8}, std::nullopt}}, 2},
      {"third", {{"get_encoded_items", std::nullopt, Range{1e9, 1e9}}}, 3},
  };
  const Projection proj = project(seed003(), hyps);
  EXPECT_DOUBLE_EQ(proj.rows[1].steps_saved.low, 33104148 * 0.2 * 0.8); // 80% of what is left
  EXPECT_DOUBLE_EQ(proj.rows[2].steps_saved.low, 29598391.0);           // capped at the function's steps
}

TEST(ProfileProjection, unresolved_targets_save_nothing_and_say_so) {
  std::vector<Hypothesis> hyps = {{"ghost", {{"no_such_function", Range{0.5, 0.5}, std::nullopt}}, 1}};
  const Projection proj = project(seed003(), hyps);
  EXPECT_DOUBLE_EQ(proj.rows[0].steps_saved.high, 0.0);
  EXPECT_NE(proj.rows[0].targets[0].note.find("not found"), std::string::npos);
}

TEST(ProfileProjection, makes_a_projected_saving_measured_as_a_regression_obvious) {
  // ethrex's array-based branch items: projected −1.4…−2.2%, measured +0.52%.
  const Profile base = seed003();
  Profile actual = base;
  actual.totals.figures.steps = 663200000 + 3448640; // +0.52%
  actual.functions[1].inclusive.steps = 29598391 + 100000;
  std::vector<Hypothesis> hyps = {{"Array items", {{"get_encoded_items", std::nullopt, Range{540, 850}}}, 1}};
  const Projection proj = project(base, hyps);
  const auto rows = compare_with_actual(proj, base, actual);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].label, "ethrex_trie::encodedtrie::EncodedTrie::get_encoded_items");
  EXPECT_EQ(rows[0].assessment, "OPPOSITE: projected fewer steps, measured more");
  EXPECT_EQ(rows[1].label, "TOTAL");
  EXPECT_NEAR(rows[1].projected_share->low, -850.0 * 17173 / 663200000.0, 1e-12);
  EXPECT_NEAR(*rows[1].actual_share, 0.0052, 1e-9);
  EXPECT_EQ(rows[1].assessment, "OPPOSITE: projected fewer steps, measured more");
}

TEST(ProfileProjection, assesses_shortfall_and_as_projected) {
  const Profile base = seed003();
  Profile actual = base;
  std::vector<Hypothesis> hyps = {{"Code hash", {{"Code::from_bytecode", Range{0.8, 0.8}, std::nullopt}}, 1}};
  const Projection proj = project(base, hyps);
  const double saved = 33104148 * 0.8;
  actual.totals.figures.steps = static_cast<std::uint64_t>(663200000 - saved);
  actual.functions[0].inclusive.steps = static_cast<std::uint64_t>(33104148 - saved);
  EXPECT_EQ(compare_with_actual(proj, base, actual).back().assessment, "AS PROJECTED");
  actual.totals.figures.steps = static_cast<std::uint64_t>(663200000 - saved * 0.3);
  EXPECT_EQ(compare_with_actual(proj, base, actual).back().assessment, "SHORTFALL (30% of projected)");
}
