// workflow/input_verdict through the model executor (tests/support/model_project.hpp): one input judged
// against the baseline's build measured beside it (A B B A) or against the stored runs, the hang guard,
// REJECT by the verifier, and a broken baseline that gives no verdict.
#include <gtest/gtest.h>

#include <algorithm>

#include "stats/descriptive.hpp"
#include "support/model_project.hpp"
#include "workflow/input_verdict.hpp"

namespace zkbench::workflow {
namespace {

using test::ModelSide;
using test::Ready;
using test::ready;

InputJudgeOptions judging(Ready& r) {
  std::filesystem::create_directories(r.ws.worktree_dir("001-x"));
  InputJudgeOptions options;
  options.owner = {"experiment", 1, "zkbench exp run 001", "experiment"};
  options.runs = 20;
  options.warmup = 1;
  options.baseline_dir = r.project.dir();
  options.candidate_dir = r.ws.worktree_dir("001-x");
  return options;
}

struct Judged {
  std::unique_ptr<Ready> r;
  verdict::Policy policy;
  core::Benchmark stored;
};

// The project's policy and the stored baseline runs of its first input.
Judged with_baseline(std::unique_ptr<Ready> ready_project) {
  Judged j{std::move(ready_project), {}, {}};
  auto policy = project::project_policy(j.r->ws.project.config);
  EXPECT_TRUE(policy) << policy.error().message;
  j.policy = *policy;
  auto stored = project::baseline_benchmarks(*j.r->ws.store, j.r->ws.store->list_baselines()->front());
  EXPECT_TRUE(stored) << stored.error().message;
  j.stored = stored->at(j.r->ws.project.inputs.inputs.front().name);
  return j;
}

Judged judged_project(const std::string& correctness_extra = "") {
  return with_baseline(ready("", correctness_extra));
}

TEST(WorkflowInputVerdict, the_hang_guard_is_far_beyond_the_stored_median_and_never_below_its_floor) {
  Judged j = judged_project();
  const double median = stats::median(j.stored.wall_times());
  const double guard = hang_guard_s(j.stored, j.policy);
  EXPECT_GE(guard, 8 * j.policy.timeout_multiplier * median);
  EXPECT_GE(guard, median + j.policy.timeout_min_slack_s);
  core::Benchmark tiny;
  tiny.runs.resize(3);
  for (core::Run& run : tiny.runs) {
    run.wall_s = 1e-4;
  }
  EXPECT_EQ(hang_guard_s(tiny, j.policy), hang_guard_s(core::Benchmark{}, j.policy)); // the floor
  EXPECT_GT(hang_guard_s(tiny, j.policy), 1e-4);
}

TEST(WorkflowInputVerdict, a_clearly_faster_candidate_measured_beside_the_baseline_is_keep) {
  Judged j = judged_project();
  j.r->model->candidate_factor = 0.8;
  auto judged = judge_input(j.r->ws, j.r->ws.project.inputs.inputs.front(), j.stored, j.policy, judging(*j.r));
  ASSERT_TRUE(judged) << judged.error().message;
  EXPECT_EQ(judged->comparison.decision.verdict, verdict::Verdict::keep) << judged->comparison.decision.reason;
  EXPECT_LT(judged->comparison.change, 0);
  EXPECT_FALSE(judged->trace.empty());
  EXPECT_TRUE(judged->trace.back().stop);
  // Interleaved: both sides measured now, as many runs each.
  EXPECT_EQ(judged->baseline.runs.size(), judged->candidate.runs.size());
  EXPECT_TRUE(judged->failure.empty());
}

TEST(WorkflowInputVerdict, a_candidate_the_verifier_rejects_is_reject_and_a_failure) {
  Judged j = judged_project("  verify: \"verify {out}\"\n");
  j.r->model->verify_ok[ModelSide::candidate] = false;
  auto judged = judge_input(j.r->ws, j.r->ws.project.inputs.inputs.front(), j.stored, j.policy, judging(*j.r));
  ASSERT_TRUE(judged) << judged.error().message;
  EXPECT_EQ(judged->comparison.decision.verdict, verdict::Verdict::reject);
  EXPECT_FALSE(judged->baseline_broken);
  EXPECT_NE(judged->failure.find("proof does not verify"), std::string::npos) << judged->failure;
}

TEST(WorkflowInputVerdict, a_baseline_that_no_longer_verifies_gives_no_verdict) {
  Judged j = judged_project("  verify: \"verify {out}\"\n");
  j.r->model->verify_ok[ModelSide::baseline] = false;
  auto judged = judge_input(j.r->ws, j.r->ws.project.inputs.inputs.front(), j.stored, j.policy, judging(*j.r));
  ASSERT_TRUE(judged) << judged.error().message;
  EXPECT_TRUE(judged->baseline_broken);
  EXPECT_NE(judged->failure.find("the baseline's build"), std::string::npos) << judged->failure;
}

TEST(WorkflowInputVerdict, against_the_stored_runs_only_the_candidate_is_measured_after_a_drift_test) {
  Judged j = with_baseline(test::ready_with_cv(0.002)); // stored runs tight enough for the drift test to see
  j.r->model->candidate_factor = 0.8;
  const std::size_t before = j.r->model->count("bench", ModelSide::baseline);
  InputJudgeOptions options = judging(*j.r);
  options.mode = BaselineMode::stored;
  auto judged = judge_input(j.r->ws, j.r->ws.project.inputs.inputs.front(), j.stored, j.policy, options);
  ASSERT_TRUE(judged) << judged.error().message;
  // The drift test's fresh baseline runs (and its warmup) only; the candidate is paired with the stored runs.
  EXPECT_EQ(j.r->model->count("bench", ModelSide::baseline) - before,
            static_cast<std::size_t>(options.drift_runs + options.warmup));
  EXPECT_EQ(judged->baseline.runs.size(), j.stored.runs.size());
  EXPECT_LE(judged->candidate.runs.size(), j.stored.runs.size());
  EXPECT_LT(judged->comparison.change, 0);
}

} // namespace
} // namespace zkbench::workflow
