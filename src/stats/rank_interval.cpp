#include "stats/rank_interval.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <tuple>
#include <utility>
#include <vector>

#include "stats/descriptive.hpp"
#include "stats/inference.hpp"

namespace zkbench::stats {

namespace {

constexpr double k_inf = std::numeric_limits<double>::infinity();

// P(U <= u) for u = 0 .. n*m of the Mann–Whitney count U under the null (no ties), by the recursion
// P_{i,j}(u) = i/(i+j) P_{i-1,j}(u - j) + j/(i+j) P_{i,j-1}(u) (the last of the i + j values is a y or an x).
std::vector<double> mann_whitney_cdf(std::size_t n, std::size_t m) {
  // table[i][j]: the distribution for sizes i, j (vectors of i*j + 1 probabilities), built row by row.
  std::vector<std::vector<double>> previous(m + 1);
  std::vector<std::vector<double>> current(m + 1);
  for (std::size_t j = 0; j <= m; ++j) {
    previous[j] = {1.0}; // i = 0: U = 0 surely
  }
  for (std::size_t i = 1; i <= n; ++i) {
    current[0] = {1.0};
    for (std::size_t j = 1; j <= m; ++j) {
      std::vector<double> p(i * j + 1, 0.0);
      const double wi = static_cast<double>(i) / static_cast<double>(i + j);
      const double wj = 1.0 - wi;
      const std::vector<double>& a = previous[j]; // sizes (i - 1, j): the last value is an x, above j y's
      const std::vector<double>& b = current[j - 1]; // sizes (i, j - 1): the last value is a y
      for (std::size_t u = 0; u < a.size(); ++u) {
        p[u + j] += wi * a[u];
      }
      for (std::size_t u = 0; u < b.size(); ++u) {
        p[u] += wj * b[u];
      }
      current[j] = std::move(p);
    }
    std::swap(previous, current);
  }
  std::vector<double> cdf = previous[m];
  for (std::size_t u = 1; u < cdf.size(); ++u) {
    cdf[u] += cdf[u - 1];
  }
  return cdf;
}

// P(W+ <= w) for w = 0 .. n(n+1)/2 of the Wilcoxon signed-rank statistic under the null.
std::vector<double> signed_rank_cdf(std::size_t n) {
  std::vector<double> p{1.0};
  for (std::size_t r = 1; r <= n; ++r) {
    std::vector<double> next(p.size() + r, 0.0);
    for (std::size_t w = 0; w < p.size(); ++w) {
      next[w] += 0.5 * p[w];
      next[w + r] += 0.5 * p[w];
    }
    p = std::move(next);
  }
  for (std::size_t w = 1; w < p.size(); ++w) {
    p[w] += p[w - 1];
  }
  return p;
}

// The exact null CDFs, each computed once per process: the kinds of rank count and their sizes.
enum class NullKind { mann_whitney, signed_rank, trimmed };

template <typename Build>
const std::vector<double>& cached_cdf(NullKind kind, std::size_t a, std::size_t b, Build build) {
  static std::mutex mutex;
  static std::map<std::tuple<NullKind, std::size_t, std::size_t>, std::vector<double>> cache;
  const std::lock_guard<std::mutex> lock(mutex);
  auto found = cache.find({kind, a, b});
  if (found == cache.end()) {
    found = cache.emplace(std::make_tuple(kind, a, b), build()).first;
  }
  return found->second;
}

// The cached exact null CDF for (n, m) (paired: of n pairs).
const std::vector<double>& null_cdf(std::size_t n, std::size_t m, bool paired) {
  if (paired) {
    return cached_cdf(NullKind::signed_rank, n, 0, [n] { return signed_rank_cdf(n); });
  }
  const std::size_t lo = std::min(n, m);
  const std::size_t hi = std::max(n, m);
  return cached_cdf(NullKind::mann_whitney, lo, hi, [lo, hi] { return mann_whitney_cdf(lo, hi); });
}

// P(T <= t) for t = 0 .. kept^2, T the number of (kept x, kept y) pairs in which the y comes first when
// the 2n values of two exchangeable samples of n are put in order (every one of the C(2n, n) orders of the
// labels equally likely) and only the `kept` first of each label count. Counted forward over the orders'
// prefixes: (i x's, j y's so far) -> an x that is kept adds the kept y's before it, min(j, kept).
std::vector<double> trimmed_cdf(std::size_t n, std::size_t kept) {
  const std::size_t top = kept * kept;
  // row[j]: counts of the prefixes with i x's and j y's, by T so far
  std::vector<std::vector<double>> row(n + 1, std::vector<double>(top + 1, 0.0));
  row[0][0] = 1.0;
  for (std::size_t i = 0; i <= n; ++i) {
    for (std::size_t j = 1; j <= n; ++j) { // a y last: T unchanged
      for (std::size_t t = 0; t <= top; ++t) {
        row[j][t] += row[j - 1][t];
      }
    }
    if (i == n) {
      break;
    }
    std::vector<std::vector<double>> next(n + 1, std::vector<double>(top + 1, 0.0));
    for (std::size_t j = 0; j <= n; ++j) { // an x last: the (i+1)-th x
      const std::size_t add = i < kept ? std::min(j, kept) : 0;
      for (std::size_t t = 0; t + add <= top; ++t) {
        next[j][t + add] += row[j][t];
      }
    }
    row = std::move(next);
  }
  std::vector<double> cdf = row[n];
  double total = 0;
  for (const double c : cdf) {
    total += c;
  }
  double sum = 0;
  for (double& c : cdf) {
    sum += c;
    c = sum / total;
  }
  return cdf;
}

const std::vector<double>& trimmed_null_cdf(std::size_t n, std::size_t kept) {
  return cached_cdf(NullKind::trimmed, n, kept, [n, kept] { return trimmed_cdf(n, kept); });
}

// The largest k with P(T <= k - 1) <= level on a cached null CDF, at most half the cells.
std::size_t rank_from_cdf(const std::vector<double>& cdf, std::size_t cells, double level) {
  std::size_t k = 0;
  while (k < cdf.size() && cdf[k] <= level * (1.0 + 1e-12)) {
    ++k;
  }
  return std::min(k, (cells + 1) / 2);
}

// The order statistic of the bounds: the largest k with P(T <= k - 1) <= level, T the rank statistic
// on 0 .. cells with the given null mean and variance (normal approximation beyond the exact range).
std::size_t bound_rank(std::size_t n, std::size_t m, bool paired, std::size_t cells, double level) {
  if (cells <= k_exact_rank_cells) {
    return rank_from_cdf(null_cdf(n, m, paired), cells, level);
  }
  const double nn = static_cast<double>(n);
  const double mm = static_cast<double>(m);
  const double mean = static_cast<double>(cells) / 2.0;
  const double var = paired ? nn * (nn + 1) * (2 * nn + 1) / 24.0 : nn * mm * (nn + mm + 1) / 12.0;
  const double k = std::floor(mean + normal_quantile(level) * std::sqrt(var) + 0.5);
  return k <= 0 ? 0 : std::min(static_cast<std::size_t>(k), (cells + 1) / 2);
}

bool all_finite(std::span<const double> xs) {
  return std::all_of(xs.begin(), xs.end(), [](double x) { return std::isfinite(x); });
}

ShiftInterval interval_of(std::vector<double>& d, std::size_t k) {
  std::sort(d.begin(), d.end());
  ShiftInterval out;
  out.estimate = median(d);
  out.lo = k >= 1 ? d[k - 1] : -k_inf;
  out.hi = k >= 1 ? d[d.size() - k] : k_inf;
  return out;
}

} // namespace

std::optional<ShiftInterval> hodges_lehmann_unpaired(std::span<const double> x, std::span<const double> y,
                                                     double level) {
  if (x.empty() || y.empty() || !all_finite(x) || !all_finite(y)) {
    return std::nullopt;
  }
  std::vector<double> d;
  d.reserve(x.size() * y.size());
  for (const double b : x) {
    for (const double c : y) {
      d.push_back(c - b);
    }
  }
  const std::size_t k = bound_rank(x.size(), y.size(), false, d.size(), level);
  return interval_of(d, k);
}

std::optional<ShiftInterval> hodges_lehmann_paired(std::span<const double> x, std::span<const double> y,
                                                   double level) {
  const std::size_t n = std::min(x.size(), y.size());
  if (n == 0 || !all_finite(x.first(n)) || !all_finite(y.first(n))) {
    return std::nullopt;
  }
  std::vector<double> diff(n);
  for (std::size_t i = 0; i < n; ++i) {
    diff[i] = y[i] - x[i];
  }
  std::vector<double> walsh;
  walsh.reserve(n * (n + 1) / 2);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i; j < n; ++j) {
      walsh.push_back((diff[i] + diff[j]) / 2.0);
    }
  }
  const std::size_t k = bound_rank(n, n, true, walsh.size(), level);
  return interval_of(walsh, k);
}

