// The dashboard model: verdict colours, the overview summary, the JSON of data.json and the API.
#include <gtest/gtest.h>

#include "report/dashboard_model.hpp"
#include "support/sample_dashboard.hpp"

namespace zkbench::report {
namespace {

TEST(DashboardModel, colours_verdicts_by_meaning) {
  EXPECT_EQ(verdict_kind(core::Outcome::keep, false), svg::Verdict::improvement);
  EXPECT_EQ(verdict_kind(core::Outcome::discard, false), svg::Verdict::no_change);
  EXPECT_EQ(verdict_kind(core::Outcome::discard, true), svg::Verdict::regression);
  EXPECT_EQ(verdict_kind(core::Outcome::kill, false), svg::Verdict::regression);
  EXPECT_EQ(verdict_kind(core::Outcome::reject, false), svg::Verdict::regression);
  EXPECT_EQ(verdict_kind(core::Outcome::maybe, false), svg::Verdict::inconclusive);
  EXPECT_EQ(verdict_kind(core::Outcome::none, false), svg::Verdict::running);
}

TEST(DashboardModel, a_discard_is_a_regression_only_when_its_whole_interval_is_a_slowdown) {
  // A comment-only change at +2.9% [-5.0%, +11.2%]: DISCARD, no regression shown.
  EXPECT_FALSE(established_regression(-5.0));
  EXPECT_FALSE(established_regression(std::nullopt));
  EXPECT_TRUE(established_regression(0.4));
  Dashboard dashboard;
  Experiment noop;
  noop.number = core::ExperimentNumber(2);
  noop.primary = Estimate{};
  noop.verdict = core::Outcome::discard;
  noop.change_pct = 2.9;
  noop.change_ci_low_pct = -5.0;
  noop.change_ci_high_pct = 11.2;
  Experiment slower = noop;
  slower.number = core::ExperimentNumber(3);
  slower.change_pct = 9.0;
  slower.change_ci_low_pct = 4.0;
  slower.change_ci_high_pct = 14.0;
  dashboard.experiments = {noop, slower};
  const auto chart = trend_chart(dashboard);
  ASSERT_EQ(chart.points.size(), 2u);
  EXPECT_EQ(chart.points[0].verdict, svg::Verdict::no_change);
  EXPECT_EQ(chart.points[1].verdict, svg::Verdict::regression);
}

TEST(DashboardModel, summary_counts_verdicts_and_finds_the_best_keep) {
  Dashboard dashboard;
  dashboard.experiments.resize(4);
  dashboard.experiments[0] = {};
  dashboard.experiments[0].number = core::ExperimentNumber(1);
  dashboard.experiments[0].verdict = core::Outcome::keep;
  dashboard.experiments[0].change_pct = -6.5;
  dashboard.experiments[1].number = core::ExperimentNumber(2);
  dashboard.experiments[1].verdict = core::Outcome::discard;
  dashboard.experiments[1].change_pct = -20; // faster but discarded: not "the best improvement"
  dashboard.experiments[2].number = core::ExperimentNumber(3);
  dashboard.experiments[2].verdict = core::Outcome::keep;
  dashboard.experiments[2].change_pct = -9.25;
  dashboard.experiments[3].number = core::ExperimentNumber(4); // running
  summarise(dashboard);
  EXPECT_EQ(dashboard.overview.experiments_done, 3);
  EXPECT_EQ(dashboard.overview.experiments_total, 4);
  ASSERT_TRUE(dashboard.overview.best_change_pct);
  EXPECT_DOUBLE_EQ(*dashboard.overview.best_change_pct, -9.25);
  EXPECT_EQ(dashboard.overview.best_experiment, 3);
}

TEST(DashboardModel, summary_json_leaves_out_runs_and_patches) {
  const Dashboard dashboard = test::sample_dashboard(2, 2, 4);
  const nlohmann::json summary = to_json(dashboard.experiments[0], ExperimentDetail::summary);
  EXPECT_EQ(summary["id"], "001");
  EXPECT_FALSE(summary.contains("patch"));
  const nlohmann::json full = to_json(dashboard.experiments[0], ExperimentDetail::full);
  EXPECT_EQ(full["inputs"][1]["candidate_runs"].size(), 4u);
  EXPECT_EQ(full["patch"], dashboard.experiments[0].patch);
}

TEST(DashboardModel, status_json_has_progress_and_the_current_run) {
  const nlohmann::json status = status_json(test::sample_dashboard(3));
  EXPECT_EQ(status["status"], "running");
  EXPECT_EQ(status["experiments_done"], 2);
  EXPECT_EQ(status["experiments_total"], 3);
  EXPECT_EQ(status["current"]["experiment"], 3);
  EXPECT_TRUE(status["baseline"].is_object());
}

TEST(DashboardModel, the_current_run_names_its_scheduler_job_when_there_is_one) {
  Dashboard dashboard = test::sample_dashboard(3);
  EXPECT_TRUE(status_json(dashboard)["current"]["scheduler"].is_null());
  dashboard.current->scheduler_job = "Slurm job 12";
  dashboard.current->node = "gpu-3";
  dashboard.current->state = "RUNNING";
  const nlohmann::json scheduler = status_json(dashboard)["current"]["scheduler"];
  EXPECT_EQ(scheduler["job"], "Slurm job 12");
  EXPECT_EQ(scheduler["node"], "gpu-3");
  EXPECT_EQ(scheduler["state"], "RUNNING");
}

TEST(DashboardModel, trend_has_a_point_per_measured_experiment_and_the_baseline) {
  Dashboard dashboard = test::sample_dashboard(5);
  dashboard.experiments[4].primary.reset(); // planned: nothing measured yet
  const svg::TrendChart chart = trend_chart(dashboard);
  EXPECT_EQ(chart.points.size(), 4u);
  // Each point is the weighted change against the experiment's own baseline, which is the 0 % line.
  ASSERT_TRUE(chart.baseline);
  EXPECT_DOUBLE_EQ(*chart.baseline, 0);
  for (std::size_t i = 0; i < chart.points.size(); ++i) {
    EXPECT_DOUBLE_EQ(chart.points[i].value, *dashboard.experiments[i].change_pct);
    EXPECT_EQ(chart.points[i].ci_low, dashboard.experiments[i].change_ci_low_pct);
  }
  EXPECT_EQ(chart.points[0].verdict, svg::Verdict::improvement);
}

} // namespace
} // namespace zkbench::report
