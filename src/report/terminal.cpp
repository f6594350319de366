#include "report/terminal.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "report/figures.hpp"
#include "report/summary.hpp"
#include "util/strings.hpp"

namespace zkbench::report {

std::string format_benchmark_header(std::size_t index, const core::Benchmark& bench) {
  return fmt::format("Benchmark {}: {}", index + 1, bench.display_name());
}

std::string format_metric_value(double value) {
  return std::isfinite(value) ? format_metric("", value) : "n/a";
}

std::string format_benchmark_summary(const core::Benchmark& bench, TimeUnit unit) {
  const BenchmarkSummary s = summarize_benchmark(bench);
  if (s.wall.n == 0) {
    return "  No runs were kept.\n";
  }
  // One unit for the block, chosen from the mean (hyperfine does the same).
  const TimeUnit u = resolve_unit(unit, s.wall.mean);
  const auto t = [u](double seconds) { return format_time(seconds, u); };
  std::string out;
  if (s.wall.n >= 2) {
    out += fmt::format("  Time (mean ± σ):     {:>8} ± {:>8}    [User: {}, System: {}]\n", t(s.wall.mean),
                       t(s.wall.stddev), t(s.user_mean), t(s.system_mean));
  } else {
    out += fmt::format("  Time (abs ≡):        {:>8}               [User: {}, System: {}]\n", t(s.wall.mean),
                       t(s.user_mean), t(s.system_mean));
  }
  out += fmt::format("  Range (min … max):   {:>8} … {:>8}    {} run{}\n", t(s.wall.min), t(s.wall.max), s.wall.n,
                     s.wall.n == 1 ? "" : "s");
  std::string extra = fmt::format("  Median: {}, CV: {:.1f}%", t(s.wall.median), s.wall.n >= 2 ? s.wall.cv * 100 : 0.0);
  if (s.peak_rss_max_bytes > 0) {
    extra += ", Peak memory: " + util::format_bytes(static_cast<double>(s.peak_rss_max_bytes));
  }
  out += extra + "\n";
  for (const MetricSummary& metric : s.metrics) {
    if (metric.summary.n == 0) {
      out += fmt::format("  {}: missing in every run\n", metric.name);
      continue;
    }
    out += fmt::format("  {}: median {} (min {} … max {})", metric.name, format_metric_value(metric.summary.median),
                       format_metric_value(metric.summary.min), format_metric_value(metric.summary.max));
    out += metric.missing > 0 ? fmt::format(", missing in {} of {} runs\n", metric.missing, s.wall.n) : "\n";
  }
  if (s.timed_out > 0) {
    out += fmt::format("  Timed out: {} of {} runs (their time is the limit, a lower bound)\n", s.timed_out, s.wall.n);
  }
  if (s.failed > 0) {
    out += fmt::format("  Failed: {} of {} runs (non-zero exit code or signal)\n", s.failed, s.wall.n);
  }
  if (s.outliers > 0) {
    out += fmt::format("\n  Warning: Statistical outliers were detected ({} of {} runs). Consider re-running this "
                       "benchmark on a quiet system without any interferences from other programs. It might help "
                       "to use the '--warmup' or '--prepare' options.\n",
                       s.outliers, s.wall.n);
  }
  if (s.high_cv()) {
    out += fmt::format("\n  Warning: The coefficient of variation is {:.1f}% (above {:.0f}%): the runs vary too much "
                       "for small differences to be trusted.\n",
                       s.wall.cv * 100, k_high_cv * 100);
  }
  return out;
}

namespace {

// hyperfine's factor between a benchmark and the base: always >= 1, with which way it goes.
struct Comparison {
  double factor = 1;
  std::optional<double> stddev;
  int order = 0; // -1: the benchmark is faster than the base, 1: slower, 0: same mean
};

Comparison compare_with_base(const RelativeSpeed& speed) {
  Comparison c;
  c.order = speed.ratio < 1 ? -1 : speed.ratio > 1 ? 1 : 0;
  c.factor = c.order < 0 ? 1 / speed.ratio : speed.ratio;
  if (speed.ratio_stddev) { // the same relative error propagated to the inverted ratio
    c.stddev = c.factor * (*speed.ratio_stddev / speed.ratio);
  }
  return c;
}

} // namespace

std::string format_relative_summary(std::span<const core::Benchmark> benchmarks, std::optional<std::size_t> reference,
                                    SortOrder sort) {
  std::vector<BenchmarkSummary> summaries;
  for (const core::Benchmark& bench : benchmarks) {
    summaries.push_back(summarize_benchmark(bench));
  }
  auto speeds = relative_speeds(summaries, reference);
  if (speeds.empty()) {
    return {};
  }
  const std::size_t base_index =
      std::find_if(speeds.begin(), speeds.end(), [](const RelativeSpeed& s) { return s.base; })->index;
  const auto name = [&](const RelativeSpeed& speed) { return benchmarks[speed.index].display_name(); };
  if (sort == SortOrder::command) { // hyperfine's table: one line per benchmark in input order
    std::string out = "Relative speed comparison\n";
    for (const RelativeSpeed& speed : speeds) {
      const Comparison c = compare_with_base(speed);
      const std::string stddev = !speed.base && c.stddev ? fmt::format(" ± {:5.2f}", *c.stddev) : std::string(8, ' ');
      out += fmt::format("  {:10.2f}{}  {}\n", c.factor, stddev, name(speed));
    }
    return out;
  }
  std::stable_sort(speeds.begin(), speeds.end(),
                   [](const RelativeSpeed& a, const RelativeSpeed& b) { return a.ratio < b.ratio; });
  std::string out = fmt::format("Summary\n  {} ran\n", benchmarks[base_index].display_name());
  for (const RelativeSpeed& speed : speeds) {
    if (speed.base) {
      continue;
    }
    const Comparison c = compare_with_base(speed);
    const std::string stddev = c.stddev ? fmt::format(" ± {:.2f}", *c.stddev) : std::string();
    if (c.order == 0) {
      out += fmt::format("    As fast ({:.2f}{}) as {}\n", c.factor, stddev, name(speed));
    } else {
      out += fmt::format("{:8.2f}{} times {} than {}\n", c.factor, stddev, c.order > 0 ? "faster" : "slower",
                         name(speed));
    }
  }
  return out;
}

} // namespace zkbench::report