std::optional<ShiftInterval> hodges_lehmann_trimmed(std::span<const double> x, std::span<const double> y,
                                                    std::size_t kept, double level) {
  const std::size_t n = std::min(x.size(), y.size());
  if (n == 0 || kept == 0 || kept > n || !all_finite(x.first(n)) || !all_finite(y.first(n))) {
    return std::nullopt;
  }
  std::vector<double> fast_x(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(n));
  std::vector<double> fast_y(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(n));
  std::sort(fast_x.begin(), fast_x.end());
  std::sort(fast_y.begin(), fast_y.end());
  std::vector<double> d;
  d.reserve(kept * kept);
  for (std::size_t i = 0; i < kept; ++i) {
    for (std::size_t j = 0; j < kept; ++j) {
      d.push_back(fast_y[j] - fast_x[i]);
    }
  }
  // The counts of the differences below a shift are T's under the null (and, the two labels swapped, the
  // counts above it too: the distribution is symmetric for equal sizes).
  const std::size_t k = rank_from_cdf(trimmed_null_cdf(n, kept), d.size(), level);
  return interval_of(d, k);
}

double smallest_trimmed_level(std::size_t n, std::size_t kept) {
  if (kept == 0 || kept > n) {
    return 1.0;
  }
  // C(2n - kept, n - kept) / C(2n, n) = prod_{i=0}^{kept-1} (n - i) / (2n - i)
  double p = 1.0;
  for (std::size_t i = 0; i < kept; ++i) {
    p *= static_cast<double>(n - i) / static_cast<double>(2 * n - i);
  }
  return p;
}

double smallest_rank_level(std::size_t n, std::size_t m, bool paired) {
  if (paired) {
    return std::pow(0.5, static_cast<double>(std::min(n, m)));
  }
  // 1 / C(n + m, n), as a product to stay finite for large sizes
  double p = 1.0;
  for (std::size_t i = 1; i <= std::min(n, m); ++i) {
    p *= static_cast<double>(i) / static_cast<double>(std::max(n, m) + i);
  }
  return p;
}

} // namespace zkbench::stats
