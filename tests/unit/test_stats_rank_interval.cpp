#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "stats/rank_interval.hpp"

using namespace zkbench;

TEST(StatsRankInterval, unpaired_estimate_is_the_median_of_pairwise_differences) {
  const std::vector<double> x{1, 2, 3};
  const std::vector<double> y{2, 4, 7};
  // differences y - x: 1 0 -1 | 3 2 1 | 6 5 4 -> sorted -1 0 1 1 2 3 4 5 6, median 2
  const auto r = stats::hodges_lehmann_unpaired(x, y, 0.05);
  ASSERT_TRUE(r);
  EXPECT_DOUBLE_EQ(r->estimate, 2.0);
  // n = m = 3: P(U = 0) = 1/20 = 0.05, so at level 0.05 the bounds are the extreme differences.
  EXPECT_DOUBLE_EQ(r->lo, -1.0);
  EXPECT_DOUBLE_EQ(r->hi, 6.0);
  // Below 1/20 no bound can be given.
  const auto tight = stats::hodges_lehmann_unpaired(x, y, 0.04);
  EXPECT_TRUE(std::isinf(tight->lo) && tight->lo < 0);
  EXPECT_TRUE(std::isinf(tight->hi) && tight->hi > 0);
}

TEST(StatsRankInterval, exact_mann_whitney_bounds_match_the_tables) {
  // n = m = 10, one-sided 2.5%: the critical value of U is 23 (P(U <= 23) = 0.0216, P(U <= 24) = 0.0262), so
  // the bounds are the 24th smallest and 24th largest of the 100 differences.
  std::vector<double> x(10);
  std::vector<double> y(10);
  for (int i = 0; i < 10; ++i) {
    x[static_cast<std::size_t>(i)] = i * 0.37;
    y[static_cast<std::size_t>(i)] = i * 0.53 + 0.01;
  }
  std::vector<double> d;
  for (const double a : x) {
    for (const double b : y) {
      d.push_back(b - a);
    }
  }
  std::sort(d.begin(), d.end());
  const auto r = stats::hodges_lehmann_unpaired(x, y, 0.025);
  EXPECT_DOUBLE_EQ(r->lo, d[23]);
  EXPECT_DOUBLE_EQ(r->hi, d[100 - 24]);
}

TEST(StatsRankInterval, paired_bounds_come_from_the_signed_rank_distribution) {
  // n = 5: P(W+ = 0) = 1/32 = 0.03125. At 0.05 (P(W+ <= 1) = 2/32 > 0.05) the bounds are the extreme Walsh averages.
  const std::vector<double> x{10, 10, 10, 10, 10};
  const std::vector<double> y{11, 13, 12, 15, 14};
  const auto r = stats::hodges_lehmann_paired(x, y, 0.05);
  ASSERT_TRUE(r);
  EXPECT_DOUBLE_EQ(r->lo, 1.0);
  EXPECT_DOUBLE_EQ(r->hi, 5.0);
  EXPECT_DOUBLE_EQ(r->estimate, 3.0);
  EXPECT_TRUE(std::isinf(stats::hodges_lehmann_paired(x, y, 0.03)->lo));
}

TEST(StatsRankInterval, smallest_levels) {
  EXPECT_NEAR(stats::smallest_rank_level(3, 3, false), 1.0 / 20, 1e-15);
  EXPECT_NEAR(stats::smallest_rank_level(6, 6, false), 1.0 / 924, 1e-15);
  EXPECT_NEAR(stats::smallest_rank_level(7, 7, true), 1.0 / 128, 1e-15);
}

TEST(StatsRankInterval, coverage_holds_under_heavy_tails_at_exact_and_approximate_sizes) {
  // Cauchy noise (no mean, no variance): each bound must miss a true shift of 0.3 at most `level` of the time.
  std::mt19937_64 rng(7);
  std::cauchy_distribution<double> noise(0.0, 1.0);
  for (const std::size_t n : {6u, 12u, 60u}) {
    int low_misses = 0;
    int high_misses = 0;
    const int trials = 2000;
    for (int t = 0; t < trials; ++t) {
      std::vector<double> x(n);
      std::vector<double> y(n);
      for (std::size_t i = 0; i < n; ++i) {
        x[i] = noise(rng);
        y[i] = noise(rng) + 0.3;
      }
      const auto r = stats::hodges_lehmann_unpaired(x, y, 0.05);
      low_misses += r->lo > 0.3 ? 1 : 0;
      high_misses += r->hi < 0.3 ? 1 : 0;
    }
    EXPECT_LT(low_misses, trials * 0.05 * 1.4) << n;
    EXPECT_LT(high_misses, trials * 0.05 * 1.4) << n;
    EXPECT_GT(low_misses + high_misses, trials * 0.05) << n; // not vacuous: close to the level
  }
}

