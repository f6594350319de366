// What `exp run` and `compound` read from the workspace before anything is built (workflow/comparison_base):
// the experiment, its comparable baseline with that baseline's runs per input, and the project's policy;
// nothing but the experiment for one that is decided or closed already.
#include <gtest/gtest.h>

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
  auto e = project::find_experiment(*r->ws.store, core::ExperimentNumber(n));
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

} // namespace
} // namespace zkbench::workflow
