#include "workflow/bisect_search.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <gtest/gtest.h>

namespace zkbench::workflow {
namespace {

// A history whose commits from `culprit` on are bad; `skipped` do not build, `unsettled` cannot be placed.
struct FakeHistory {
  std::size_t culprit = 1;
  std::set<std::size_t> skipped;
  std::set<std::size_t> unsettled;
  std::map<std::size_t, int> probes; // how often each commit was probed

  CommitProbe probe() {
    return [this](std::size_t i) -> Result<CommitClass> {
      ++probes[i];
      if (skipped.count(i) > 0) {
        return CommitClass::skip;
      }
      if (unsettled.count(i) > 0) {
        return CommitClass::unsettled;
      }
      return i >= culprit ? CommitClass::bad : CommitClass::good;
    };
  }
};

TEST(BisectSearch, finds_every_culprit_of_a_64_commit_history_in_6_probes) {
  for (std::size_t culprit = 1; culprit <= 64; ++culprit) {
    FakeHistory h{culprit, {}, {}, {}};
    auto result = bisect_search(64, h.probe());
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->first_bad, culprit);
    EXPECT_EQ(result->last_good, culprit - 1);
    EXPECT_TRUE(result->exact());
    EXPECT_EQ(result->steps.size(), 6U) << "culprit " << culprit;
    for (const auto& [index, count] : h.probes) {
      EXPECT_EQ(count, 1) << "commit " << index << " probed twice";
      EXPECT_GT(index, 0U);
      EXPECT_LT(index, 64U);
    }
  }
}

// bisect_halvings is what a Slurm time limit counts on (submit -- bisect): the most probes a search makes
// when each probe places its commit, over every range size and culprit, and git bisect's count.
TEST(BisectSearch, halvings_bound_the_probes_of_every_search_that_places_each_commit) {
  EXPECT_EQ(bisect_halvings(0), 0U);
  EXPECT_EQ(bisect_halvings(1), 0U);
  EXPECT_EQ(bisect_halvings(2), 1U);
  EXPECT_EQ(bisect_halvings(64), 6U);
  EXPECT_EQ(bisect_halvings(65), 7U);
  for (std::size_t last = 1; last <= 70; ++last) {
    std::size_t most = 0;
    for (std::size_t culprit = 1; culprit <= last; ++culprit) {
      FakeHistory h{culprit, {}, {}, {}};
      auto result = bisect_search(last, h.probe());
      ASSERT_TRUE(result) << result.error().message;
      most = std::max(most, result->steps.size());
    }
    EXPECT_EQ(most, bisect_halvings(last)) << last << " commits after the good end";
  }
}

TEST(BisectSearch, one_commit_range_needs_no_probe) {
  FakeHistory h{1, {}, {}, {}};
  auto result = bisect_search(1, h.probe());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->first_bad, 1U);
  EXPECT_TRUE(result->steps.empty());
}

TEST(BisectSearch, refuses_an_empty_range) {
  FakeHistory h;
  auto result = bisect_search(0, h.probe());
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("same commit"), std::string::npos);
}

TEST(BisectSearch, a_skipped_midpoint_is_replaced_by_its_neighbour_and_the_answer_stays_exact) {
  // 64 commits, culprit 40; commit 32 (the first midpoint) does not build.
  FakeHistory h{40, {32}, {}, {}};
  auto result = bisect_search(64, h.probe());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->first_bad, 40U);
  EXPECT_TRUE(result->exact());
  ASSERT_GE(result->steps.size(), 2U);
  EXPECT_EQ(result->steps[0].index, 32U);
  EXPECT_EQ(result->steps[0].verdict, CommitClass::skip);
  EXPECT_EQ(result->steps[1].index, 33U); // the nearest neighbour, the later one first
}

TEST(BisectSearch, a_skipped_commit_next_to_the_culprit_leaves_both_as_the_answer) {
  // The commit before the culprit does not build: like git bisect, the first bad one is one of the two.
  FakeHistory h{40, {39}, {}, {}};
  auto result = bisect_search(64, h.probe());
  ASSERT_TRUE(result);
  EXPECT_FALSE(result->exact());
  EXPECT_EQ(result->first_bad, 40U);
  EXPECT_EQ(result->unknown, std::vector<std::size_t>{39});
  EXPECT_EQ(result->last_good, 38U);
}

TEST(BisectSearch, a_skipped_culprit_leaves_it_and_the_next_commit) {
  FakeHistory h{40, {40}, {}, {}};
  auto result = bisect_search(64, h.probe());
  ASSERT_TRUE(result);
  EXPECT_FALSE(result->exact());
  EXPECT_EQ(result->first_bad, 41U);
  EXPECT_EQ(result->unknown, std::vector<std::size_t>{40});
}

