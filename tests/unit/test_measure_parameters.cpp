#include <gtest/gtest.h>

#include "measure/parameters.hpp"

namespace zkbench::measure {
namespace {

TEST(MeasureParameters, integer_scan_steps_by_one) {
  auto values = scan_values({"n", "1", "3", std::nullopt});
  ASSERT_TRUE(values);
  EXPECT_EQ(*values, (std::vector<std::string>{"1", "2", "3"}));
}

TEST(MeasureParameters, decimal_scan_is_exact_like_hyperfine) {
  auto values = scan_values({"x", "0", "1", "0.25"});
  ASSERT_TRUE(values);
  EXPECT_EQ(*values, (std::vector<std::string>{"0", "0.25", "0.50", "0.75", "1.00"}));
  values = scan_values({"x", "0.1", "0.3", "0.1"});
  ASSERT_TRUE(values);
  EXPECT_EQ(*values, (std::vector<std::string>{"0.1", "0.2", "0.3"}));
}

TEST(MeasureParameters, rejects_decimal_bounds_without_step_and_empty_ranges) {
  EXPECT_FALSE(scan_values({"x", "0", "1.5", std::nullopt}));
  auto empty = scan_values({"x", "3", "1", std::nullopt});
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("Empty parameter range"), std::string::npos);
  EXPECT_FALSE(scan_values({"x", "0", "1", "0"}));
  EXPECT_FALSE(scan_values({"x", "a", "1", std::nullopt}));
}

TEST(MeasureParameters, lists_make_a_cartesian_product_first_varying_fastest) {
  auto combos = parameter_combinations(std::nullopt, {{"a", {"1", "2"}}, {"b", {"x", "y"}}});
  ASSERT_TRUE(combos);
  ASSERT_EQ(combos->size(), 4u);
  EXPECT_EQ((*combos)[1], (ParameterValues{{"a", "2"}, {"b", "x"}}));
  EXPECT_EQ((*combos)[2], (ParameterValues{{"a", "1"}, {"b", "y"}}));
}

TEST(MeasureParameters, expands_commands_and_names_like_hyperfine) {
  auto combos = parameter_combinations(std::nullopt, {{"a", {"1", "2"}}});
  ASSERT_TRUE(combos);
  auto commands = expand_commands({"echo {a}", "true {a}"}, {"n{a}"}, *combos);
  ASSERT_TRUE(commands);
  ASSERT_EQ(commands->size(), 4u);
  EXPECT_EQ((*commands)[0].command, "echo 1");
  EXPECT_EQ((*commands)[0].name, "n1");
  EXPECT_EQ((*commands)[1].command, "true 1");
  EXPECT_FALSE((*commands)[1].name);
  EXPECT_EQ((*commands)[2].command, "echo 2");
  EXPECT_EQ((*commands)[2].parameters.at("a"), "2");
}

TEST(MeasureParameters, rejects_more_names_than_commands) {
  auto commands = expand_commands({"a", "b"}, {"x", "y", "z"}, {ParameterValues{}});
  ASSERT_FALSE(commands);
  EXPECT_EQ(commands.error().message, "Too many --command-name options: Expected 2 at most");
}

TEST(MeasureParameters, substitute_leaves_unknown_braces) {
  EXPECT_EQ(substitute("a {x} {y} {x}", {{"x", "1"}}), "a 1 {y} 1");
}

} // namespace
} // namespace zkbench::measure
