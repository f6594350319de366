// workflow/compound through the model executor (tests/support/model_project.hpp): experiments merged onto
// the baseline commit and measured together through evaluate_checkout, a git conflict, a combination worse
// than the best alone.
#include <gtest/gtest.h>

#include "support/model_project.hpp"
#include "workflow/comparison_base.hpp"
#include "workflow/compound.hpp"

namespace zkbench::workflow {
namespace {

using test::Ready;
using test::ready;
using test::sh;

// exp new, a change to a file of its own on the branch (experiments that merge cleanly), exp run.
int measured_experiment(Ready& r, const std::string& name) {
  const int n = r.project.experiment(r.ws, name, false);
  auto e = find_experiment(*r.ws.store, core::ExperimentNumber(n));
  EXPECT_TRUE(e) << e.error().message;
  EXPECT_EQ(sh(r.project.dir(), "git checkout -q " + e->branch + " && echo x > " + name + ".txt && git add " + name +
                                    ".txt && git commit -qm " + name + " && git checkout -q -"),
            0);
  auto out = run_experiment(r.ws, core::ExperimentNumber(n), {});
  EXPECT_TRUE(out) << out.error().message;
  return n;
}

std::vector<core::ExperimentNumber> numbers(std::initializer_list<int> ns) {
  std::vector<core::ExperimentNumber> out;
  for (const int n : ns) {
    out.emplace_back(n);
  }
  return out;
}

TEST(WorkflowCompound, a_combination_conflicts_when_it_improves_less_than_the_best_alone_or_is_not_measured) {
  EXPECT_TRUE(is_conflict(std::nullopt, -0.1));
  EXPECT_TRUE(is_conflict(-0.05, -0.1));
  EXPECT_FALSE(is_conflict(-0.12, -0.1));
}

TEST(WorkflowCompound, fewer_than_two_experiments_are_refused) {
  auto r = ready();
  auto out = run_compound(r->ws, numbers({1}), {});
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("at least two"), std::string::npos) << out.error().message;
}

TEST(WorkflowCompound, the_combination_is_measured_like_an_experiment_and_compared_with_the_best_alone) {
  auto r = ready();
  r->model->candidate_factor = 0.8;
  const int a = measured_experiment(*r, "first");
  const int b = measured_experiment(*r, "second");
  // Together they gain far less than either alone.
  r->model->candidate_factor = 0.97;
  const std::size_t before = r->model->count("bench");
  auto out = run_compound(r->ws, numbers({a, b}), {});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_GT(r->model->count("bench"), before);
  EXPECT_FALSE(out->verdict.empty());
  ASSERT_TRUE(out->record.combined_change);
  ASSERT_TRUE(out->record.best_change);
  EXPECT_GT(*out->record.combined_change, *out->record.best_change);
  EXPECT_TRUE(out->record.conflict);
  EXPECT_NE(out->record.note.find("worse than the best alone"), std::string::npos) << out->record.note;
  EXPECT_GT(out->record.id, 0);
  EXPECT_GT(out->cost.runs(), 0u);
  EXPECT_FALSE(r->ws.git.branch_exists("bench/compound-001-002") &&
               std::filesystem::exists(r->ws.worktree_dir("compound-001-002"))); // its worktree is removed
}

TEST(WorkflowCompound, experiments_that_do_not_merge_are_a_conflict_without_measuring) {
  auto r = ready();
  r->model->candidate_factor = 0.8;
  // Project::experiment appends to the same file on each branch: the merges conflict.
  const int a = r->project.experiment(r->ws, "one");
  ASSERT_TRUE(run_experiment(r->ws, core::ExperimentNumber(a), {}));
  const int b = r->project.experiment(r->ws, "two");
  ASSERT_TRUE(run_experiment(r->ws, core::ExperimentNumber(b), {}));
  const std::size_t before = r->model->count("bench");
  auto out = run_compound(r->ws, numbers({a, b}), {});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->verdict, "CONFLICT");
  EXPECT_TRUE(out->record.conflict);
  EXPECT_EQ(r->model->count("bench"), before);
}

} // namespace
} // namespace zkbench::workflow
