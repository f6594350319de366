#include "stats/inference.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include "stats/descriptive.hpp"

namespace zkbench::stats {

namespace {

constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();
constexpr double k_inf = std::numeric_limits<double>::infinity();

double variance(std::span<const double> xs) {
  const double sd = stddev(xs);
  return sd * sd;
}

// Mid-ranks (1-based) of the concatenation a ++ b, and SciPy's tie term sum(t^3 - t) over tie groups.
struct Ranking {
  std::vector<double> ranks;
  double tie_term = 0;
};

Ranking rank_together(std::span<const double> a, std::span<const double> b) {
  std::vector<double> all(a.begin(), a.end());
  all.insert(all.end(), b.begin(), b.end());
  std::vector<std::size_t> order(all.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return all[i] < all[j]; });
  Ranking result;
  result.ranks.assign(all.size(), 0.0);
  std::size_t i = 0;
  while (i < order.size()) {
    std::size_t j = i + 1;
    while (j < order.size() && all[order[j]] == all[order[i]]) {
      ++j;
    }
    // Positions i..j-1 (0-based) share the mean of ranks i+1..j.
    const double mid = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (std::size_t k = i; k < j; ++k) {
      result.ranks[order[k]] = mid;
    }
    const double t = static_cast<double>(j - i);
    result.tie_term += t * t * t - t;
    i = j;
  }
  return result;
}

// P(U <= k) under the null for sample sizes m and n, or nullopt when too costly. The number of rank
// arrangements with U = u equals the number of partitions of u into at most m parts, each at most n
// (Mann and Whitney, 1947); we count them part size by part size, counting parts so none exceeds m.
std::optional<double> exact_cdf(std::size_t m, std::size_t n, std::size_t k) {
  const double work = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k + 1);
  if (work > k_exact_work_limit || m + n > 1000) { // C(1000, 500) ~ 2.7e299: the largest a double holds
    return std::nullopt;
  }
  // count[c][u]: partitions of u into exactly c parts, each <= the part sizes processed so far.
  std::vector<std::vector<double>> count(m + 1, std::vector<double>(k + 1, 0.0));
  count[0][0] = 1.0;
  for (std::size_t s = 1; s <= n && s <= k; ++s) {
    for (std::size_t c = 1; c <= m; ++c) {
      for (std::size_t u = s; u <= k; ++u) {
        count[c][u] += count[c - 1][u - s]; // count[c-1] already includes parts of size s: repeats allowed
      }
    }
  }
  double favourable = 0;
  for (std::size_t c = 0; c <= m; ++c) {
    favourable += std::accumulate(count[c].begin(), count[c].end(), 0.0);
  }
  // C(m+n, m) as a running product keeps full double precision for the sizes allowed above.
  double total = 1.0;
  for (std::size_t i = 1; i <= m; ++i) {
    total = total * static_cast<double>(n + i) / static_cast<double>(i);
  }
  return favourable / total;
}

} // namespace

double normal_quantile(double p) {
  if (!(p > 0.0 && p < 1.0)) {
    return k_nan;
  }
  return boost::math::quantile(boost::math::normal_distribution<double>(), p);
}

double normal_sf(double z) {
  if (std::isnan(z)) {
    return k_nan;
  }
  if (std::isinf(z)) {
    return z > 0 ? 0.0 : 1.0;
  }
  return boost::math::cdf(boost::math::complement(boost::math::normal_distribution<double>(), z));
}

double student_t_quantile(double p, double df) {
  if (!(p > 0.0 && p < 1.0) || !(df > 0.0)) {
    return k_nan;
  }
  if (std::isinf(df)) {
    return normal_quantile(p);
  }
  return boost::math::quantile(boost::math::students_t_distribution<double>(df), p);
}

double student_t_two_sided_p(double t, double df) {
  if (std::isnan(t) || !(df > 0.0)) {
    return k_nan;
  }
  if (std::isinf(t)) {
    return 0.0;
  }
  const double tail =
      boost::math::cdf(boost::math::complement(boost::math::students_t_distribution<double>(df), std::fabs(t)));
  return std::min(1.0, 2.0 * tail);
}

