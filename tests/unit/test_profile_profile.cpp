#include <gtest/gtest.h>

#include "profile/profile.hpp"

using namespace zkbench::profile;

namespace {

FunctionProfile function(std::string name, std::uint64_t steps, std::optional<std::uint64_t> calls) {
  FunctionProfile f;
  f.name = std::move(name);
  f.inclusive.steps = steps;
  f.calls = calls;
  return f;
}

} // namespace

TEST(ProfileModel, per_call_is_derived_and_absent_without_calls) {
  const FunctionProfile with_calls = function("a", 1000, 8);
  EXPECT_DOUBLE_EQ(*with_calls.per_call(Metric::steps, Scope::inclusive), 125.0);
  EXPECT_FALSE(with_calls.per_call(Metric::cost, Scope::inclusive).has_value());
  EXPECT_FALSE(with_calls.per_call(Metric::steps, Scope::exclusive).has_value());
  EXPECT_FALSE(function("b", 1000, std::nullopt).per_call(Metric::steps, Scope::inclusive).has_value());
  EXPECT_FALSE(function("c", 1000, 0).per_call(Metric::steps, Scope::inclusive).has_value());
}

TEST(ProfileModel, best_prefers_inclusive_then_exclusive) {
  FunctionProfile f;
  f.exclusive.cycles = 7;
  EXPECT_EQ(f.best(Metric::cycles), 7u);
  f.inclusive.cycles = 9;
  EXPECT_EQ(f.best(Metric::cycles), 9u);
}

TEST(ProfileModel, top_sorts_largest_first_and_skips_functions_without_the_figure) {
  Profile p;
  p.functions = {function("small", 10, 1), function("big", 30, 1), function("mid", 20, 1)};
  p.functions.push_back(FunctionProfile{"nofigure", {}, {}, {}, {}, {}});
  const auto rows = p.top(Metric::steps, Scope::inclusive, 2);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]->name, "big");
  EXPECT_EQ(rows[1]->name, "mid");
  EXPECT_EQ(p.top(Metric::steps, Scope::inclusive, 0).size(), 3u);
  EXPECT_TRUE(p.has(Metric::steps, Scope::inclusive));
  EXPECT_FALSE(p.has(Metric::steps, Scope::exclusive));
}

TEST(ProfileModel, variable_cost_uses_the_row_or_total_minus_base) {
  Totals t;
  EXPECT_FALSE(t.variable_cost().has_value());
  t.figures.cost = 1000;
  t.cost_distribution = {{"BASE", 300}};
  EXPECT_EQ(t.variable_cost(), 700u);
  t.cost_distribution.push_back({"VARIABLE", 650});
  EXPECT_EQ(t.variable_cost(), 650u);
}

TEST(ProfileModel, share_needs_a_nonzero_total) {
  Profile p;
  EXPECT_FALSE(p.share(5, Metric::steps).has_value());
  p.totals.figures.steps = 0;
  EXPECT_FALSE(p.share(5, Metric::steps).has_value());
  p.totals.figures.steps = 20;
  EXPECT_DOUBLE_EQ(*p.share(5, Metric::steps), 0.25);
}
