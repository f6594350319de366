// The workflow's notification events (seed 002 §7.2–7.3) built from baseline and experiment outcomes.
#include <gtest/gtest.h>

#include "workflow/notifications.hpp"
#include "notify/message.hpp"
#include "support/notify_events.hpp"

using namespace zkbench;
using workflow::NotifyContext;
using notify::EventKind;

namespace {

const NotifyContext k_context{"ethrex", "http://bench-host:8080/"};

verdict::MetricComparison metric(const std::string& name, double base_mean, double cand_mean) {
  verdict::MetricComparison m;
  m.metric = name;
  m.baseline.n = 10;
  m.baseline.mean = base_mean;
  m.candidate.n = 10;
  m.candidate.mean = cand_mean;
  m.change = cand_mean / base_mean - 1;
  return m;
}

verdict::CommandComparison input(const std::string& name, double base_s, double cand_s) {
  verdict::CommandComparison c;
  c.command = name;
  c.metrics = {metric("time", base_s, cand_s), metric("steps", 1000, 900)};
  return c;
}

store::ExperimentRecord experiment(int number, const std::string& verdict, std::optional<double> change) {
  store::ExperimentRecord e;
  e.number = number;
  e.name = "MPT Hash Caching";
  e.status = verdict.empty() ? "planned" : "done";
  e.verdict = verdict;
  e.change = change;
  return e;
}

std::vector<EventKind> kinds(const std::vector<notify::Event>& events) {
  std::vector<EventKind> out;
  for (const auto& event : events) {
    out.push_back(event.kind);
  }
  return out;
}

} // namespace

TEST(CliWorkflowNotify, experiment_event_has_the_seed_message_fields) {
  const auto e = experiment(1, "KEEP", -0.065);
  const auto event = workflow::experiment_event(k_context, e, {input("a", 200, 187), input("b", 62, 58)}, "time", {3, 12});
  EXPECT_EQ(event.kind, EventKind::experiment_complete);
  EXPECT_EQ(event.experiment_id, "001");
  EXPECT_EQ(event.status, "KEEP");
  EXPECT_EQ(event.verdict, "improvement");
  ASSERT_TRUE(event.result && event.baseline && event.delta_pct);
  EXPECT_DOUBLE_EQ(*event.baseline, 262);
  EXPECT_DOUBLE_EQ(*event.result, 245);
  EXPECT_DOUBLE_EQ(*event.delta_pct, -6.5);
  // The same message as seed 002 §7.3's example.
  const notify::Event seed = test::seed_experiment_event();
  const NotifyContext seed_context{seed.project, seed.dashboard_url};
  EXPECT_EQ(notify::format_text(workflow::experiment_event(seed_context, e, {input("a", 200, 187), input("b", 62, 58)},
                                                      "time", {seed.done, seed.total})),
            notify::format_text(seed));
}

TEST(CliWorkflowNotify, experiment_event_uses_the_primary_metric_and_its_name_as_unit) {
  verdict::CommandComparison slower = input("a", 1, 1);
  slower.decision.regression = true;
  const auto event = workflow::experiment_event(k_context, experiment(2, "DISCARD", 0.2), {slower}, "steps", {1, 1});
  ASSERT_TRUE(event.result && event.baseline);
  EXPECT_DOUBLE_EQ(*event.baseline, 1000);
  EXPECT_DOUBLE_EQ(*event.result, 900);
  EXPECT_EQ(event.unit, " steps");
  EXPECT_EQ(event.verdict, "regression"); // a DISCARD of an established slowdown
}

TEST(CliWorkflowNotify, a_discard_whose_slowdown_was_not_established_is_no_regression) {
  const auto event = workflow::experiment_event(k_context, experiment(2, "DISCARD", 0.029), {input("a", 1, 1.029)},
                                                "time", {1, 1});
  EXPECT_EQ(event.verdict, "no_change");
}

TEST(CliWorkflowNotify, rejected_experiment_has_no_figures_but_its_reason) {
  auto e = experiment(3, "REJECT", std::nullopt);
  e.close_reason = "input 'a': the output differs";
  const auto event = workflow::experiment_event(k_context, e, {}, "time", {1, 2});
  EXPECT_FALSE(event.result);
  EXPECT_FALSE(event.delta_pct);
  EXPECT_EQ(event.detail, "input 'a': the output differs");
  EXPECT_EQ(event.verdict, "regression");
}

