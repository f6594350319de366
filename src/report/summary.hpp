#pragma once
// The figures zkbench reports for a benchmark (terminal, --json, exports), computed once from its runs,
// and hyperfine's relative speed between benchmarks. Pure: no I/O.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/run.hpp"
#include "stats/descriptive.hpp"

namespace zkbench::report {

/// CV above this gets a warning (the workflow's baseline requirement: CV < 10%).
constexpr double k_high_cv = 0.10;

/// Outliers are only looked for from this many runs on.
constexpr std::size_t k_min_runs_for_outliers = 5;

struct MetricSummary {
  std::string name;
  stats::Summary summary; // over the runs where the metric was present
  std::size_t missing = 0; // runs where it was not
};

struct BenchmarkSummary {
  stats::Summary wall;          // over every kept run, timed-out ones included (as their time is a bound)
  double user_mean = 0;
  double system_mean = 0;
  std::int64_t peak_rss_max_bytes = 0; // the largest per-run peak; 0 when unknown
  std::size_t timed_out = 0;
  std::size_t failed = 0;       // non-zero exit or signal (timeouts not included)
  std::size_t outliers = 0;     // |modified Z-score| > 3.5 on wall times (from k_min_runs_for_outliers runs)
  std::vector<MetricSummary> metrics;

  bool high_cv() const { return wall.n >= 2 && wall.cv > k_high_cv; }
};

BenchmarkSummary summarize_benchmark(const core::Benchmark& bench);

/// One benchmark's speed against the base (the fastest by mean, or the --reference), as hyperfine:
/// ratio = mean / base mean, its uncertainty by error propagation (independent variables):
/// ratio * sqrt((σ/mean)² + (σ_base/mean_base)²)
/// (https://en.wikipedia.org/wiki/Propagation_of_uncertainty#Example_formulas).
struct RelativeSpeed {
  std::size_t index = 0;
  double ratio = 1;
  std::optional<double> ratio_stddev; // nullopt when either side has fewer than two runs
  bool base = false;                  // the benchmark the others are compared with
};

/// Relative speeds of every benchmark with runs (input order) against `reference` (an index into
/// `summaries`) or, when nullopt or it has no runs, the fastest; empty when fewer than two have runs or
/// the base's mean is 0.
std::vector<RelativeSpeed> relative_speeds(std::span<const BenchmarkSummary> summaries,
                                           std::optional<std::size_t> reference = std::nullopt);

/// hyperfine's --sort: the order of the speed comparison and of markup tables. `automatic`: the comparison
/// by mean time, tables in input order.
enum class SortOrder { automatic, command, mean_time };

/// "auto", "command", "mean-time"; nullopt for anything else.
std::optional<SortOrder> parse_sort_order(std::string_view text);

} // namespace zkbench::report
