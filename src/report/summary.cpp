#include "report/summary.hpp"

#include <algorithm>
#include <cmath>

namespace zkbench::report {

BenchmarkSummary summarize_benchmark(const core::Benchmark& bench) {
  BenchmarkSummary out;
  const auto walls = bench.wall_times();
  out.wall = stats::summarize(walls);
  const auto users = bench.user_times();
  const auto systems = bench.system_times();
  out.user_mean = users.empty() ? 0 : stats::mean(users);
  out.system_mean = systems.empty() ? 0 : stats::mean(systems);
  // With fewer runs the median and MAD are too rough for a modified Z-score to single out anything.
  out.outliers = walls.size() >= k_min_runs_for_outliers ? stats::count_outliers(walls) : 0;
  for (const core::Run& run : bench.runs) {
    out.peak_rss_max_bytes = std::max(out.peak_rss_max_bytes, run.peak_rss_bytes);
    if (run.timed_out()) {
      ++out.timed_out;
    } else if (!run.succeeded()) {
      ++out.failed;
    }
  }
  for (const std::string& name : bench.metric_names()) {
    MetricSummary metric;
    metric.name = name;
    const auto values = bench.metric_values(name);
    metric.summary = stats::summarize(values);
    metric.missing = bench.runs.size() - values.size();
    out.metrics.push_back(std::move(metric));
  }
  return out;
}

std::vector<RelativeSpeed> relative_speeds(std::span<const BenchmarkSummary> summaries,
                                           std::optional<std::size_t> reference) {
  std::optional<std::size_t> fastest;
  std::size_t with_runs = 0;
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    if (summaries[i].wall.n == 0) {
      continue;
    }
    ++with_runs;
    if (!fastest || summaries[i].wall.mean < summaries[*fastest].wall.mean) {
      fastest = i;
    }
  }
  if (with_runs < 2) {
    return {};
  }
  const std::size_t base_index =
      reference && *reference < summaries.size() && summaries[*reference].wall.n > 0 ? *reference : *fastest;
  const stats::Summary& base = summaries[base_index].wall;
  if (!(base.mean > 0)) {
    return {};
  }
  std::vector<RelativeSpeed> out;
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    const stats::Summary& s = summaries[i].wall;
    if (s.n == 0) {
      continue;
    }
    RelativeSpeed speed;
    speed.index = i;
    speed.base = i == base_index;
    speed.ratio = s.mean / base.mean;
    if (s.n >= 2 && base.n >= 2 && s.mean > 0) {
      speed.ratio_stddev =
          speed.ratio * std::sqrt(std::pow(s.stddev / s.mean, 2) + std::pow(base.stddev / base.mean, 2));
    }
    out.push_back(speed);
  }
  return out;
}

std::optional<SortOrder> parse_sort_order(std::string_view text) {
  if (text == "auto") {
    return SortOrder::automatic;
  }
  if (text == "command") {
    return SortOrder::command;
  }
  if (text == "mean-time") {
    return SortOrder::mean_time;
  }
  return std::nullopt;
}

} // namespace zkbench::report
