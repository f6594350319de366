#pragma once
// Inferential statistics on two independent samples: Welch's t-test, the Mann–Whitney U test, the
// confidence interval of the relative change of the mean, and the Student-t / normal quantiles they use.
// Pure: no I/O. Definitions follow SciPy 1.10 so results can be checked against
// ../shared/fixtures/stats/scipy_reference.json; the distributions come from Boost.Math.

#include <optional>
#include <span>

namespace zkbench::stats {

/// Quantile of the standard normal distribution: Phi^-1(p). p must be in (0, 1); NaN otherwise.
double normal_quantile(double p);

/// Upper tail of the standard normal distribution: 1 - Phi(z).
double normal_sf(double z);

/// Quantile of Student's t distribution with `df` degrees of freedom (df > 0). NaN for invalid input.
double student_t_quantile(double p, double df);

/// Two-sided p-value of a t statistic with `df` degrees of freedom: 2 * P(T > |t|).
double student_t_two_sided_p(double t, double df);

/// Welch's unequal-variances t-test of mean(a) - mean(b), as scipy.stats.ttest_ind(a, b, equal_var=False).
struct WelchResult {
  double t = 0;          // (mean_a - mean_b) / se
  double df = 0;         // Welch–Satterthwaite degrees of freedom
  double p = 1;          // two-sided p-value
  double difference = 0; // mean_a - mean_b
  double se = 0;         // sqrt(var_a/n_a + var_b/n_b)
};

/// Needs at least two values on each side. When both variances are 0, se = 0 and t = +-inf (p = 0) if
/// the means differ, or t = NaN (p = 1, "no evidence") if they are equal; df is then NaN.
std::optional<WelchResult> welch_t_test(std::span<const double> a, std::span<const double> b);

/// Mann–Whitney U test of a against b, two-sided, as scipy.stats.mannwhitneyu.
struct MannWhitneyResult {
  double u = 0;                      // U of sample a: R_a - n_a(n_a+1)/2 (R_a = sum of a's mid-ranks)
  double p_asymptotic = 1;           // normal approximation, tie correction, continuity correction 0.5
  bool has_ties = false;             // any value occurs more than once in a and b together
  std::optional<double> p_exact;     // exact null distribution; only without ties and when affordable
};

/// Needs at least one value on each side (nullopt otherwise). The exact p-value counts, by dynamic
/// programming over partitions of U into at most n_a parts of size at most n_b (the number of rank
/// arrangements with that U), P(U >= max(U_a, U_b)) doubled and clipped to 1, as SciPy's method='exact'.
/// It is omitted (nullopt) when there are ties or when the work (n_a * n_b * U) would exceed
/// `k_exact_work_limit` — for samples that large the normal approximation is accurate.
std::optional<MannWhitneyResult> mann_whitney_u(std::span<const double> a, std::span<const double> b);

inline constexpr double k_exact_work_limit = 2e8;

/// The change of the mean as a fraction, candidate / baseline - 1 (negative = smaller = faster/fewer),
/// with a two-sided confidence interval.
struct RelativeChange {
  double change = 0;
  double lo = 0;  // -inf when the interval is unbounded below
  double hi = 0;  // +inf when unbounded above
};

/// Fieller's interval for the ratio of two independent means (E. C. Fieller, "Some problems in interval
/// estimation", J. R. Stat. Soc. B 16 (1954) 175–185), minus 1: the set of ratios r for which
/// (mean_c - r*mean_b)^2 <= t^2 (var_c/n_c + r^2 var_b/n_b), with t the Student quantile at the
/// Welch–Satterthwaite degrees of freedom of var_c/n_c + r_hat^2 var_b/n_b (r_hat = the point estimate).
/// Unlike "Welch CI of the difference / baseline mean", it accounts for the uncertainty of the
/// denominator. When the baseline mean is not significantly non-zero the set is unbounded (lo/hi
/// infinite). Both sides without variance give [change, change]. Needs >= 2 values a side and a
/// non-zero baseline mean; nullopt otherwise.
std::optional<RelativeChange> relative_change_ci(std::span<const double> baseline,
                                                 std::span<const double> candidate,
                                                 double confidence = 0.95);

} // namespace zkbench::stats

namespace zkbench::stats {

/// Two-sided prediction interval for one new observation from the population of `sample` (normal model):
/// mean +- t_{(1+confidence)/2, n-1} * s * sqrt(1 + 1/n). Needs >= 2 values; nullopt otherwise.
struct PredictionInterval {
  double lo = 0;
  double hi = 0;
};
std::optional<PredictionInterval> prediction_interval(std::span<const double> sample, double confidence = 0.99);

} // namespace zkbench::stats
