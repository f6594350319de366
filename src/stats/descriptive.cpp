#include "stats/descriptive.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace zkbench::stats {

namespace {

constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();

// 1 / Phi^-1(3/4): makes the MAD a consistent estimator of sigma for normal data.
constexpr double k_mad_normal_scale = 1.482602218505602;

// Phi^-1(3/4), the factor in Iglewicz and Hoaglin's modified Z-score.
constexpr double k_modified_z_factor = 0.6745;

std::vector<double> sorted_copy(std::span<const double> xs) {
  std::vector<double> v(xs.begin(), xs.end());
  std::sort(v.begin(), v.end());
  return v;
}

double raw_mad(std::span<const double> xs) {
  const double med = median(xs);
  std::vector<double> deviations;
  deviations.reserve(xs.size());
  for (const double x : xs) {
    deviations.push_back(std::fabs(x - med));
  }
  return median(deviations);
}

} // namespace

double mean(std::span<const double> xs) {
  if (xs.empty()) {
    return k_nan;
  }
  // Two-pass mean: the correction term removes most of the rounding error of the first pass.
  const double n = static_cast<double>(xs.size());
  const double first = std::accumulate(xs.begin(), xs.end(), 0.0) / n;
  double correction = 0;
  for (const double x : xs) {
    correction += x - first;
  }
  return first + correction / n;
}

double median(std::span<const double> xs) {
  if (xs.empty()) {
    return k_nan;
  }
  return quantile(xs, 0.5);
}

double stddev(std::span<const double> xs) {
  if (xs.size() < 2) {
    return 0.0;
  }
  const double m = mean(xs);
  double sum_sq = 0;
  for (const double x : xs) {
    sum_sq += (x - m) * (x - m);
  }
  return std::sqrt(sum_sq / static_cast<double>(xs.size() - 1));
}

double cv(std::span<const double> xs) {
  const double m = mean(xs);
  if (m == 0 || std::isnan(m)) {
    return k_nan;
  }
  return stddev(xs) / m;
}

double mad(std::span<const double> xs) {
  if (xs.empty()) {
    return k_nan;
  }
  return k_mad_normal_scale * raw_mad(xs);
}

double quantile(std::span<const double> xs, double q) {
  if (xs.empty()) {
    return k_nan;
  }
  const std::vector<double> v = sorted_copy(xs);
  return quantile_of_sorted(v, q);
}

double quantile_of_sorted(std::span<const double> v, double q) {
  if (v.empty()) {
    return k_nan;
  }
  const double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = static_cast<std::size_t>(std::ceil(pos));
  const double frac = pos - static_cast<double>(lo);
  return v[lo] + (v[hi] - v[lo]) * frac;
}

double min(std::span<const double> xs) {
  return xs.empty() ? k_nan : *std::min_element(xs.begin(), xs.end());
}

double max(std::span<const double> xs) {
  return xs.empty() ? k_nan : *std::max_element(xs.begin(), xs.end());
}

std::vector<double> modified_z_scores(std::span<const double> xs) {
  std::vector<double> scores(xs.size(), 0.0);
  if (xs.empty()) {
    return scores;
  }
  const double med = median(xs);
  const double m = raw_mad(xs);
  if (m == 0) {
    return scores;
  }
  for (std::size_t i = 0; i < xs.size(); ++i) {
    scores[i] = k_modified_z_factor * (xs[i] - med) / m;
  }
  return scores;
}

std::size_t count_outliers(std::span<const double> xs, double threshold) {
  const std::vector<double> scores = modified_z_scores(xs);
  return static_cast<std::size_t>(std::count_if(
      scores.begin(), scores.end(), [threshold](double z) { return std::fabs(z) > threshold; }));
}

Summary summarize(std::span<const double> xs) {
  Summary s;
  s.n = xs.size();
  s.mean = mean(xs);
  s.stddev = xs.empty() ? k_nan : stddev(xs);
  s.median = median(xs);
  s.min = min(xs);
  s.max = max(xs);
  s.cv = cv(xs);
  s.mad = mad(xs);
  return s;
}

} // namespace zkbench::stats
