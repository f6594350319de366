// An experiment's code made ready to measure (workflow/experiment_checkout): its worktree at the branch's
// head with changes.patch written and the experiment running, or a refusal that leaves it planned.
// The refusals' messages are checked through `exp run` in test_workflow_experiment.
#include <gtest/gtest.h>

#include "support/model_project.hpp"
#include "util/files.hpp"
#include "workflow/comparison_base.hpp"
#include "workflow/experiment_checkout.hpp"
#include "project/workspace.hpp"

namespace zkbench::workflow {
namespace {

using test::ready;

TEST(WorkflowExperimentCheckout, a_committed_change_is_checked_out_with_its_patch_and_the_experiment_runs) {
  auto r = ready();
  const int n = r->project.experiment(r->ws, "patched");
  auto e = find_experiment(*r->ws.store, core::ExperimentNumber(n));
  ASSERT_TRUE(e);
  auto checkout = check_out_experiment(r->ws, *e);
  ASSERT_TRUE(checkout) << checkout.error().message;
  EXPECT_EQ(checkout->worktree, r->ws.worktree_dir("001-patched"));
  EXPECT_EQ(checkout->dir, r->ws.experiment_dir(*e));
  EXPECT_NE(checkout->head, e->baseline_commit);
  auto head = project::Git(checkout->worktree).commit_of("HEAD");
  ASSERT_TRUE(head);
  EXPECT_EQ(checkout->head, *head);
  auto patch = util::read_text_file(checkout->dir / "changes.patch");
  ASSERT_TRUE(patch) << patch.error().message;
  EXPECT_NE(patch->find("+patched"), std::string::npos) << *patch;
  auto stored = find_experiment(*r->ws.store, core::ExperimentNumber(n));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->state(), core::ExperimentStatus::running);
}

TEST(WorkflowExperimentCheckout, a_branch_without_a_change_is_refused_and_the_experiment_stays_planned) {
  auto r = ready();
  const int n = r->project.experiment(r->ws, "nothing", false);
  auto e = find_experiment(*r->ws.store, core::ExperimentNumber(n));
  ASSERT_TRUE(e);
  auto checkout = check_out_experiment(r->ws, *e);
  ASSERT_FALSE(checkout);
  EXPECT_NE(checkout.error().message.find("no commit beyond the baseline"), std::string::npos)
      << checkout.error().message;
  EXPECT_FALSE(std::filesystem::exists(r->ws.experiment_dir(*e) / "changes.patch"));
  auto stored = find_experiment(*r->ws.store, core::ExperimentNumber(n));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->state(), core::ExperimentStatus::planned);
}

} // namespace
} // namespace zkbench::workflow
