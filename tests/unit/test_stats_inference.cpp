#include <cmath>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "stats/inference.hpp"
#include "support/fixtures.hpp"
#include "support/numeric.hpp"

using namespace zkbench;
using test::expect_relative;

namespace {

nlohmann::json scipy_cases() {
  return nlohmann::json::parse(test::read_file(test::fixture_path("stats/scipy_reference.json"))).at("cases");
}

} // namespace

TEST(StatsInference, welch_matches_scipy_reference_to_1e6_relative) {
  const auto cases = scipy_cases();
  ASSERT_EQ(cases.size(), 60u);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    const auto a = c.at("a").get<std::vector<double>>();
    const auto b = c.at("b").get<std::vector<double>>();
    const std::string where = "case " + std::to_string(i);
    const auto welch = stats::welch_t_test(a, b);
    ASSERT_TRUE(welch.has_value()) << where;
    expect_relative(welch->t, c.at("welch_t").get<double>(), 1e-6, where + " welch_t");
    expect_relative(welch->df, c.at("welch_df").get<double>(), 1e-6, where + " welch_df");
    expect_relative(welch->p, c.at("welch_p").get<double>(), 1e-6, where + " welch_p");
  }
}

TEST(StatsInference, mann_whitney_matches_scipy_reference_to_1e6_relative) {
  const auto cases = scipy_cases();
  std::size_t exact_cases = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    const auto a = c.at("a").get<std::vector<double>>();
    const auto b = c.at("b").get<std::vector<double>>();
    const std::string where = "case " + std::to_string(i);
    const auto mwu = stats::mann_whitney_u(a, b);
    ASSERT_TRUE(mwu.has_value()) << where;
    expect_relative(mwu->u, c.at("mwu_u").get<double>(), 1e-6, where + " mwu_u");
    expect_relative(mwu->p_asymptotic, c.at("mwu_p_asymptotic").get<double>(), 1e-6, where + " mwu_p");
    EXPECT_EQ(mwu->has_ties, c.at("has_ties").get<bool>()) << where;
    if (c.contains("mwu_p_exact")) {
      ++exact_cases;
      ASSERT_TRUE(mwu->p_exact.has_value()) << where;
      expect_relative(*mwu->p_exact, c.at("mwu_p_exact").get<double>(), 1e-6, where + " mwu_p_exact");
    } else {
      EXPECT_FALSE(mwu->p_exact.has_value()) << where;
    }
  }
  EXPECT_EQ(exact_cases, 48u);
}

TEST(StatsInference, quantiles_match_known_values) {
  EXPECT_NEAR(stats::normal_quantile(0.975), 1.959963984540054, 1e-12);
  EXPECT_NEAR(stats::student_t_quantile(0.975, 10), 2.228138851986274, 1e-12);
  EXPECT_NEAR(stats::student_t_quantile(0.025, 4), -2.776445105197793, 1e-12);
  EXPECT_TRUE(std::isnan(stats::normal_quantile(1.0)));
  EXPECT_TRUE(std::isnan(stats::student_t_quantile(0.5, 0)));
}

TEST(StatsInference, welch_needs_two_values_a_side) {
  const std::vector<double> one{1.0};
  const std::vector<double> two{1.0, 2.0};
  EXPECT_FALSE(stats::welch_t_test(one, two).has_value());
}

TEST(StatsInference, welch_on_constant_samples_is_exact) {
  const std::vector<double> a{5, 5, 5};
  const std::vector<double> b{4, 4, 4};
  const auto differ = stats::welch_t_test(a, b);
  ASSERT_TRUE(differ.has_value());
  EXPECT_EQ(differ->p, 0.0);
  const auto same = stats::welch_t_test(a, a);
  EXPECT_EQ(same->p, 1.0);
}

TEST(StatsInference, mann_whitney_all_tied_gives_p_one) {
  const std::vector<double> a{3, 3, 3};
  const auto r = stats::mann_whitney_u(a, a);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->p_asymptotic, 1.0);
  EXPECT_FALSE(r->p_exact.has_value());
}

TEST(StatsInference, mann_whitney_exact_small_case_by_enumeration) {
  // a entirely above b with sizes 3 and 3: U = 9, P(U >= 9) = 1 / C(6,3) = 1/20, two-sided 0.1.
  const std::vector<double> a{4, 5, 6};
  const std::vector<double> b{1, 2, 3};
  const auto r = stats::mann_whitney_u(a, b);
  ASSERT_TRUE(r->p_exact.has_value());
  EXPECT_DOUBLE_EQ(r->u, 9.0);
  EXPECT_NEAR(*r->p_exact, 0.1, 1e-15);
}

TEST(StatsInference, fieller_interval_contains_the_change_and_is_wider_below) {
  const std::vector<double> base{10.0, 10.2, 9.9, 10.1, 9.8};
  const std::vector<double> cand{9.0, 9.1, 8.9, 9.2, 8.8};
  const auto r = stats::relative_change_ci(base, cand);
  ASSERT_TRUE(r.has_value());
  EXPECT_NEAR(r->change, 45.0 / 50.0 - 1.0, 1e-12);
  EXPECT_LT(r->lo, r->change);
  EXPECT_GT(r->hi, r->change);
  EXPECT_LT(r->hi, 0.0);
}

TEST(StatsInference, fieller_interval_of_deterministic_samples_is_a_point) {
  const std::vector<double> base{1000, 1000};
  const std::vector<double> cand{998, 998};
  const auto r = stats::relative_change_ci(base, cand);
  EXPECT_DOUBLE_EQ(r->lo, -0.002);
  EXPECT_DOUBLE_EQ(r->hi, -0.002);
}

TEST(StatsInference, fieller_interval_is_unbounded_when_baseline_mean_is_not_significant) {
  const std::vector<double> base{-1, 1, -2, 2.5};
  const std::vector<double> cand{1, 2, 3, 4};
  const auto r = stats::relative_change_ci(base, cand);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(std::isinf(r->lo));
  EXPECT_TRUE(std::isinf(r->hi));
}

TEST(StatsInference, exact_p_is_omitted_when_too_costly_but_asymptotic_remains) {
  std::vector<double> a;
  std::vector<double> b;
  for (int i = 0; i < 600; ++i) {
    a.push_back(2.0 * i);
    b.push_back(2.0 * i + 1.0);
  }
  const auto r = stats::mann_whitney_u(a, b);
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->has_ties);
  EXPECT_FALSE(r->p_exact.has_value());
  EXPECT_GT(r->p_asymptotic, 0.5);
}