TEST(CliWorkflowNotify, progress_counts_experiments_with_a_verdict) {
  const auto progress = workflow::progress_of({experiment(1, "KEEP", -0.1), experiment(2, "", std::nullopt),
                                          experiment(3, "INVALID", std::nullopt)});
  EXPECT_EQ(progress.done, 2);
  EXPECT_EQ(progress.total, 3);
}

TEST(CliWorkflowNotify, a_finding_is_a_kept_improvement_over_ten_percent) {
  EXPECT_TRUE(workflow::is_finding(experiment(1, "KEEP", -0.12)));
  EXPECT_FALSE(workflow::is_finding(experiment(1, "KEEP", -0.10)));
  EXPECT_FALSE(workflow::is_finding(experiment(1, "INCONCLUSIVE", -0.30)));
  EXPECT_FALSE(workflow::is_finding(experiment(1, "DISCARD", 0.30)));
}

TEST(CliWorkflowNotify, events_after_a_run_add_finding_error_and_all_complete) {
  workflow::ExperimentOutcome outcome;
  outcome.experiment = experiment(2, "KEEP", -0.25);
  outcome.comparisons = {input("a", 10, 7.5)};
  const std::vector<store::ExperimentRecord> open = {experiment(1, "DISCARD", 0.01), outcome.experiment,
                                                     experiment(3, "", std::nullopt)};
  EXPECT_EQ(kinds(workflow::experiment_events(k_context, outcome, open, "time")),
            (std::vector<EventKind>{EventKind::experiment_complete, EventKind::finding}));

  const std::vector<store::ExperimentRecord> all = {experiment(1, "KEEP", -0.05), outcome.experiment};
  const auto events = workflow::experiment_events(k_context, outcome, all, "time");
  ASSERT_EQ(kinds(events), (std::vector<EventKind>{EventKind::experiment_complete, EventKind::finding,
                                                   EventKind::all_complete}));
  EXPECT_EQ(events[1].experiment_id, "002");
  EXPECT_EQ(events[2].done, 2);
  EXPECT_EQ(events[2].total, 2);
  EXPECT_EQ(events[2].detail, "Kept: 2; best: 002 MPT Hash Caching (-25.0%)");

  workflow::ExperimentOutcome killed;
  killed.experiment = experiment(3, "KILL", std::nullopt);
  killed.failure = "input 'a': a run exceeded the timeout";
  const auto failed = workflow::experiment_events(k_context, killed, {experiment(1, "", std::nullopt), killed.experiment}, "time");
  ASSERT_EQ(kinds(failed), (std::vector<EventKind>{EventKind::experiment_complete, EventKind::error}));
  EXPECT_EQ(failed[1].experiment_id, "003");
  EXPECT_EQ(failed[1].detail, "experiment 003 stopped: input 'a': a run exceeded the timeout");
}

TEST(CliWorkflowNotify, baseline_event_sums_the_medians_and_lists_the_inputs) {
  workflow::BaselineOutcome outcome;
  outcome.commit = "0123456789abcdef";
  outcome.inputs = {{"a", 10, 1.5, 0.012, "h"}, {"b", 10, 2.25, 0.03, "h"}};
  const auto event = workflow::baseline_event(k_context, outcome);
  EXPECT_EQ(event.kind, EventKind::baseline_complete);
  ASSERT_TRUE(event.baseline);
  EXPECT_DOUBLE_EQ(*event.baseline, 3.75);
  EXPECT_EQ(event.detail, "Commit: 0123456789ab\na: median 1.5s (CV 1.2%, 10 runs)\nb: median 2.25s (CV 3.0%, 10 runs)");
  EXPECT_EQ(event.dashboard_url, "http://bench-host:8080/");
}

TEST(CliWorkflowNotify, all_complete_only_when_every_experiment_has_a_verdict) {
  EXPECT_FALSE(workflow::all_complete_event(k_context, {}));
  EXPECT_FALSE(workflow::all_complete_event(k_context, {experiment(1, "KEEP", -0.1), experiment(2, "", std::nullopt)}));
  const auto done = workflow::all_complete_event(k_context, {experiment(1, "DISCARD", 0.01), experiment(2, "INVALID", std::nullopt)});
  ASSERT_TRUE(done);
  EXPECT_EQ(done->kind, EventKind::all_complete);
  EXPECT_EQ(done->detail, "No experiment was kept");
  EXPECT_EQ(done->dashboard_url, "http://bench-host:8080/");
}