TEST(BisectSearch, an_unsettled_commit_is_stepped_over_like_a_skipped_one) {
  FakeHistory h{10, {}, {32, 16}, {}};
  auto result = bisect_search(64, h.probe());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->first_bad, 10U);
  EXPECT_TRUE(result->exact()); // 16 and 32 lie beyond the first bad commit: they leave no doubt
}

TEST(BisectSearch, an_unsettled_commit_left_next_to_the_culprit_is_probed_once_more) {
  // 39 is unsettled the first time only (measured further, it is placed): the answer becomes exact.
  std::map<std::size_t, int> probes;
  auto result = bisect_search(64, [&](std::size_t i) -> Result<CommitClass> {
    if (i == 39 && ++probes[i] == 1) {
      return CommitClass::unsettled;
    }
    return i >= 40 ? CommitClass::bad : CommitClass::good;
  });
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->exact());
  EXPECT_EQ(result->first_bad, 40U);
  EXPECT_EQ(probes[39], 2);
  EXPECT_EQ(std::count_if(result->steps.begin(), result->steps.end(), [](const SearchStep& s) { return s.index == 39; }),
            2);
  // Unsettled both times: asked twice, never a third time, and the range holds it.
  FakeHistory h{40, {}, {39}, {}};
  auto range = bisect_search(64, h.probe());
  ASSERT_TRUE(range);
  EXPECT_EQ(h.probes[39], 2);
  EXPECT_EQ(range->unknown, std::vector<std::size_t>{39});
  EXPECT_EQ(range->first_bad, 40U);
  // An unsettled commit the search left outside the final range is not asked again.
  FakeHistory far{10, {}, {32}, {}};
  ASSERT_TRUE(bisect_search(64, far.probe()));
  EXPECT_EQ(far.probes[32], 1);
}

TEST(BisectSearch, gives_up_after_three_unsettled_commits_in_a_row_with_the_open_range) {
  FakeHistory h{40, {}, {31, 32, 33}, {}};
  auto result = bisect_search(64, h.probe());
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->gave_up);
  EXPECT_EQ(result->steps.size(), 3U);
  EXPECT_EQ(result->first_bad, 64U);
  EXPECT_EQ(result->last_good, 0U);
  EXPECT_EQ(result->unknown.size(), 63U); // every commit in between: none could be placed
  EXPECT_FALSE(result->placed_any());
  EXPECT_EQ(h.probes[32], 1); // an abandoned search asks nothing again
}

TEST(BisectSearch, skipped_commits_do_not_count_as_unsettled_in_a_row) {
  FakeHistory h{40, {33}, {31, 32, 34}, {}}; // 32 unsettled, 33 skipped, 31 unsettled, 34 unsettled: gives up
  auto result = bisect_search(64, h.probe());
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->gave_up);
  EXPECT_EQ(result->steps.size(), 4U);
  FakeHistory settled{40, {33}, {31, 32}, {}}; // 32, 33 skipped, 31: then 34 is bad and the search goes on
  auto found = bisect_search(64, settled.probe());
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->gave_up);
  EXPECT_EQ(found->first_bad, 40U);
}

TEST(BisectSearch, every_commit_in_between_skipped_gives_the_whole_range) {
  FakeHistory h{3, {1, 2, 3, 4}, {}, {}};
  auto result = bisect_search(5, h.probe());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->first_bad, 5U);
  EXPECT_EQ(result->last_good, 0U);
  EXPECT_EQ(result->unknown, (std::vector<std::size_t>{1, 2, 3, 4}));
  EXPECT_EQ(result->steps.size(), 4U);
}

TEST(BisectSearch, a_probe_error_stops_the_search) {
  auto result =
      bisect_search(8, [](std::size_t) -> Result<CommitClass> { return make_error("interrupted"); });
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, "interrupted");
}

TEST(BisectSearch, next_probe_prefers_the_middle_then_its_nearest_untried_neighbours) {
  EXPECT_EQ(next_probe(0, 64, {}), 32U);
  EXPECT_EQ(next_probe(0, 64, {32}), 33U);
  EXPECT_EQ(next_probe(0, 64, {32, 33}), 31U);
  EXPECT_EQ(next_probe(0, 2, {}), 1U);
  EXPECT_EQ(next_probe(0, 2, {1}), std::nullopt);
  EXPECT_EQ(next_probe(5, 6, {}), std::nullopt);
}

} // namespace
} // namespace zkbench::workflow
