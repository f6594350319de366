// JSON export and import: hyperfine's fixtures read back with their exact figures, our export carries
// every key of hyperfine's schema with the same types, and export -> import is lossless.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report/exporter.hpp"
#include "report/json_import.hpp"
#include "stats/descriptive.hpp"
#include "support/fixtures.hpp"

namespace zkbench::report {
namespace {

using nlohmann::json;

const std::vector<std::string> k_fixtures = {"true_N.json", "true_shell.json", "param_scan_N.json",
                                             "multi_cmd_ignore_failure.json"};

json load_fixture(const std::string& name) {
  return json::parse(test::read_file(test::fixture_path("hyperfine/" + name)));
}

core::Benchmark sample_benchmark() {
  core::Benchmark bench;
  bench.command = "prove --block {n}";
  bench.name = "prove";
  bench.parameters = {{"n", "3"}};
  const double walls[] = {1.5, 1.25, 2.0};
  for (int i = 0; i < 3; ++i) {
    core::Run run;
    run.index = i;
    run.wall_s = walls[i];
    run.user_s = 0.5;
    run.system_s = 0.25;
    run.peak_rss_bytes = 300000000 + i;
    run.exit_code = 0;
    run.metrics["steps"] = 1234567.0 + i;
    bench.runs.push_back(run);
  }
  bench.runs[1].metrics["steps"] = std::nullopt;
  bench.runs[2].status = core::RunStatus::timed_out;
  bench.runs[2].exit_code.reset();
  bench.runs[2].signal = 9;
  return bench;
}

TEST(ReportJson, imports_hyperfine_fixtures_with_exact_figures) {
  for (const std::string& name : k_fixtures) {
    const json file = load_fixture(name);
    auto imported = read_results_json(test::fixture_path("hyperfine/" + name));
    ASSERT_TRUE(imported) << imported.error().message;
    ASSERT_EQ(imported->size(), file["results"].size()) << name;
    for (std::size_t b = 0; b < imported->size(); ++b) {
      const json& result = file["results"][b];
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

TEST(ReportJson, imports_parameters_and_failing_exit_codes) {
  auto scan = read_results_json(test::fixture_path("hyperfine/param_scan_N.json"));
  ASSERT_TRUE(scan);
  ASSERT_EQ(scan->size(), 3u);
  EXPECT_EQ((*scan)[2].parameters.at("n"), "3");
  auto multi = read_results_json(test::fixture_path("hyperfine/multi_cmd_ignore_failure.json"));
  ASSERT_TRUE(multi);
  EXPECT_EQ((*multi)[1].command, "false");
  EXPECT_EQ((*multi)[1].runs[0].status, core::RunStatus::failed);
  EXPECT_EQ((*multi)[0].runs[0].status, core::RunStatus::success);
}

TEST(ReportJson, reads_hyperfine_1_20_memory_usage) {
  auto parsed = parse_results_json(
      R"({"results":[{"command":"x","times":[0.5,0.75],"exit_codes":[0,null],"memory_usage_byte":[1024,2048]}]})",
      "<test>");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ((*parsed)[0].runs[1].peak_rss_bytes, 2048);
  EXPECT_EQ((*parsed)[0].runs[1].status, core::RunStatus::signaled);
}

TEST(ReportJson, export_has_every_key_of_the_hyperfine_schema_with_its_type) {
  const std::vector<core::Benchmark> benches = {sample_benchmark()};
  const json exported = json::parse(make_json_exporter()->serialize(benches, TimeUnit::automatic));
  ASSERT_TRUE(exported["results"].is_array());
  const json& ours = exported["results"][0];
  for (const std::string& name : k_fixtures) {
    for (const json& theirs : load_fixture(name)["results"]) {
      for (const auto& [key, value] : theirs.items()) {
        ASSERT_TRUE(ours.contains(key)) << key << " of " << name;
        EXPECT_EQ(ours[key].type_name(), std::string(value.type_name())) << key;
        if (value.is_array() && !value.empty()) {
          EXPECT_TRUE(ours[key][0].is_number()) << key;
        }
      }
    }
  }
  EXPECT_TRUE(ours["exit_codes"][2].is_null()); // the timed-out run was killed by a signal
  EXPECT_EQ(ours["timed_out"], json::array({false, false, true}));
  EXPECT_TRUE(ours["metrics"]["steps"][1].is_null());
  EXPECT_EQ(ours["memory_usage_byte"][0].get<std::int64_t>(), 300000000);
  EXPECT_EQ(ours["command"], "prove");
  EXPECT_EQ(ours["median"].get<double>(), 1.5);
}

TEST(ReportJson, export_then_import_round_trips) {
  const std::vector<core::Benchmark> benches = {sample_benchmark()};
  auto back = parse_results_json(make_json_exporter()->serialize(benches, TimeUnit::automatic), "<export>");
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(back->size(), 1u);
  const core::Benchmark& original = benches[0];
  const core::Benchmark& read = (*back)[0];
  EXPECT_EQ(read.command, original.command);
  EXPECT_EQ(read.name, original.name);
  EXPECT_EQ(read.parameters, original.parameters);
  ASSERT_EQ(read.runs.size(), original.runs.size());
  for (std::size_t i = 0; i < read.runs.size(); ++i) {
    EXPECT_EQ(read.runs[i].wall_s, original.runs[i].wall_s);
    EXPECT_EQ(read.runs[i].status, original.runs[i].status);
    EXPECT_EQ(read.runs[i].exit_code, original.runs[i].exit_code);
    EXPECT_EQ(read.runs[i].peak_rss_bytes, original.runs[i].peak_rss_bytes);
    EXPECT_EQ(read.runs[i].metrics, original.runs[i].metrics);
  }
}

TEST(ReportJson, import_errors_say_where) {
  auto bad = parse_results_json(R"({"results":[{"command":"x","times":[1,"a"]}]})", "f.json");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "f.json: results[0].times[1]: expected a number");
  auto mismatch = parse_results_json(R"({"results":[{"command":"x","times":[1],"exit_codes":[0,0]}]})", "f.json");
  ASSERT_FALSE(mismatch);
  EXPECT_NE(mismatch.error().message.find("results[0].exit_codes"), std::string::npos);
  EXPECT_FALSE(parse_results_json("{", "f.json"));
  EXPECT_FALSE(read_results_json("/nonexistent/x.json"));
}

} // namespace
} // namespace zkbench::report
