#pragma once
// Descriptive statistics on plain samples. Pure: no I/O, no knowledge of runs or the store.
// Definitions follow NumPy/SciPy so results can be checked against ../shared/fixtures/stats.

#include <cstddef>
#include <span>
#include <vector>

namespace zkbench::stats {

/// Arithmetic mean. NaN for an empty sample.
double mean(std::span<const double> xs);

/// Median (average of the two middle values for an even count). NaN for an empty sample.
double median(std::span<const double> xs);

/// Sample standard deviation (ddof = 1, as numpy.std(ddof=1)). 0 for fewer than two values.
double stddev(std::span<const double> xs);

/// Coefficient of variation: stddev / mean. NaN when the mean is 0.
double cv(std::span<const double> xs);

/// Median absolute deviation scaled to be consistent with the standard deviation of a normal
/// distribution: 1.4826 * median(|x - median(x)|), as scipy.stats.median_abs_deviation(scale='normal').
/// (1.4826 ~= 1 / Phi^-1(3/4); SciPy uses the exact constant, we do too.)
double mad(std::span<const double> xs);

/// Linear-interpolated quantile, q in [0, 1] (numpy.quantile's default method).
double quantile(std::span<const double> xs, double q);

/// quantile() of data already in ascending order, without copying or sorting it (O(1)): for a
/// running median kept sorted by insertion. NaN when empty.
double quantile_of_sorted(std::span<const double> sorted, double q);

double min(std::span<const double> xs);
double max(std::span<const double> xs);

/// Modified Z-scores (Iglewicz and Hoaglin, 1993): 0.6745 * (x - median) / MAD_raw, where MAD_raw is the
/// unscaled median absolute deviation. Hyperfine uses the same scores to warn about outliers.
/// All zeros when MAD_raw is 0.
std::vector<double> modified_z_scores(std::span<const double> xs);

/// Number of values whose |modified Z-score| exceeds `threshold` (Iglewicz and Hoaglin recommend 3.5;
/// hyperfine uses 14 for "statistical outliers" in very noisy short runs — we use 3.5 for minutes-long runs).
std::size_t count_outliers(std::span<const double> xs, double threshold = 3.5);

/// The summary zkbench prints and exports for one sample.
struct Summary {
  std::size_t n = 0;
  double mean = 0;
  double stddev = 0;
  double median = 0;
  double min = 0;
  double max = 0;
  double cv = 0;
  double mad = 0;
};

/// All of the above at once. For an empty sample, n = 0 and the figures are NaN.
Summary summarize(std::span<const double> xs);

} // namespace zkbench::stats
