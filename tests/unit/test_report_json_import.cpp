#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report/json_import.hpp"
#include "stats/descriptive.hpp"
#include "support/fixtures.hpp"

using namespace zkbench;

TEST(ReportJsonImport, reads_hyperfine_exit_codes_as_run_status) {
  const auto b = report::read_results_json(test::fixture_path("hyperfine/multi_cmd_ignore_failure.json"));
  ASSERT_TRUE(b.has_value()) << b.error().message;
  ASSERT_EQ(b->size(), 2u);
  EXPECT_EQ((*b)[0].runs.size(), 5u);
  EXPECT_TRUE((*b)[0].runs[0].succeeded());
  EXPECT_EQ((*b)[1].runs[0].status, core::RunStatus::failed);
  EXPECT_EQ((*b)[1].runs[0].exit_code, 1);
  EXPECT_DOUBLE_EQ((*b)[0].runs[0].wall_s, 0.000728077);
}

TEST(ReportJsonImport, reads_parameters_of_a_scan) {
  const auto b = report::read_results_json(test::fixture_path("hyperfine/param_scan_N.json"));
  ASSERT_TRUE(b.has_value());
  ASSERT_EQ(b->size(), 3u);
  EXPECT_EQ((*b)[0].parameters.at("n"), "1");
}

TEST(ReportJsonImport, reads_zkbench_metrics_and_timeouts) {
  const auto b = report::parse_results_json(
      R"({"results":[{"command":"emu","times":[1.0,2.0],"exit_codes":[0,null],"timed_out":[false,true],
          "memory_usage_byte":[100,200],"metrics":{"steps":[5,null]}}]})",
      "x.json");
  ASSERT_TRUE(b.has_value()) << b.error().message;
  const auto& runs = (*b)[0].runs;
  EXPECT_EQ(runs[0].metrics.at("steps"), 5.0);
  EXPECT_FALSE(runs[1].metrics.at("steps").has_value());
  EXPECT_TRUE(runs[1].timed_out());
  EXPECT_EQ(runs[1].peak_rss_bytes, 200);
}

TEST(ReportJsonImport, errors_say_where) {
  const auto bad = report::parse_results_json(R"({"results":[{"command":"a","times":[1,"x"]}]})", "r.json");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message, "r.json: results[0].times[1]: expected a number");
  const auto short_codes = report::parse_results_json(R"({"results":[{"command":"a","times":[1,2],"exit_codes":[0]}]})", "r.json");
  ASSERT_FALSE(short_codes.has_value());
  EXPECT_NE(short_codes.error().message.find("results[0].exit_codes"), std::string::npos);
  EXPECT_FALSE(report::parse_results_json("{", "r.json").has_value());
  EXPECT_FALSE(report::parse_results_json("[]", "r.json").has_value());
}

// Every figure of hyperfine's own files reads back exactly (times, exit codes), and the summary figures
// hyperfine computed agree with ours over the imported runs.

TEST(ReportJsonImport, imports_hyperfine_fixtures_with_exact_figures) {
  for (const std::string& name : test::k_hyperfine_fixtures) {
    const nlohmann::json file = nlohmann::json::parse(test::read_file(test::fixture_path(name)));
    auto imported = report::read_results_json(test::fixture_path(name));
    ASSERT_TRUE(imported) << imported.error().message;
    ASSERT_EQ(imported->size(), file["results"].size()) << name;
    for (std::size_t b = 0; b < imported->size(); ++b) {
      const nlohmann::json& result = file["results"][b];
      const core::Benchmark& bench = (*imported)[b];
      EXPECT_EQ(bench.command, result["command"].get<std::string>());
      const auto times = bench.wall_times();
      ASSERT_EQ(times.size(), result["times"].size());
      for (std::size_t i = 0; i < times.size(); ++i) {
        EXPECT_EQ(times[i], result["times"][i].get<double>()) << name << " run " << i;
        EXPECT_EQ(bench.runs[i].exit_code, result["exit_codes"][i].get<int>());
      }
      EXPECT_EQ(stats::median(times), result["median"].get<double>()) << name;
      EXPECT_EQ(stats::min(times), result["min"].get<double>()) << name;
      EXPECT_EQ(stats::max(times), result["max"].get<double>()) << name;
      EXPECT_NEAR(stats::mean(times), result["mean"].get<double>(), 1e-12 * result["mean"].get<double>() + 1e-18);
      EXPECT_NEAR(stats::stddev(times), result["stddev"].get<double>(), 1e-9 * result["stddev"].get<double>());
      EXPECT_DOUBLE_EQ(stats::mean(bench.user_times()), result["user"].get<double>());
    }
  }
}

TEST(ReportJsonImport, reads_hyperfine_1_20_memory_usage) {
  auto parsed = report::parse_results_json(
      R"({"results":[{"command":"x","times":[0.5,0.75],"exit_codes":[0,null],"memory_usage_byte":[1024,2048]}]})",
      "<test>");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ((*parsed)[0].runs[1].peak_rss_bytes, 2048);
  EXPECT_EQ((*parsed)[0].runs[1].status, core::RunStatus::signaled);
}


namespace {

std::string import_error(const std::string& times) {
  const auto b = report::parse_results_json(R"({"results":[{"command":"a","times":)" + times + "}]}", "x.json");
  return b ? std::string("(imported)") : b.error().message;
}

} // namespace

TEST(ReportJsonImport, impossible_times_are_refused_naming_the_file_and_the_value) {
  EXPECT_EQ(import_error("[0.5, -1.2]"),
            "x.json: results[0].times[1]: -1.2 is not a time (expected seconds: finite, not negative, at most 1e+09)");
  EXPECT_NE(import_error("[1e308, 1.7e308, 0.1]").find("results[0].times[0]: 1e+308 is not a time"), std::string::npos);
  EXPECT_EQ(import_error("[]"), "x.json: results[0].times: no time (at least one run is needed)");
  EXPECT_EQ(import_error("[0.0, 0.0]"), "x.json: results[0].times: every time is 0: nothing to compare");
  EXPECT_NE(import_error("[1e999]").find("x.json: invalid JSON: "), std::string::npos) << import_error("[1e999]");
  EXPECT_EQ(import_error("[0.0, 0.2]"), "(imported)") << "hyperfine writes 0.0 after its shell correction";
  const auto memory = report::parse_results_json(
      R"({"results":[{"command":"a","times":[1.0],"memory_usage_byte":[-5]}]})", "m.json");
  ASSERT_FALSE(memory);
  EXPECT_NE(memory.error().message.find("m.json: results[0].memory_usage_byte[0]"), std::string::npos);
}

TEST(ReportJsonImport, deep_nesting_stops_while_parsing) {
  // 10 MB of '[': parsed to the end before its error, this took ~370 MB (3.7 GB for the issue's 100 MB).
  std::string text(10'000'000, '[');
  const auto b = report::parse_results_json(text, "deep.json");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().message, "deep.json: nested more than 32 levels deep: not a hyperfine/zkbench export");
}