std::optional<WelchResult> welch_t_test(std::span<const double> a, std::span<const double> b) {
  if (a.size() < 2 || b.size() < 2) {
    return std::nullopt;
  }
  const double na = static_cast<double>(a.size());
  const double nb = static_cast<double>(b.size());
  const double va = variance(a) / na;
  const double vb = variance(b) / nb;
  WelchResult r;
  r.difference = mean(a) - mean(b);
  r.se = std::sqrt(va + vb);
  if (r.se == 0.0) {
    // Deterministic samples: any difference is exact, no difference is no evidence.
    r.df = k_nan;
    r.t = r.difference == 0.0 ? k_nan : std::copysign(k_inf, r.difference);
    r.p = r.difference == 0.0 ? 1.0 : 0.0;
    return r;
  }
  r.t = r.difference / r.se;
  r.df = (va + vb) * (va + vb) / (va * va / (na - 1.0) + vb * vb / (nb - 1.0));
  r.p = student_t_two_sided_p(r.t, r.df);
  return r;
}

std::optional<MannWhitneyResult> mann_whitney_u(std::span<const double> a, std::span<const double> b) {
  if (a.empty() || b.empty()) {
    return std::nullopt;
  }
  const std::size_t m = a.size();
  const std::size_t n = b.size();
  const double n1 = static_cast<double>(m);
  const double n2 = static_cast<double>(n);
  const Ranking ranking = rank_together(a, b);
  const double rank_sum_a = std::accumulate(ranking.ranks.begin(), ranking.ranks.begin() + static_cast<long>(m), 0.0);
  MannWhitneyResult r;
  r.u = rank_sum_a - n1 * (n1 + 1.0) / 2.0;
  r.has_ties = ranking.tie_term > 0.0;
  const double u_max = std::max(r.u, n1 * n2 - r.u); // two-sided: the larger U, doubled tail

  // Normal approximation with tie correction (SciPy's _get_mwu_z) and continuity correction 0.5.
  const double total = n1 + n2;
  const double s = std::sqrt(n1 * n2 / 12.0 * ((total + 1.0) - ranking.tie_term / (total * (total - 1.0))));
  if (s > 0.0 && std::isfinite(s)) {
    const double z = (u_max - n1 * n2 / 2.0 - 0.5) / s;
    r.p_asymptotic = std::clamp(2.0 * normal_sf(z), 0.0, 1.0);
  } else {
    r.p_asymptotic = 1.0; // every value tied (or one value in all): no evidence either way
  }

  if (!r.has_ties) {
    // P(U >= u_max) = P(U <= m*n - u_max) by the symmetry of the null distribution.
    const auto k = static_cast<std::size_t>(std::llround(n1 * n2 - u_max));
    if (const auto cdf = exact_cdf(m, n, k)) {
      r.p_exact = std::clamp(2.0 * *cdf, 0.0, 1.0);
    }
  }
  return r;
}

std::optional<RelativeChange> relative_change_ci(std::span<const double> baseline,
                                                 std::span<const double> candidate, double confidence) {
  if (baseline.size() < 2 || candidate.size() < 2) {
    return std::nullopt;
  }
  const double mb = mean(baseline);
  const double mc = mean(candidate);
  if (mb == 0.0 || !std::isfinite(mb)) {
    return std::nullopt;
  }
  const double nb = static_cast<double>(baseline.size());
  const double nc = static_cast<double>(candidate.size());
  const double vb = variance(baseline) / nb;
  const double vc = variance(candidate) / nc;
  const double ratio = mc / mb;
  RelativeChange r{ratio - 1.0, ratio - 1.0, ratio - 1.0};
  if (vb == 0.0 && vc == 0.0) {
    return r;
  }
  const double spread = vc + ratio * ratio * vb;
  const double df =
      spread * spread / (vc * vc / (nc - 1.0) + ratio * ratio * ratio * ratio * vb * vb / (nb - 1.0));
  const double t = student_t_quantile(0.5 + confidence / 2.0, df);
  const double qa = mb * mb - t * t * vb;
  const double qb = mb * mc;
  const double qc = mc * mc - t * t * vc;
  if (qa <= 0.0) {
    r.lo = -k_inf;
    r.hi = k_inf;
    return r;
  }
  const double root = std::sqrt(std::max(0.0, qb * qb - qa * qc));
  r.lo = (qb - root) / qa - 1.0;
  r.hi = (qb + root) / qa - 1.0;
  return r;
}

} // namespace zkbench::stats

namespace zkbench::stats {

std::optional<PredictionInterval> prediction_interval(std::span<const double> sample, double confidence) {
  if (sample.size() < 2 || !(confidence > 0.0 && confidence < 1.0)) {
    return std::nullopt;
  }
  const double n = static_cast<double>(sample.size());
  const double t = student_t_quantile(0.5 + confidence / 2.0, n - 1.0);
  const double half = t * stddev(sample) * std::sqrt(1.0 + 1.0 / n);
  const double m = mean(sample);
  return PredictionInterval{m - half, m + half};
}

} // namespace zkbench::stats
