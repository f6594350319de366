// CSV and Markdown exports, and the terminal summary, on benchmarks with known figures.
#include <gtest/gtest.h>

#include <cmath>

#include "report/exporter.hpp"
#include "report/summary.hpp"
#include "report/terminal.hpp"

namespace zkbench::report {
namespace {

core::Benchmark bench_with(const std::string& command, std::vector<double> walls) {
  core::Benchmark bench;
  bench.command = command;
  for (std::size_t i = 0; i < walls.size(); ++i) {
    core::Run run;
    run.index = static_cast<int>(i);
    run.wall_s = walls[i];
    run.exit_code = 0;
    bench.runs.push_back(run);
  }
  return bench;
}

TEST(ReportExporters, csv_has_hyperfine_columns_and_parameters) {
  auto a = bench_with("sleep 0.1", {0.1, 0.3});
  a.parameters = {{"n", "1"}};
  const std::vector<core::Benchmark> benches = {a};
  const std::string csv = make_csv_exporter()->serialize(benches, TimeUnit::automatic);
  EXPECT_EQ(csv, "command,mean,stddev,median,user,system,min,max,parameter_n\n"
                 "sleep 0.1,0.2,0.1414213562373095,0.2,0,0,0.1,0.3,1\n");
}

TEST(ReportExporters, csv_quotes_commands_with_commas) {
  const std::vector<core::Benchmark> benches = {bench_with("echo a,b", {1.0})};
  const std::string csv = make_csv_exporter()->serialize(benches, TimeUnit::automatic);
  EXPECT_NE(csv.find("\n\"echo a,b\","), std::string::npos);
}

TEST(ReportExporters, markdown_is_hyperfines_table_with_relative_speed) {
  const std::vector<core::Benchmark> benches = {bench_with("fast", {0.1, 0.1}), bench_with("slow", {0.2, 0.2})};
  const std::string md = make_markdown_exporter()->serialize(benches, TimeUnit::automatic);
  EXPECT_EQ(md, "| Command | Mean [ms] | Min [ms] | Max [ms] | Relative |\n"
                "|:---|---:|---:|---:|---:|\n"
                "| `fast` | 100.0 ± 0.0 | 100.0 | 100.0 | 1.00 |\n"
                "| `slow` | 200.0 ± 0.0 | 200.0 | 200.0 | 2.00 ± 0.00 |\n");
  const std::string seconds = make_markdown_exporter()->serialize(benches, TimeUnit::second);
  EXPECT_NE(seconds.find("| `fast` | 0.100 ± 0.000 | 0.100 | 0.100 | 1.00 |"), std::string::npos);
}

TEST(ReportExporters, relative_speed_propagates_errors_like_hyperfine) {
  const std::vector<core::Benchmark> benches = {bench_with("b", {2.0, 4.0}), bench_with("a", {1.0, 1.0, 1.0})};
  std::vector<BenchmarkSummary> summaries = {summarize_benchmark(benches[0]), summarize_benchmark(benches[1])};
  const auto speeds = relative_speeds(summaries);
  ASSERT_EQ(speeds.size(), 2u);
  EXPECT_TRUE(speeds[1].base);
  EXPECT_DOUBLE_EQ(speeds[0].ratio, 3.0);
  // sigma_b / mean_b = sqrt(2) / 3; the fastest has no spread.
  EXPECT_DOUBLE_EQ(*speeds[0].ratio_stddev, 3.0 * (std::sqrt(2.0) / 3.0));
  const std::string text = format_relative_summary(benches);
  EXPECT_EQ(text, "Summary\n  a ran\n    3.00 ± 1.41 times faster than b\n");
}

TEST(ReportExporters, relative_summary_against_a_reference_says_slower_and_faster_like_hyperfine) {
  const std::vector<core::Benchmark> benches = {bench_with("ref", {2.0, 2.0}), bench_with("one", {1.0, 1.0}),
                                                bench_with("three", {3.0, 3.0}), bench_with("same", {2.0, 2.0})};
  EXPECT_EQ(format_relative_summary(benches, 0),
            "Summary\n  ref ran\n    2.00 ± 0.00 times slower than one\n    As fast (1.00 ± 0.00) as same\n"
            "    1.50 ± 0.00 times faster than three\n");
}

TEST(ReportExporters, sort_by_command_prints_hyperfines_relative_speed_table) {
  const std::vector<core::Benchmark> benches = {bench_with("sleep 2", {2.0, 2.0}), bench_with("sleep 1", {1.0, 1.0})};
  EXPECT_EQ(format_relative_summary(benches, std::nullopt, SortOrder::command),
            "Relative speed comparison\n        2.00 ±  0.00  sleep 2\n        1.00          sleep 1\n");
  EXPECT_EQ(parse_sort_order("mean-time"), SortOrder::mean_time);
  EXPECT_FALSE(parse_sort_order("size").has_value());
}

TEST(ReportExporters, asciidoc_and_orgmode_tables_follow_hyperfines_markup) {
  const std::vector<core::Benchmark> benches = {bench_with("slow", {0.2, 0.2}), bench_with("a|b", {0.1, 0.1})};
  EXPECT_EQ(make_asciidoc_exporter()->serialize(benches, TimeUnit::automatic),
            "[cols=\"<,>,>,>,>\"]\n|===\n| Command \n| Mean [ms] \n| Min [ms] \n| Max [ms] \n| Relative \n"
            "\n| `slow` \n| 200.0 ± 0.0 \n| 200.0 \n| 200.0 \n| 2.00 ± 0.00 \n"
            "\n| `a\\|b` \n| 100.0 ± 0.0 \n| 100.0 \n| 100.0 \n| 1.00 \n|===\n");
  // --sort=mean-time orders the rows by mean.
  EXPECT_EQ(make_orgmode_exporter({SortOrder::mean_time, std::nullopt})->serialize(benches, TimeUnit::automatic),
            "| Command  |  Mean [ms] |  Min [ms] |  Max [ms] |  Relative |\n|--+--+--+--+--|\n"
            "| =a\\|b=  |  100.0 ± 0.0 |  100.0 |  100.0 |  1.00 |\n"
            "| =slow=  |  200.0 ± 0.0 |  200.0 |  200.0 |  2.00 ± 0.00 |\n");
}

TEST(ReportExporters, terminal_summary_shows_hyperfine_lines_and_metrics) {
  auto bench = bench_with("prove", {0.1, 0.11, 0.09, 0.1, 0.105, 0.095, 0.1, 0.1, 0.1, 5.0});
  for (auto& run : bench.runs) {
    run.metrics["steps"] = 1234567.0;
    run.peak_rss_bytes = 3 << 20;
  }
  bench.runs[9].status = core::RunStatus::timed_out;
  const std::string text = format_benchmark_summary(bench, TimeUnit::millisecond);
  EXPECT_NE(text.find("  Time (mean ± σ):  "), std::string::npos) << text;
  EXPECT_NE(text.find("Range (min … max):    90.0 ms … 5000.0 ms    10 runs"), std::string::npos) << text;
  EXPECT_NE(text.find("steps: median 1,234,567 (min 1,234,567 … max 1,234,567)"), std::string::npos) << text;
  EXPECT_NE(text.find("Peak memory: 3.0 MiB"), std::string::npos) << text;
  EXPECT_NE(text.find("Timed out: 1 of 10 runs"), std::string::npos) << text;
  EXPECT_NE(text.find("Statistical outliers were detected"), std::string::npos) << text;
  EXPECT_NE(text.find("coefficient of variation"), std::string::npos) << text;
}

TEST(ReportExporters, metric_values_get_thousands_separators) {
  EXPECT_EQ(format_metric_value(1234567), "1,234,567");
  EXPECT_EQ(format_metric_value(-1000), "-1,000");
  EXPECT_EQ(format_metric_value(999), "999");
  EXPECT_EQ(format_metric_value(0.125), "0.125");
}

TEST(ReportExporters, check_writable_rejects_missing_folders) {
  auto result = check_writable("/nonexistent-folder/out.json");
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("cannot write '/nonexistent-folder/out.json'"), std::string::npos);
}

} // namespace
} // namespace zkbench::report
