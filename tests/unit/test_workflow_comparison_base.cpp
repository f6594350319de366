// What `exp run` and `compound` read from the workspace before anything is built (workflow/comparison_base):
// the experiment, its comparable baseline with that baseline's runs per input, and the project's policy;
// nothing but the experiment for one that is decided or closed already. The baseline queries (per machine
// class, issue 7) on a real SQLite store in a temporary folder.
#include <gtest/gtest.h>

#include "store/store.hpp"
#include "support/fixtures.hpp"
#include "support/model_project.hpp"
#include "workflow/comparison_base.hpp"
#include "project/workspace.hpp"

namespace zkbench::workflow {
namespace {

using test::ready;

TEST(WorkflowComparisonBase, a_planned_experiment_comes_with_its_baseline_its_runs_and_the_policy) {
  auto r = ready();
  const int n = r->project.experiment(r->ws, "planned");
  auto found = read_experiment_to_run(r->ws, core::ExperimentNumber(n));
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->experiment.number, n);
  ASSERT_TRUE(found->base);
  auto baselines = r->ws.store->list_baselines();
  ASSERT_TRUE(baselines && baselines->size() == 1);
  EXPECT_EQ(found->base->baseline.id, baselines->front().id);
  ASSERT_EQ(found->base->runs.size(), 2u); // inputs a and b, each with the runs zkbench.yaml asks for
  EXPECT_EQ(found->base->runs.at("a").runs.size(), 10u);
  EXPECT_EQ(found->base->runs.at("b").runs.size(), 10u);
  auto policy = project::project_policy(r->ws.project.config);
  ASSERT_TRUE(policy);
  EXPECT_EQ(found->base->policy.primary_metric, policy->primary_metric);
  EXPECT_EQ(found->base->policy.keep_threshold, policy->keep_threshold);
}

TEST(WorkflowComparisonBase, a_decided_or_closed_experiment_comes_alone) {
  auto r = ready();
  const int n = r->project.experiment(r->ws, "decided");
  auto e = find_experiment(*r->ws.store, core::ExperimentNumber(n));
  ASSERT_TRUE(e);
  for (const core::ExperimentStatus state : {core::ExperimentStatus::done, core::ExperimentStatus::closed}) {
    e->set_state(state);
    ASSERT_TRUE(r->ws.store->update_experiment(*e));
    auto found = read_experiment_to_run(r->ws, core::ExperimentNumber(n));
    ASSERT_TRUE(found) << found.error().message;
    EXPECT_FALSE(found->base);
  }
}

TEST(WorkflowComparisonBase, an_unknown_experiment_or_a_missing_baseline_is_an_error) {
  test::Project project;
  test::ModelExecutor* model = nullptr;
  project::Workspace ws = project.open(model);
  auto unknown = read_experiment_to_run(ws, core::ExperimentNumber(7));
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("no experiment 007"), std::string::npos) << unknown.error().message;

  // An experiment recorded without any baseline measured: nothing to compare with.
  store::ExperimentRecord e;
  e.name = "orphan";
  e.slug = "orphan";
  e.set_state(core::ExperimentStatus::planned);
  auto stored = ws.store->add_experiment(e);
  ASSERT_TRUE(stored) << stored.error().message;
  auto orphan = read_experiment_to_run(ws, stored->experiment_number());
  ASSERT_FALSE(orphan);
  EXPECT_NE(orphan.error().message.find("no baseline yet"), std::string::npos) << orphan.error().message;
}

class WorkflowBaselineQueries : public testing::Test {
protected:
  void SetUp() override {
    auto opened = store::open_store((m_dir / "zkbench.db").string());
    ASSERT_TRUE(opened) << opened.error().message;
    m_store = std::move(*opened);
    const auto session = m_store->begin_session({"baseline", "zkbench baseline", "box", "/w", 1, ""});
    ASSERT_TRUE(session);
    m_session = *session;
  }

  /// Adds a baseline of `machine_class` at commit `commit`, `at_us`; returns its id.
  std::int64_t add(const std::string& commit, const std::string& machine_class, std::int64_t at_us) {
    const auto id = m_store->add_baseline(store::BaselineRecord{0, commit, "", at_us, {{"a", "h", m_session}}, machine_class});
    EXPECT_TRUE(id) << id.error().message;
    return id.value_or(0);
  }

  test::TempDir m_dir;
  std::unique_ptr<store::Store> m_store;
  std::int64_t m_session = 0;
};

TEST_F(WorkflowBaselineQueries, picks_the_newest_baseline_of_the_class_and_ignores_newer_ones_of_other_classes) {
  add("old-h100", "h100", 10);
  const std::int64_t newest_h100 = add("new-h100", "h100", 20);
  add("rtx", "rtx3090", 30);
  const std::int64_t unclassified = add("none", "", 40);
  const auto h100 = latest_baseline(*m_store, "h100");
  ASSERT_TRUE(h100) << h100.error().message;
  EXPECT_EQ(h100->id, newest_h100);
  EXPECT_EQ(h100->commit, "new-h100");
  const auto none = latest_baseline(*m_store, "");
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_EQ(none->id, unclassified);
}

TEST_F(WorkflowBaselineQueries, a_class_without_a_baseline_says_where_to_run_one) {
  add("rtx", "rtx3090", 10);
  const auto h100 = latest_baseline(*m_store, "h100");
  ASSERT_FALSE(h100);
  EXPECT_EQ(h100.error().message.rfind("no baseline for machine class 'h100'; run `zkbench baseline` on an h100 "
                                       "machine",
                                       0),
            0U)
      << h100.error().message;
  const auto none = latest_baseline(*m_store, "");
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("ZKBENCH_MACHINE_CLASS"), std::string::npos) << none.error().message;
}

TEST_F(WorkflowBaselineQueries, an_empty_store_has_no_baseline_yet_whatever_the_class) {
  for (const ClassMatch match : {ClassMatch::required, ClassMatch::preferred}) {
    const auto found = latest_baseline(*m_store, "h100", match);
    ASSERT_FALSE(found);
    EXPECT_NE(found.error().message.find("no baseline yet"), std::string::npos) << found.error().message;
  }
}

TEST_F(WorkflowBaselineQueries, preferred_falls_back_to_the_newest_baseline_of_any_class) {
  add("h100", "h100", 10);
  const std::int64_t rtx = add("rtx", "rtx3090", 20);
  const auto found = latest_baseline(*m_store, "a100", ClassMatch::preferred);
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->id, rtx);
  const auto own = latest_baseline(*m_store, "h100", ClassMatch::preferred);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->commit, "h100");
}

TEST_F(WorkflowBaselineQueries, an_experiment_keeps_its_baseline_on_its_class_and_takes_the_class_newest_elsewhere) {
  const std::int64_t old_h100 = add("old-h100", "h100", 10);
  const std::int64_t new_h100 = add("new-h100", "h100", 20);
  const std::int64_t rtx = add("rtx", "rtx3090", 30);
  store::ExperimentRecord e;
  e.baseline_id = old_h100;
  const auto same = comparable_baseline(*m_store, e, "h100");
  ASSERT_TRUE(same) << same.error().message;
  EXPECT_EQ(same->id, old_h100); // resumable: the baseline it was compared with so far
  e.baseline_id = rtx;
  const auto other = comparable_baseline(*m_store, e, "h100");
  ASSERT_TRUE(other) << other.error().message;
  EXPECT_EQ(other->id, new_h100);
  const auto none = comparable_baseline(*m_store, e, "a100");
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("no baseline for machine class 'a100'"), std::string::npos);
}

} // namespace
} // namespace zkbench::workflow
