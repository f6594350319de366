// `zkbench history`: a store written through the library, read back by the built binary.

#include <csignal>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "store/store.hpp"
#include "support/cli.hpp"
#include "support/fixtures.hpp"

using zkbench::test::run_zkbench;
using zkbench::test::TempDir;

namespace {

constexpr std::int64_t k_t0 = 1'700'000'000'000'000;

zkbench::core::Run make_run(int index, double wall_s) {
  zkbench::core::Run run;
  run.index = index;
  run.wall_s = wall_s;
  run.user_s = 0.75;
  run.system_s = 0.0625;
  run.peak_rss_bytes = 314'572'800;
  run.exit_code = 0;
  run.metrics = {{"steps", 1'234'567.0 + index}};
  run.log_path = "/logs/run-" + std::to_string(index) + ".log";
  run.started_at_us = k_t0 + index * 10'000'000;
  run.finished_at_us = run.started_at_us + static_cast<std::int64_t>(wall_s * 1e6);
  run.containment = zkbench::core::Containment::cgroup_v1;
  return run;
}

/// A SQLite store (open_store on a file path) with two sessions: 1 (older, complete: one named benchmark with three runs, one of them
/// timed out with its metric missing) and 2 (newer, still running, no benchmarks).
struct HistoryStore {
  HistoryStore() {
    auto store = zkbench::store::open_store(path().string());
    EXPECT_TRUE(store) << store.error().message;
    auto& s = **store;
    old_session = *s.begin_session({"run", "zkbench run 'cargo-zisk prove fib'", "h100-a", "/proj", k_t0, "h100"});
    zkbench::core::Benchmark benchmark;
    benchmark.command = "cargo-zisk prove -e fib.elf";
    benchmark.name = "fib";
    benchmark.parameters = {{"n", "30"}};
    const auto benchmark_id = *s.add_benchmark(old_session, benchmark);
    EXPECT_TRUE(s.add_run(benchmark_id, make_run(0, 12.5)));
    EXPECT_TRUE(s.add_run(benchmark_id, make_run(1, 12.25)));
    auto timed_out = make_run(2, 60.0);
    timed_out.status = zkbench::core::RunStatus::timed_out;
    timed_out.exit_code.reset();
    timed_out.signal = SIGKILL;
    timed_out.metrics = {{"steps", std::nullopt}};
    timed_out.containment = zkbench::core::Containment::process_group; // measured another way
    EXPECT_TRUE(s.add_run(benchmark_id, timed_out));
    EXPECT_TRUE(s.finish_session(old_session, zkbench::store::SessionStatus::complete));
    new_session = *s.begin_session({"baseline", "zkbench baseline", "h100-a", "/proj", k_t0 + 3'600'000'000, "h100"});
  }
  std::filesystem::path path() const { return dir / "store/zkbench.db"; }
  std::string store_arg() const { return "--store '" + path().string() + "'"; }

  TempDir dir;
  std::int64_t old_session = 0;
  std::int64_t new_session = 0;
};

} // namespace

TEST(CliHistory, lists_sessions_newest_first_with_counts_and_command_lines) {
  HistoryStore store;
  const auto result = run_zkbench("history " + store.store_arg());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto newer = result.output.find("zkbench baseline");
  const auto older = result.output.find("zkbench run 'cargo-zisk prove fib'");
  ASSERT_NE(newer, std::string::npos) << result.output;
  ASSERT_NE(older, std::string::npos) << result.output;
  EXPECT_LT(newer, older);
  EXPECT_NE(result.output.find("complete"), std::string::npos);
  EXPECT_NE(result.output.find("running"), std::string::npos);
  EXPECT_NE(result.output.find("h100-a"), std::string::npos);
}

TEST(CliHistory, json_listing_has_every_session_field_and_honours_the_limit) {
  HistoryStore store;
  const auto result = run_zkbench("history --json --limit 1 " + store.store_arg());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto json = nlohmann::json::parse(result.output);
  ASSERT_EQ(json["sessions"].size(), 1U);
  const auto& session = json["sessions"][0];
  EXPECT_EQ(session["id"], store.new_session);
  EXPECT_EQ(session["kind"], "baseline");
  EXPECT_EQ(session["status"], "running");
  EXPECT_TRUE(session["finished_at_us"].is_null());
  EXPECT_EQ(session["started_at_us"], k_t0 + 3'600'000'000);

  const auto all = nlohmann::json::parse(run_zkbench("history --json " + store.store_arg()).output);
  ASSERT_EQ(all["sessions"].size(), 2U);
  EXPECT_EQ(all["sessions"][1]["benchmarks"], 1);
  EXPECT_EQ(all["sessions"][1]["runs"], 3);
}

TEST(CliHistory, show_prints_each_run_with_figures_metrics_and_log) {
  HistoryStore store;
  const auto result = run_zkbench("history show " + std::to_string(store.old_session) + " " + store.store_arg());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  for (const char* expected : {"benchmark 1/1: fib", "cargo-zisk prove -e fib.elf", "n=30", "12.500 s", "12.250 s",
                               "60.000 s", "750.0 ms", "62.5 ms", "300.0 MiB", "timed_out", "SIGKILL", "1234567",
                               "1234568", "missing", "/logs/run-2.log", "steps"}) {
    EXPECT_NE(result.output.find(expected), std::string::npos) << "missing '" << expected << "' in\n" << result.output;
  }
}

TEST(CliHistory, show_json_gives_back_the_stored_values_exactly) {
  HistoryStore store;
  const auto result =
      run_zkbench("history show " + std::to_string(store.old_session) + " --json " + store.store_arg());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto json = nlohmann::json::parse(result.output);
  EXPECT_EQ(json["session"]["status"], "complete");
  const auto& benchmark = json["benchmarks"][0];
  EXPECT_EQ(benchmark["name"], "fib");
  EXPECT_EQ(benchmark["parameters"]["n"], "30");
  ASSERT_EQ(benchmark["runs"].size(), 3U);
  EXPECT_EQ(benchmark["runs"][1]["wall_s"].get<double>(), 12.25);
  EXPECT_EQ(benchmark["runs"][1]["metrics"]["steps"].get<double>(), 1'234'568.0);
  EXPECT_TRUE(benchmark["runs"][2]["metrics"]["steps"].is_null());
  EXPECT_EQ(benchmark["runs"][2]["signal"], SIGKILL);
  EXPECT_TRUE(benchmark["runs"][2]["exit_code"].is_null());
  EXPECT_EQ(benchmark["runs"][2]["status"], "timed_out");
}

TEST(CliHistory, show_says_how_the_runs_were_contained_and_warns_of_a_mix) {
  HistoryStore store;
  const auto text = run_zkbench("history show " + std::to_string(store.old_session) + " " + store.store_arg());
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("contained   cgroup-v1, process-group (mixed: times and peak memory measured "
                             "differently)"),
            std::string::npos)
      << text.output;
  const auto json =
      run_zkbench("history show " + std::to_string(store.old_session) + " --json " + store.store_arg());
  ASSERT_EQ(json.exit_code, 0) << json.output;
  const auto doc = nlohmann::json::parse(json.output);
  EXPECT_EQ(doc["benchmarks"][0]["runs"][0]["containment"], "cgroup-v1");
  EXPECT_EQ(doc["benchmarks"][0]["runs"][2]["containment"], "process-group");
}

TEST(CliHistory, uses_the_default_store_of_the_current_folder) {
  TempDir dir;
  {
    auto store = zkbench::store::open_store(zkbench::store::default_store_path(dir.path()).string());
    ASSERT_TRUE(store);
    ASSERT_TRUE((*store)->begin_session({"run", "zkbench run here", "host", dir.path().string(), k_t0, ""}));
  }
  const auto result = run_zkbench("history", dir.path().string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("zkbench run here"), std::string::npos) << result.output;
}

TEST(CliHistory, a_folder_without_a_store_is_a_one_line_error_and_creates_nothing) {
  TempDir dir;
  const auto result = run_zkbench("history", dir.path().string());
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("error: no store at '" + (dir / ".zkbench/zkbench.db").string() + "'"),
            std::string::npos)
      << result.output;
  EXPECT_FALSE(std::filesystem::exists(dir / ".zkbench"));
}

TEST(CliHistory, an_unknown_session_id_is_an_error_naming_it) {
  HistoryStore store;
  const auto result = run_zkbench("history show 42 " + store.store_arg());
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("error: no session 42 in store"), std::string::npos) << result.output;
}

TEST(CliHistory, a_file_that_is_not_a_store_is_an_error_not_a_crash) {
  TempDir dir;
  zkbench::test::write_file(dir / "notes.db", std::string(4096, 'x'));
  const auto result = run_zkbench("history --store '" + (dir / "notes.db").string() + "'");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("not a database"), std::string::npos) << result.output;
}

TEST(CliHistory, limit_zero_is_a_usage_error) {
  HistoryStore store;
  const auto result = run_zkbench("history --limit 0 " + store.store_arg());
  EXPECT_EQ(result.exit_code, 2) << result.output;
}
