// A bisection's results.json read back (core/bisect_record.hpp): what is not a record is refused, the rest
// is read leniently. The round trip through the workflow's writer is in test_workflow_bisect_report.cpp.
#include "core/bisect_record.hpp"

#include <gtest/gtest.h>

namespace zkbench::core {
namespace {

TEST(CoreBisectRecord, what_is_not_a_bisections_record_is_refused) {
  EXPECT_FALSE(read_bisect_record(nlohmann::json::array()));
  EXPECT_FALSE(read_bisect_record(nlohmann::json{{"id", "001"}}));
  const auto no_bad = read_bisect_record(nlohmann::json{{"id", "001"}, {"good", "a"}});
  ASSERT_FALSE(no_bad);
  EXPECT_NE(no_bad.error().message.find("not a bisection's results.json"), std::string::npos);
}

TEST(CoreBisectRecord, a_record_from_before_complete_existed_was_written_at_the_end_and_odd_members_read_as_missing) {
  const auto old = read_bisect_record(nlohmann::json::parse(R"({"id": "001", "good": "a", "bad": "b",
      "cost": {"baseline_runs": 4, "candidate_runs": -3, "wall_s": "x"},
      "comparisons": [{"baseline": "a", "candidate": "b", "change": null, "interval": [null, 0.1]}, 7],
      "steps": "none", "confidence": {"claims": 3, "bound": 0.85}})"));
  ASSERT_TRUE(old) << old.error().message;
  EXPECT_TRUE(old->complete);
  EXPECT_EQ(old->cost.baseline_runs, 4U);
  EXPECT_EQ(old->cost.candidate_runs, 0U); // negative: not a count
  EXPECT_EQ(old->cost.wall_s, 0);
  ASSERT_EQ(old->comparisons.size(), 1U);
  EXPECT_FALSE(old->comparisons[0].change);
  EXPECT_FALSE(old->comparisons[0].low);
  EXPECT_EQ(old->comparisons[0].high, 0.1);
  EXPECT_TRUE(old->steps.empty());
  EXPECT_EQ(old->claims, 3U);
  EXPECT_EQ(old->bound, 0.85);
  EXPECT_EQ(old->resumed, 0);
}

} // namespace
} // namespace zkbench::core
