// The dashboard loader on a real SQLite store: the stopping trace of a sequential experiment, as
// `zkbench exp run --strategy sequential` keeps it in results.json, reaches the dashboard and its page.
#include <algorithm>

#include <gtest/gtest.h>

#include "core/bisect_record.hpp"
#include "core/experiment.hpp"
#include "dashboard/dashboard_loader.hpp"
#include "report/html_report.hpp"
#include "store/store.hpp"
#include "support/fixtures.hpp"

using zkbench::store::ExperimentRecord;
using zkbench::test::TempDir;

namespace {

// results.json of an experiment on two inputs; `b` (weight 2) and `a` each carry a trace.
std::string sequential_results() {
  zkbench::core::ExperimentResults results;
  results.verdict = zkbench::core::Outcome::keep;
  results.reason = "faster";
  zkbench::core::InputResult& a = results.inputs.emplace_back();
  a.input = "a";
  a.sequential = true;
  a.trace = {{3, 0.5, 0.1, 0.9}};
  zkbench::core::InputResult& b = results.inputs.emplace_back();
  b.input = "b";
  b.weight = 2.0;
  b.sequential = true;
  b.stopped_at = 5;
  b.trace = {{3, -0.10, std::nullopt, std::nullopt}, {4, -0.12, -0.30, 0.05}, {5, -0.11, -0.16, -0.06}};
  return zkbench::core::write_results_json(results);
}

ExperimentRecord record(const std::string& name, const std::string& details) {
  ExperimentRecord e;
  e.name = name;
  e.slug = "x";
  e.status = "done";
  e.verdict = "KEEP";
  e.change = -0.11;
  e.details_json = details;
  return e;
}

} // namespace

TEST(CliDashboardLoader, fills_the_stopping_trace_of_the_heaviest_input_from_results_json) {
  TempDir dir;
  auto store = zkbench::store::open_store((dir / "zkbench.db").string());
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE((*store)->add_experiment(record("Sequential", sequential_results())));
  ASSERT_TRUE((*store)->add_experiment(record("Fixed", R"({"inputs": [{"input": "a", "metrics": []}]})")));
  ASSERT_TRUE((*store)->add_experiment(record("Broken", R"({"inputs": [{"input": "a", "sequential": {"trace": [7, {"pairs": "x"}]}}]})")));

  const auto dashboard = zkbench::dashboard::load_dashboard(**store, {dir.path(), "time"});
  ASSERT_TRUE(dashboard) << dashboard.error().message;
  ASSERT_EQ(dashboard->experiments.size(), 3u);
  const auto& sequential = dashboard->experiments[0];
  // Input b's trace (weight 2), without the look whose interval was still unbounded.
  ASSERT_EQ(sequential.stopping.size(), 2u);
  EXPECT_EQ(sequential.stopping[0].pairs, 4);
  EXPECT_DOUBLE_EQ(sequential.stopping[0].estimate_pct, -12.0);
  EXPECT_DOUBLE_EQ(sequential.stopping[0].low_pct, -30.0);
  EXPECT_DOUBLE_EQ(sequential.stopping[0].high_pct, 5.0);
  EXPECT_EQ(sequential.stopping[1].pairs, 5);
  ASSERT_TRUE(sequential.stopped_at);
  EXPECT_EQ(*sequential.stopped_at, 5);
  EXPECT_TRUE(dashboard->experiments[1].stopping.empty());
  EXPECT_FALSE(dashboard->experiments[1].stopped_at);
  EXPECT_TRUE(dashboard->experiments[2].stopping.empty()); // malformed looks are skipped, not fatal

  // The experiment's page draws it.
  const auto files = zkbench::report::render_report(*dashboard, zkbench::report::AutoRefresh::off);
  bool chart = false;
  bool page = false;
  for (const auto& file : files) {
    if (file.path == "charts/001-stopping.svg") {
      chart = file.content.find("stopped at 5") != std::string::npos;
    }
    if (file.path == "experiments/001.html") {
      page = file.content.find("<section id=\"stopping\">") != std::string::npos;
    }
  }
  EXPECT_TRUE(chart);
  EXPECT_TRUE(page);
}

