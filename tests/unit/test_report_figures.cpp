// The one formatter of figures for people: units from the metric, digits as `run` prints them, and
// text tables whose columns line up with multi-byte characters.
#include <cmath>

#include <gtest/gtest.h>

#include "report/figures.hpp"

namespace zkbench::report {
namespace {

TEST(ReportFigures, times_sizes_and_counts_get_units_and_sensible_digits) {
  EXPECT_EQ(format_metric("time", 0.0420707), "42.1 ms");
  EXPECT_EQ(format_metric("time", 1.23456), "1.235 s");
  EXPECT_EQ(format_metric("prove_s", 262.5), "262.500 s");
  EXPECT_EQ(format_metric("wall", 0.000512), "0.5 ms"); // automatic: ms below 1 s, as hyperfine
  EXPECT_EQ(format_metric("steps", 6.22128e+06), "6,221,280");
  EXPECT_EQ(format_metric("cycles", 6221280.4, "cycles"), "6,221,280 cycles");
  EXPECT_EQ(format_metric("ratio", 0.0420707), "0.04207");
  EXPECT_EQ(format_metric("proof_size", 3.0 * 1024 * 1024), "3.0 MiB");
  EXPECT_EQ(format_metric("", 0.5, "s"), "500.0 ms");
  EXPECT_EQ(format_metric("time", std::nan("")), "—");
}

TEST(ReportFigures, a_spread_is_in_the_means_unit) {
  EXPECT_EQ(format_metric_spread("time", 0.0420707, 0.00289197), "42.1 ms ± 2.9 ms");
  EXPECT_EQ(format_metric_spread("steps", 6221280, 12.5), "6,221,280 ± 12.5");
}

TEST(ReportFigures, text_table_columns_line_up_with_multibyte_characters) {
  const std::string table = format_text_table({{"metric", "mean ± sd"}, {"time", "42.1 ms ± 2.9 ms"}, {"µs", "1"}});
  EXPECT_EQ(table, "  metric         mean ± sd\n"
                   "  time    42.1 ms ± 2.9 ms\n"
                   "  µs                     1\n");
}

} // namespace
} // namespace zkbench::report
