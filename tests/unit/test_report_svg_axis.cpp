#include <cmath>

#include <gtest/gtest.h>

#include "report/svg/axis.hpp"

namespace zkbench::report::svg {
namespace {

TEST(ReportSvgAxis, nice_ticks_cover_the_data_with_1_2_5_steps) {
  const Ticks t = nice_ticks(243.2, 262.7, 5);
  EXPECT_DOUBLE_EQ(t.step, 5);
  EXPECT_DOUBLE_EQ(t.lo, 240);
  EXPECT_DOUBLE_EQ(t.hi, 265);
  ASSERT_EQ(t.values.size(), 6U);
  EXPECT_DOUBLE_EQ(t.values.front(), 240);
  EXPECT_DOUBLE_EQ(t.values.back(), 265);

  const Ticks small = nice_ticks(0.013, 0.087, 5);
  EXPECT_DOUBLE_EQ(small.step, 0.02);
  EXPECT_LE(small.lo, 0.013);
  EXPECT_GE(small.hi, 0.087);
}

TEST(ReportSvgAxis, integer_ticks_never_fall_between_integers) {
  const Ticks t = nice_ticks(1, 3, 8, TickValues::integer);
  EXPECT_DOUBLE_EQ(t.step, 1);
  EXPECT_EQ(t.values, (std::vector<double>{1, 2, 3}));
}

TEST(ReportSvgAxis, degenerate_ranges_are_widened) {
  const Ticks same = nice_ticks(100, 100, 5);
  EXPECT_LT(same.lo, 100);
  EXPECT_GT(same.hi, 100);
  const Ticks zero = nice_ticks(0, 0, 5);
  EXPECT_LT(zero.lo, 0);
  EXPECT_GT(zero.hi, 0);
  const Ticks nan = nice_ticks(std::nan(""), 1, 5);
  EXPECT_FALSE(nan.values.empty());
}

TEST(ReportSvgAxis, tick_labels_use_the_decimals_the_step_needs) {
  EXPECT_EQ(format_tick(2.5, 0.5), "2.5");
  EXPECT_EQ(format_tick(200, 100), "200");
  EXPECT_EQ(format_tick(0.04, 0.02), "0.04");
  EXPECT_EQ(format_tick(1500000, 500000), "1.5M");
  EXPECT_EQ(format_tick(20000, 5000), "20k");
  EXPECT_EQ(format_tick(-0.0, 1), "0");
}

TEST(ReportSvgAxis, linear_scale_maps_ends_and_middle) {
  const LinearScale y(240, 265, 300, 40); // reversed, as y axes are
  EXPECT_DOUBLE_EQ(y(240), 300);
  EXPECT_DOUBLE_EQ(y(265), 40);
  EXPECT_DOUBLE_EQ(y(252.5), 170);
  const LinearScale flat(5, 5, 0, 100);
  EXPECT_DOUBLE_EQ(flat(5), 50);
}

} // namespace
} // namespace zkbench::report::svg