// The experiment's interval on the dashboard is its deciding one from results.json (the joint interval
// over its inputs), not a mean of the inputs' bounds in percent; older records fall back to that mean.
TEST(CliDashboardLoader, shows_the_experiments_joint_interval_from_results_json) {
  TempDir dir;
  auto store = zkbench::store::open_store((dir / "zkbench.db").string());
  ASSERT_TRUE(store) << store.error().message;
  zkbench::core::ExperimentResults results;
  results.change = -0.11;
  results.change_low = -0.2;
  results.change_high = -0.03;
  for (const char* name : {"a", "b"}) {
    zkbench::core::InputResult& in = results.inputs.emplace_back();
    in.input = name;
    in.metrics.push_back({"time", {}, {}, -0.11, -0.5, 0.4, "sequential", std::nullopt, std::nullopt, std::nullopt});
  }
  ASSERT_TRUE((*store)->add_experiment(record("Joint", zkbench::core::write_results_json(results))));
  results.change_low.reset();
  results.change_high.reset();
  ASSERT_TRUE((*store)->add_experiment(record("Older", zkbench::core::write_results_json(results))));
  const auto dashboard = zkbench::dashboard::load_dashboard(**store, {dir.path(), "time"});
  ASSERT_TRUE(dashboard) << dashboard.error().message;
  ASSERT_EQ(dashboard->experiments.size(), 2u);
  ASSERT_TRUE(dashboard->experiments[0].change_ci_low_pct);
  EXPECT_DOUBLE_EQ(*dashboard->experiments[0].change_ci_low_pct, -20.0);
  EXPECT_DOUBLE_EQ(*dashboard->experiments[0].change_ci_high_pct, -3.0);
  ASSERT_TRUE(dashboard->experiments[1].change_ci_low_pct);
  EXPECT_DOUBLE_EQ(*dashboard->experiments[1].change_ci_low_pct, -50.0);
  EXPECT_DOUBLE_EQ(*dashboard->experiments[1].change_ci_high_pct, 40.0);
}