TEST(StatsRankInterval, rejects_empty_and_non_finite_samples) {
  const std::vector<double> empty;
  const std::vector<double> bad{1.0, NAN};
  const std::vector<double> good{1.0, 2.0};
  EXPECT_FALSE(stats::hodges_lehmann_unpaired(empty, good, 0.05));
  EXPECT_FALSE(stats::hodges_lehmann_unpaired(bad, good, 0.05));
  EXPECT_FALSE(stats::hodges_lehmann_paired(good, bad, 0.05));
}

TEST(StatsRankInterval, trimmed_with_every_run_kept_is_the_unpaired_interval) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> noise(0.0, 1.0);
  for (const std::size_t n : {4u, 9u, 15u}) {
    std::vector<double> x(n);
    std::vector<double> y(n);
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = noise(rng);
      y[i] = noise(rng) - 0.5;
    }
    for (const double level : {0.01, 0.05, 0.2}) {
      const auto all = stats::hodges_lehmann_unpaired(x, y, level);
      const auto kept = stats::hodges_lehmann_trimmed(x, y, n, level);
      ASSERT_TRUE(all && kept);
      EXPECT_DOUBLE_EQ(kept->estimate, all->estimate) << n << " " << level;
      EXPECT_DOUBLE_EQ(kept->lo, all->lo) << n << " " << level;
      EXPECT_DOUBLE_EQ(kept->hi, all->hi) << n << " " << level;
    }
  }
}

TEST(StatsRankInterval, trimmed_smallest_level_is_the_chance_that_one_sides_fastest_runs_come_first) {
  // n = 3, kept 2: the first two of six ordered values are y's in C(4, 1) = 4 of the C(6, 3) = 20 orders.
  EXPECT_NEAR(stats::smallest_trimmed_level(3, 2), 4.0 / 20, 1e-15);
  EXPECT_NEAR(stats::smallest_trimmed_level(6, 6), stats::smallest_rank_level(6, 6, false), 1e-15);
  // At that level exactly the bounds are the extreme kept differences; just below it there are none.
  const std::vector<double> x{10, 11, 30};
  const std::vector<double> y{1, 2, 40};
  const auto at = stats::hodges_lehmann_trimmed(x, y, 2, 0.2);
  ASSERT_TRUE(at);
  EXPECT_DOUBLE_EQ(at->lo, 1 - 11.0); // kept x {10, 11}, kept y {1, 2}: differences -10 -9 -9 -8
  EXPECT_DOUBLE_EQ(at->hi, 2 - 10.0);
  const auto below = stats::hodges_lehmann_trimmed(x, y, 2, 0.19);
  EXPECT_TRUE(std::isinf(below->lo) && std::isinf(below->hi));
  EXPECT_FALSE(stats::hodges_lehmann_trimmed(x, y, 0, 0.2));
  EXPECT_FALSE(stats::hodges_lehmann_trimmed(x, y, 4, 0.2));
}

TEST(StatsRankInterval, trimmed_bounds_hold_and_stay_narrow_when_load_slows_a_third_of_the_runs) {
  // Each run is slowed by 10-50% with probability 0.35 on both sides (one-sided contamination, as load does);
  // the candidate is 10% faster. The trimmed bounds (the fastest 60% kept) must miss the true shift at most
  // `level` of the time, and be far narrower than the unpaired interval of all runs.
  std::mt19937_64 rng(11);
  std::normal_distribution<double> noise(0.0, 0.01);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double shift = std::log(0.9);
  const std::size_t n = 12;
  const std::size_t kept = 7;
  const double level = 0.05;
  int misses = 0;
  double trimmed_width = 0;
  double full_width = 0;
  const int trials = 3000;
  auto run = [&](double base) {
    const double slowed = unit(rng) < 0.35 ? std::log(1.1 + 0.4 * unit(rng)) : 0.0;
    return base + noise(rng) + slowed;
  };
  for (int t = 0; t < trials; ++t) {
    std::vector<double> x(n);
    std::vector<double> y(n);
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = run(0.0);
      y[i] = run(shift);
    }
    const auto trimmed = stats::hodges_lehmann_trimmed(x, y, kept, level);
    const auto full = stats::hodges_lehmann_unpaired(x, y, level);
    misses += (trimmed->lo > shift ? 1 : 0) + (trimmed->hi < shift ? 1 : 0);
    trimmed_width += trimmed->hi - trimmed->lo;
    full_width += full->hi - full->lo;
  }
  EXPECT_LT(misses, 2 * trials * level * 1.2);
  EXPECT_LT(trimmed_width, 0.5 * full_width);
}
