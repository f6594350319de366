// JSON export: it carries every key of hyperfine's schema with the same types, and export -> import
// is lossless.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report/exporter.hpp"
#include "report/json_import.hpp"
#include "stats/descriptive.hpp"
#include "support/fixtures.hpp"

namespace zkbench::report {
namespace {

using nlohmann::json;


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
  bench.runs[0].containment = core::Containment::cgroup_v1;
  bench.runs[1].containment = core::Containment::process_group; // runs[2]: unknown
  bench.runs[0].cpu_wait_s = 0.125;
  bench.runs[1].cpu_wait_s = 0.0; // runs[2]: not known
  return bench;
}

TEST(ReportJsonExport, export_has_every_key_of_the_hyperfine_schema_with_its_type) {
  const std::vector<core::Benchmark> benches = {sample_benchmark()};
  const json exported = json::parse(make_json_exporter()->serialize(benches, TimeUnit::automatic));
  ASSERT_TRUE(exported["results"].is_array());
  const json& ours = exported["results"][0];
  for (const std::string& name : test::k_hyperfine_fixtures) {
    // Keep the parsed document alive: a range-for over a member of a temporary would dangle.
    const json fixture = json::parse(test::read_file(test::fixture_path(name)));
    for (const json& theirs : fixture["results"]) {
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

TEST(ReportJsonExport, export_then_import_round_trips) {
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
    EXPECT_EQ(read.runs[i].containment, original.runs[i].containment);
    EXPECT_EQ(read.runs[i].cpu_wait_s, original.runs[i].cpu_wait_s);
  }
}

TEST(ReportJsonExport, says_per_run_how_long_its_process_waited_for_a_cpu_where_known) {
  std::vector<core::Benchmark> benches = {sample_benchmark()};
  const auto doc = json::parse(make_json_exporter()->serialize(benches, TimeUnit::automatic));
  EXPECT_EQ(doc["results"][0]["cpu_wait"], json({0.125, 0.0, nullptr}));
  // No run with the figure: no key (hyperfine's schema, and zkbench's before it measured the wait).
  for (core::Run& run : benches[0].runs) {
    run.cpu_wait_s.reset();
  }
  EXPECT_FALSE(json::parse(make_json_exporter()->serialize(benches, TimeUnit::automatic))["results"][0].contains(
      "cpu_wait"));
  // A negative or non-numeric wait is an error that names the run.
  json bad = doc;
  bad["results"][0]["cpu_wait"][1] = -1;
  const auto refused = parse_results_json(bad.dump(), "<bad>");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("results[0].cpu_wait[1]"), std::string::npos) << refused.error().message;
}

TEST(ReportJsonExport, says_per_run_how_its_processes_were_contained) {
  const std::vector<core::Benchmark> benches = {sample_benchmark()};
  const auto doc = json::parse(make_json_exporter()->serialize(benches, TimeUnit::automatic));
  EXPECT_EQ(doc["results"][0]["containment"], json({"cgroup-v1", "process-group", "unknown"}));
}

} // namespace
} // namespace zkbench::report