namespace {

// A session of one benchmark whose runs take `wall_s` each and carry metric "cycles" in the first
// `with_cycles` runs only.
std::int64_t session_with(zkbench::store::Store& store, const std::vector<double>& wall_s, std::size_t with_cycles) {
  const auto session = store.begin_session({"baseline", "zkbench baseline", "box", "/repo", 1'700'000'000'000'000, ""});
  EXPECT_TRUE(session) << session.error().message;
  zkbench::core::Benchmark benchmark;
  benchmark.command = "light";
  const auto id = store.add_benchmark(*session, benchmark);
  EXPECT_TRUE(id) << id.error().message;
  for (std::size_t r = 0; r < wall_s.size(); ++r) {
    zkbench::core::Run run;
    run.index = static_cast<int>(r);
    run.wall_s = wall_s[r];
    if (r < with_cycles) {
      run.metrics["cycles"] = 1000.0 + static_cast<double>(r);
    }
    EXPECT_TRUE(store.add_run(*id, run));
  }
  EXPECT_TRUE(store.finish_session(*session, zkbench::store::SessionStatus::complete));
  return *session;
}

} // namespace

// The verdict judges on time when a run lacks the primary metric (verdict::judged_metric); the
// dashboard plots those same numbers, not the metric's partial values.
TEST(CliDashboardLoader, a_results_record_that_cannot_be_read_is_a_warning_not_a_silent_gap) {
  TempDir dir;
  auto store = zkbench::store::open_store((dir / "zkbench.db").string());
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE((*store)->add_experiment(record("Fine", sequential_results())));
  ASSERT_TRUE((*store)->add_experiment(record("Corrupt", R"({"inputs": [{"input": "a", "sequ)")));
  const auto dashboard = zkbench::dashboard::load_dashboard(**store, {dir.path(), "time"});
  ASSERT_TRUE(dashboard) << dashboard.error().message;
  ASSERT_EQ(dashboard->experiments.size(), 2u);
  EXPECT_FALSE(dashboard->experiments[0].stopping.empty());
  ASSERT_EQ(dashboard->warnings.size(), 1u); // issue 20: the per-input figures vanished without a word
  EXPECT_NE(dashboard->warnings[0].find("experiment 002: its stored results cannot be read"), std::string::npos)
      << dashboard->warnings[0];
  EXPECT_EQ(zkbench::report::to_json(*dashboard)["warnings"].size(), 1u);
}

TEST(CliDashboardLoader, plots_the_values_the_verdict_judged_time_when_a_run_lacks_the_primary_metric) {
  TempDir dir;
  auto store = zkbench::store::open_store((dir / "zkbench.db").string());
  ASSERT_TRUE(store) << store.error().message;
  const std::int64_t complete = session_with(**store, {2.0, 4.0}, 2);
  const std::int64_t partial = session_with(**store, {3.0, 5.0, 7.0}, 1);
  zkbench::store::BaselineRecord baseline{0, "c0ffee", "", 1, {{"full", "h", complete}, {"partial", "h", partial}}, ""};
  ASSERT_TRUE((*store)->add_baseline(baseline));

  const auto dashboard = zkbench::dashboard::load_dashboard(**store, {dir.path(), "cycles"});
  ASSERT_TRUE(dashboard) << dashboard.error().message;
  ASSERT_TRUE(dashboard->baseline);
  ASSERT_EQ(dashboard->baseline->inputs.size(), 2u);
  const auto& full = dashboard->baseline->inputs[0].metrics.at(0).estimate;
  EXPECT_EQ(full.n, 2u);
  EXPECT_DOUBLE_EQ(full.mean, 1000.5); // every run has cycles: judged on cycles
  const auto& fell_back = dashboard->baseline->inputs[1].metrics.at(0).estimate;
  EXPECT_EQ(fell_back.n, 3u);
  EXPECT_DOUBLE_EQ(fell_back.mean, 5.0); // one run has cycles: judged (and drawn) on time
}

TEST(CliDashboardLoader, reads_the_bisections_results_json_by_folder_and_warns_of_one_it_cannot_read) {
  TempDir dir;
  auto store = zkbench::store::open_store((dir / "zkbench.db").string());
  ASSERT_TRUE(store) << store.error().message;
  const auto bisect = dir.path() / "benchmarks" / "bisect";
  zkbench::core::BisectRecord record;
  record.id = "../../elsewhere"; // the folder names the page, never the file's content
  record.good = std::string(40, 'a');
  record.bad = std::string(40, 'b');
  record.complete = true;
  record.answer = "no difference between the ends";
  for (const char* folder : {"001", "002", "003", "notes"}) {
    std::filesystem::create_directories(bisect / folder);
  }
  for (const char* folder : {"002", "001"}) {
    zkbench::test::write_file(bisect / folder / "results.json", zkbench::core::to_json(record).dump());
  }
  zkbench::test::write_file(bisect / "003" / "results.json", "{\"id\": \"003\", \"good\"");
  zkbench::test::write_file(bisect / "notes" / "results.json", zkbench::core::to_json(record).dump());
  const auto dashboard = zkbench::dashboard::load_dashboard(**store, {dir.path(), "time"});
  ASSERT_TRUE(dashboard) << dashboard.error().message;
  ASSERT_EQ(dashboard->bisections.size(), 2u);
  EXPECT_EQ(dashboard->bisections[0].id, "001");
  EXPECT_EQ(dashboard->bisections[1].id, "002");
  EXPECT_EQ(dashboard->bisections[0].answer, "no difference between the ends");
  ASSERT_EQ(dashboard->warnings.size(), 1u);
  EXPECT_NE(dashboard->warnings[0].find("bisection 003: "), std::string::npos) << dashboard->warnings[0];
  const auto files = zkbench::report::render_report(*dashboard, zkbench::report::AutoRefresh::off);
  EXPECT_TRUE(std::any_of(files.begin(), files.end(), [](const auto& f) { return f.path == "bisect/002.html"; }));
  EXPECT_EQ(zkbench::dashboard::bisection_files(dir.path()).size(), 3u); // 001..003, not "notes"
}
