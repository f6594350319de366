#pragma once
// Robust shift estimates with distribution-free confidence bounds: the Hodges–Lehmann estimate of the
// shift between two samples and the interval obtained by inverting a rank test (Hodges & Lehmann,
// "Estimates of location based on rank tests", Ann. Math. Statist. 34, 1963; Lehmann, "Nonparametrics:
// Statistical Methods Based on Ranks", 1975, ch. 2 and 4).
//
// Unpaired: the estimate is the median of the n*m differences y_j - x_i; the bounds are the k-th smallest
// and k-th largest of these differences, where k is the largest count whose Mann–Whitney null probability
// P(U <= k - 1) stays within the level. Paired (by position: pair i is (x_i, y_i)): the estimate is the
// median of the Walsh averages (d_i + d_j) / 2, i <= j, of d_i = y_i - x_i; the bounds come from the
// Wilcoxon signed-rank null distribution the same way. Each bound is wrong with probability at most
// `level` when the samples differ by a pure shift of i.i.d. (unpaired: exchangeable; paired: symmetric
// differences) noise, whatever its distribution: heavy tails and outliers widen nothing beyond their
// ranks. The null distributions are exact (computed, then cached) up to k_exact_rank_cells differences
// and normal approximations above; ties (equal values) are treated as if broken at random, which the
// approximation tolerates for the few ties of measured times.
//
// Small samples cannot reach small levels: the most extreme outcome already has probability
// 1 / C(n + m, n) unpaired (1/20 at n = m = 3) and 2^-n paired. A bound out of reach is infinite.

#include <cstddef>
#include <optional>
#include <span>

namespace zkbench::stats {

/// Differences (unpaired n*m, paired n(n+1)/2 Walsh averages) up to which the null distribution is exact.
inline constexpr std::size_t k_exact_rank_cells = 2500;

/// A shift estimate with one-sided bounds, each wrong with probability at most the level it was built at.
/// lo = -inf / hi = +inf when the level is out of reach at these sample sizes.
struct ShiftInterval {
  double estimate = 0;
  double lo = 0;
  double hi = 0;
};

/// Hodges–Lehmann shift of `y` against `x` (unpaired) with the Mann–Whitney interval. nullopt when a
/// sample is empty or a value is not finite. `level` in (0, 0.5).
std::optional<ShiftInterval> hodges_lehmann_unpaired(std::span<const double> x, std::span<const double> y,
                                                     double level);

/// Hodges–Lehmann shift of `y` against `x` paired by position (the first min(sizes) values) with the
/// Wilcoxon signed-rank interval. nullopt when no pair or a value is not finite.
std::optional<ShiftInterval> hodges_lehmann_paired(std::span<const double> x, std::span<const double> y,
                                                   double level);

/// The same shift read from the fastest runs of each side only: the Hodges–Lehmann estimate and interval
/// of the `kept` smallest values of `x` against the `kept` smallest of `y` (both samples of one size n,
/// the first min(sizes) values), with bounds from the exact null distribution of the rank count on the
/// kept values of two exchangeable samples of n (computed by counting label orders, cached). Load only
/// ever slows a run: when no more than n - kept runs of a side are slowed, the kept runs are its clean
/// ones and the interval is as narrow as on a quiet machine, while the unpaired interval of all runs
/// spreads over the slowed ones. The bounds hold at `level` whatever slowed which runs, as long as the
/// two sides' runs are exchangeable under no change (the rank argument needs nothing of the noise).
/// kept = n: the unpaired interval. nullopt when a sample is empty, kept is 0 or above n, or a value is
/// not finite.
std::optional<ShiftInterval> hodges_lehmann_trimmed(std::span<const double> x, std::span<const double> y,
                                                    std::size_t kept, double level);

/// The smallest one-sided level hodges_lehmann_trimmed's bounds can have at n runs per side with `kept`
/// kept: the probability that the `kept` fastest runs of one side all come before any of the other's,
/// C(2n - kept, n - kept) / C(2n, n).
double smallest_trimmed_level(std::size_t n, std::size_t kept);

/// The smallest one-sided level a bound can have at these sizes (unpaired: 1 / C(n + m, n); paired:
/// 2^-n, n = min(n, m)): a level below it gives an infinite bound.
double smallest_rank_level(std::size_t n, std::size_t m, bool paired);

} // namespace zkbench::stats
