#include <gtest/gtest.h>

#include "profile/diff.hpp"
#include "profile/parse.hpp"
#include "support/fixtures.hpp"

using namespace zkbench::profile;

namespace {

FunctionProfile fn(std::string name, std::uint64_t steps, std::optional<std::uint64_t> calls,
                   std::optional<std::uint64_t> cost = std::nullopt) {
  FunctionProfile f;
  f.name = std::move(name);
  f.inclusive.steps = steps;
  f.inclusive.cost = cost;
  f.calls = calls;
  return f;
}

Profile profile(std::uint64_t total_steps, std::vector<FunctionProfile> functions) {
  Profile p;
  p.source.kind = SourceKind::ziskemu;
  p.totals.figures.steps = total_steps;
  p.functions = std::move(functions);
  return p;
}

const FunctionChange* find(const ProfileDiff& d, const std::string& name) {
  for (const auto& f : d.functions) {
    if (f.name == name) {
      return &f;
    }
  }
  return nullptr;
}

} // namespace

TEST(ProfileDiff, closing_line_reports_improvement_from_totals) {
  const auto base = profile(699700000, {fn("memcpy", 180000000, 1199137, 16000000000)});
  const auto current = profile(663200000, {fn("memcpy", 153000000, 1001396, 14100000000)});
  const ProfileDiff d = diff_profiles(base, current);
  EXPECT_EQ(closing_line(d), "IMPROVEMENT: 36,500,000 fewer steps (5.22%)");
  ASSERT_TRUE(d.memcpy.has_value());
  EXPECT_EQ(d.memcpy->calls.delta(), 1001396 - 1199137);
  EXPECT_EQ(d.memcpy->cost.delta(), -1900000000LL);
  EXPECT_NEAR(*d.memcpy->base_per_call(Metric::steps), 180000000.0 / 1199137.0, 1e-9);
}

TEST(ProfileDiff, closing_line_reports_regression_and_no_change) {
  EXPECT_EQ(closing_line(diff_profiles(profile(1000, {}), profile(1012, {}))), "REGRESSION: 12 more steps (1.20%)");
  EXPECT_EQ(closing_line(diff_profiles(profile(1000, {}), profile(1000, {}))), "NO CHANGE: 0 steps");
  Profile no_total;
  EXPECT_EQ(closing_line(diff_profiles(no_total, no_total)).rfind("NO COMMON TOTAL", 0), 0u);
}

TEST(ProfileDiff, total_never_comes_from_summed_inclusive_figures) {
  // caller includes callee: summing would give 300 → 200; the totals say 1000 → 950.
  const auto base = profile(1000, {fn("caller", 200, 1), fn("callee", 100, 1)});
  const auto current = profile(950, {fn("caller", 150, 1), fn("callee", 50, 1)});
  const ProfileDiff d = diff_profiles(base, current);
  EXPECT_EQ(d.total_steps.delta(), -50);
  EXPECT_EQ(closing_line(d), "IMPROVEMENT: 50 fewer steps (5.00%)");
}

TEST(ProfileDiff, matches_despite_changed_call_counts) {
  const auto base = profile(1000, {fn("ethrex_trie::EncodedTrie::get_encoded_items", 500, 17173)});
  const auto current = profile(900, {fn("ethrex_trie::EncodedTrie::get_encoded_items", 400, 9000)});
  const ProfileDiff d = diff_profiles(base, current);
  ASSERT_EQ(d.functions.size(), 1u);
  EXPECT_EQ(d.functions[0].match, MatchKind::exact);
  EXPECT_EQ(d.functions[0].steps.delta(), -100);
  EXPECT_EQ(d.functions[0].calls.delta(), 9000 - 17173);
}

TEST(ProfileDiff, matches_truncated_names_against_full_ones) {
  const auto base = profile(1000, {fn("revm_interpreter::instructions::contract::call_h", 500, 618)});
  const auto current =
      profile(900, {fn("revm_interpreter::instructions::contract::call_helpers::load_account_delegated", 400, 618)});
  const ProfileDiff d = diff_profiles(base, current);
  ASSERT_EQ(d.functions.size(), 1u);
  EXPECT_EQ(d.functions[0].match, MatchKind::truncated);
  EXPECT_EQ(d.functions[0].steps.delta(), -100);
}

TEST(ProfileDiff, matches_normalized_names_across_hashes_and_generics) {
  const auto base = profile(1000, {fn("ethrex::hash::recursive::h0123456789abcdef", 500, 10)});
  const auto current = profile(900, {fn("ethrex::hash::recursive::hfedcba9876543210", 450, 10),
                                     fn("brand::new_function", 20, 1)});
  const ProfileDiff d = diff_profiles(base, current);
  const FunctionChange* rec = find(d, "ethrex::hash::recursive::hfedcba9876543210");
  ASSERT_NE(rec, nullptr);
  EXPECT_EQ(rec->match, MatchKind::normalized);
  EXPECT_EQ(rec->steps.delta(), -50);
  const FunctionChange* added = find(d, "brand::new_function");
  ASSERT_NE(added, nullptr);
  EXPECT_EQ(added->match, MatchKind::added);
  EXPECT_FALSE(added->steps.delta().has_value());
}

TEST(ProfileDiff, repeated_truncated_names_pair_by_call_count_then_order) {
  const std::string name = "revm_interpreter::instructions::contract::call_h";
  const auto base = profile(1000, {fn(name, 300, 618), fn(name, 200, 5), fn("removed::thing", 7, 1)});
  const auto current = profile(990, {fn(name, 190, 5), fn(name, 310, 618)});
  const ProfileDiff d = diff_profiles(base, current);
  ASSERT_EQ(d.functions.size(), 3u);
  for (const auto& f : d.functions) {
    if (f.match == MatchKind::removed) {
      EXPECT_EQ(f.name, "removed::thing");
    } else {
      EXPECT_EQ(f.calls.base, f.calls.current); // paired by equal calls, not table order
    }
  }
  EXPECT_FALSE(d.notes.empty());
}

TEST(ProfileDiff, orders_functions_by_largest_change) {
  const auto base = profile(1000, {fn("a_function_small", 100, 1), fn("b_function_big", 500, 1)});
  const auto current = profile(800, {fn("a_function_small", 95, 1), fn("b_function_big", 300, 1)});
  const ProfileDiff d = diff_profiles(base, current);
  EXPECT_EQ(d.functions[0].name, "b_function_big");
}

TEST(ProfileDiff, compares_cost_categories_and_a_fixture_with_itself) {
  auto p = parse_profile_file(zkbench::test::fixture_path("zisk/ziskemu_X_report_book_v0.18-era.txt"));
  ASSERT_TRUE(p.has_value());
  const ProfileDiff d = diff_profiles(*p, *p);
  EXPECT_EQ(closing_line(d), "NO CHANGE: 0 steps");
  ASSERT_EQ(d.categories.size(), 5u);
  EXPECT_EQ(d.categories[1].first, "MAIN");
  EXPECT_EQ(d.categories[1].second.delta(), 0);
}
