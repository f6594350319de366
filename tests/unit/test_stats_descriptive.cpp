#include <cmath>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "stats/descriptive.hpp"
#include "support/fixtures.hpp"
#include "support/numeric.hpp"

using namespace zkbench;
using test::expect_relative;

TEST(StatsDescriptive, matches_scipy_reference_to_1e9_relative) {
  const auto doc = nlohmann::json::parse(test::read_file(test::fixture_path("stats/scipy_reference.json")));
  const auto& cases = doc.at("cases");
  ASSERT_EQ(cases.size(), 60u);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    const auto a = c.at("a").get<std::vector<double>>();
    const std::string where = "case " + std::to_string(i);
    expect_relative(stats::mean(a), c.at("a_mean").get<double>(), 1e-9, where + " mean");
    expect_relative(stats::median(a), c.at("a_median").get<double>(), 1e-9, where + " median");
    expect_relative(stats::stddev(a), c.at("a_stddev").get<double>(), 1e-9, where + " stddev");
    expect_relative(stats::cv(a), c.at("a_cv").get<double>(), 1e-9, where + " cv");
    expect_relative(stats::mad(a), c.at("a_mad").get<double>(), 1e-9, where + " mad");
  }
}

TEST(StatsDescriptive, median_of_even_count_averages_the_middle_pair) {
  const std::vector<double> xs{4, 1, 3, 2};
  EXPECT_DOUBLE_EQ(stats::median(xs), 2.5);
}

TEST(StatsDescriptive, empty_sample_gives_nan_and_single_value_has_zero_stddev) {
  const std::vector<double> none;
  EXPECT_TRUE(std::isnan(stats::mean(none)));
  const std::vector<double> one{5};
  EXPECT_EQ(stats::stddev(one), 0.0);
  EXPECT_EQ(stats::summarize(one).median, 5.0);
}

TEST(StatsDescriptive, modified_z_flags_a_far_outlier_only) {
  const std::vector<double> xs{10.0, 10.1, 9.9, 10.05, 9.95, 10.02, 30.0};
  EXPECT_EQ(stats::count_outliers(xs), 1u);
  const std::vector<double> flat{1, 1, 1, 1};
  EXPECT_EQ(stats::count_outliers(flat), 0u);
}

TEST(StatsDescriptive, quantile_interpolates_linearly) {
  const std::vector<double> xs{1, 2, 3, 4, 5};
  EXPECT_DOUBLE_EQ(stats::quantile(xs, 0.25), 2.0);
  EXPECT_DOUBLE_EQ(stats::quantile(xs, 0.9), 4.6);
}
