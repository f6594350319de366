// The dashboard's profile chart data (dashboard/dashboard_profiles): which functions grew and shrank between
// two profiles, on their own figures where the profiles have them.
#include <gtest/gtest.h>

#include "dashboard/dashboard_profiles.hpp"

using zkbench::dashboard::profile_changes;
using zkbench::profile::FunctionProfile;
using zkbench::profile::Metric;
using zkbench::profile::Profile;

namespace {

FunctionProfile function(const std::string& name, std::optional<std::uint64_t> self, std::optional<std::uint64_t> with_callees) {
  FunctionProfile f;
  f.name = name;
  f.exclusive.steps = self;
  f.inclusive.steps = with_callees;
  return f;
}

Profile profile(std::uint64_t total, std::vector<FunctionProfile> functions) {
  Profile p;
  p.totals.figures.steps = total;
  p.functions = std::move(functions);
  return p;
}

} // namespace

TEST(DashboardProfiles, ranks_functions_by_their_own_change_and_leaves_unchanged_callers_out) {
  const Profile base = profile(1000, {function("main", 10, 1000), function("hot", 600, 600), function("cold", 300, 300),
                                      function("gone", 90, 90)});
  const Profile current = profile(710, {function("main", 10, 710), function("hot", 300, 300), function("cold", 330, 330),
                                        function("new_fn", 60, 60)});
  const auto changes = profile_changes(base, current, 5);
  ASSERT_EQ(changes.down.size(), 2u);
  EXPECT_EQ(changes.down[0].function, "hot"); // -300 steps before -90
  EXPECT_DOUBLE_EQ(changes.down[0].change_pct, -50.0);
  EXPECT_EQ(changes.down[1].function, "gone");
  EXPECT_DOUBLE_EQ(changes.down[1].change_pct, -100.0);
  ASSERT_EQ(changes.up.size(), 1u); // main's own steps did not change; new_fn has no base
  EXPECT_EQ(changes.up[0].function, "cold");
  EXPECT_DOUBLE_EQ(changes.up[0].change_pct, 10.0);

  const auto top_one = profile_changes(base, current, 1);
  ASSERT_EQ(top_one.down.size(), 1u);
  EXPECT_EQ(top_one.down[0].function, "hot");
  EXPECT_EQ(top_one.up.size(), 1u);
}

TEST(DashboardProfiles, profiles_with_only_inclusive_figures_compare_those) {
  const Profile base = profile(1000, {function("main", std::nullopt, 1000), function("keccak", std::nullopt, 400)});
  const Profile current = profile(800, {function("main", std::nullopt, 800), function("keccak", std::nullopt, 150)});
  const auto changes = profile_changes(base, current, 5);
  ASSERT_EQ(changes.down.size(), 2u);
  EXPECT_EQ(changes.down[0].function, "keccak"); // -250 steps before main's -200
  EXPECT_DOUBLE_EQ(changes.down[0].change_pct, -62.5);
  EXPECT_EQ(changes.down[1].function, "main");
  EXPECT_DOUBLE_EQ(changes.down[1].change_pct, -20.0);
  EXPECT_TRUE(changes.up.empty());
}

TEST(DashboardProfiles, leaves_out_bare_addresses_and_changes_under_a_tenth_of_a_percent) {
  const Profile base = profile(100'000, {function("0x000000000010cd18", 5'000, 5'000), function("malloc", 50'000, 50'000),
                                         function("hash", 45'000, 45'000)});
  const Profile current = profile(90'000, {function("malloc", 50'010, 50'010), function("hash", 40'000, 40'000)});
  const auto changes = profile_changes(base, current, 5);
  ASSERT_EQ(changes.down.size(), 1u);
  EXPECT_EQ(changes.down[0].function, "hash");
  EXPECT_TRUE(changes.up.empty()) << changes.up[0].function; // malloc: +0.02%
}

TEST(DashboardProfiles, identical_profiles_have_no_changes) {
  const Profile same = profile(100, {function("main", 100, 100)});
  const auto changes = profile_changes(same, same, 5);
  EXPECT_TRUE(changes.up.empty());
  EXPECT_TRUE(changes.down.empty());
}
