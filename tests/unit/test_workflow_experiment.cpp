// The workflow's baseline and experiment logic through the model executor (tests/support/model_executor.hpp):
// real git, a real SQLite store, no process measured. Each path of issue 10/11: interleaved sides, KEEP,
// REJECT by the verifier, KILL on evidence (never on one cold run), the flaky extension, several inputs,
// resume after an interrupt, a branch without a change, generated inputs, a stale stored baseline.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>

#include "support/fixtures.hpp"
#include "support/model_executor.hpp"
#include "support/model_project.hpp"
#include "workflow/baseline.hpp"
#include "workflow/comparison_base.hpp"
#include "workflow/experiment.hpp"
#include "workflow/measure_inputs.hpp"
#include "project/workspace.hpp"

namespace zkbench::workflow {
namespace {

using test::ModelExecutor;
using test::ModelSide;

using test::Project;
using test::Ready;
using test::ready;
using test::ready_with_cv;
using test::sh;
using test::write;

Result<ExperimentOutcome> run(Ready& r, int number, verdict::Strategy strategy = verdict::Strategy::sequential,
                              BaselineMode mode = BaselineMode::interleaved) {
  RunExperimentOptions options;
  options.strategy = strategy;
  options.baseline_mode = mode;
  return run_experiment(r.ws, core::ExperimentNumber(number), options);
}

TEST(WorkflowExperiment, baseline_measures_every_input_in_the_project_root_and_verifies_once) {
  auto r = ready("", "  verify: \"verify {out}\"\n");
  EXPECT_EQ(r->model->count("bench", ModelSide::baseline), 2u * (10 + 1)); // runs + warmup per input
  EXPECT_EQ(r->model->count("verify"), 2u);                              // once per input: the command works
  EXPECT_EQ(r->model->count("build"), 1u);
  auto baselines = r->ws.store->list_baselines();
  ASSERT_TRUE(baselines && baselines->size() == 1);
  auto benches = project::baseline_benchmarks(*r->ws.store, baselines->front());
  ASSERT_TRUE(benches);
  EXPECT_EQ(benches->at("a").runs.size(), 10u);
}

TEST(WorkflowExperiment, faster_candidate_alternates_with_the_baseline_build_and_is_keep) {
  auto r = ready();
  const int n = r->project.experiment(r->ws, "faster");
  r->model->candidate_factor = 0.8;
  r->model->steps[ModelSide::candidate] = 1000; // time moves, steps do not
  r->model->calls.clear();
  auto out = run(*r, n);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->experiment.verdict, "KEEP") << out->reason;
  // The reason says the deterministic work did not change while time did.
  EXPECT_NE(out->comparisons[0].decision.reason.find("steps unchanged (deterministic) while time moved"),
            std::string::npos)
      << out->comparisons[0].decision.reason;
  // Both sides measured, alternately, the same number of times per input (sequential: stopped early).
  const auto base = r->model->count("bench", ModelSide::baseline);
  const auto cand = r->model->count("bench", ModelSide::candidate);
  EXPECT_EQ(base, cand);
  EXPECT_LT(cand, 2u * (20 + 1));
  std::string order;
  for (const auto& call : r->model->calls) {
    if (call.kind == "bench") {
      order += call.side == ModelSide::baseline ? "A" : "B";
    }
  }
  EXPECT_EQ(order.substr(0, 8), "ABBAABBA"); // warmup A B, then B A, A B, ...
}

TEST(WorkflowExperiment, candidate_whose_verifier_fails_is_reject_naming_the_verifier) {
  auto r = ready("", "  verify: \"verify {out}\"\n");
  const int n = r->project.experiment(r->ws, "broken proofs");
  r->model->candidate_factor = 0.5; // fast, and wrong
  r->model->verify_ok[ModelSide::candidate] = false;
  auto out = run(*r, n);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->experiment.verdict, "REJECT");
  EXPECT_NE(out->reason.find("verify"), std::string::npos) << out->reason;
  EXPECT_NE(out->reason.find("proof does not verify"), std::string::npos) << out->reason;
}

TEST(WorkflowExperiment, clearly_slower_candidate_is_kill_on_evidence_not_on_the_guard) {
  auto r = ready();
  const int n = r->project.experiment(r->ws, "slower");
  r->model->candidate_factor = 1.6; // above the generic 1.10 multiplier, below the hang guard
  auto out = run(*r, n);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->experiment.verdict, "KILL") << out->reason;
  EXPECT_NE(out->reason.find("clearly slower"), std::string::npos) << out->reason;
}

TEST(WorkflowExperiment, cold_first_runs_never_kill_an_unchanged_program) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    auto r = ready();
    const int n = r->project.experiment(r->ws, "noop" + std::to_string(seed));
    *r->model = ModelExecutor(seed);
    r->model->cold_first = 3.0; // a prover's first proof loads its kernels
    r->model->cv = 0.05;
    auto out = run(*r, n);
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_NE(out->experiment.verdict, "KILL") << out->reason;
    EXPECT_NE(out->experiment.verdict, "KEEP") << out->reason;
  }
}

TEST(WorkflowExperiment, hanging_candidate_is_stopped_at_the_hang_guard_and_killed) {
  auto r = ready();
  const int n = r->project.experiment(r->ws, "hang");
  r->model->candidate_factor = 100; // past 4 x 1.10 x the median (and 5 s)
  auto out = run(*r, n);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->experiment.verdict, "KILL");
  EXPECT_NE(out->reason.find("hang guard"), std::string::npos) << out->reason;
}

TEST(WorkflowExperiment, a_correctness_command_past_the_hang_guard_is_no_verdict_not_kill) {
  auto r = ready();
  const int n = r->project.experiment(r->ws, "slow check");
  r->model->correctness_seconds[ModelSide::candidate] = 1e6; // one cold run of an untimed command
  r->model->candidate_factor = 0.7;                           // the timed runs: a clear gain, yet unchecked
  auto out = run(*r, n);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->experiment.verdict, "INCONCLUSIVE") << out->reason;
  EXPECT_NE(out->reason.find("no evidence of a slowdown"), std::string::npos) << out->reason;
  EXPECT_GT(r->model->count("bench", ModelSide::candidate), 0u); // the timed runs decide a KILL, if any
}

TEST(WorkflowExperiment, a_candidate_whose_correctness_command_and_runs_hang_is_killed_by_its_timed_runs) {
  auto r = ready();
  const int n = r->project.experiment(r->ws, "hangs everywhere");
  r->model->correctness_seconds[ModelSide::candidate] = 1e6;
  r->model->candidate_factor = 100; // past the hang guard
  auto out = run(*r, n);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->experiment.verdict, "KILL") << out->reason;
  EXPECT_NE(out->reason.find("hang guard"), std::string::npos) << out->reason;
}

TEST(WorkflowExperiment, flaky_fixed_strategy_extends_both_sides_to_the_flaky_run_count) {
  auto r = ready();
  const int n = r->project.experiment(r->ws, "noisy");
  r->model->cv = 0.25; // far above the generic 10% CV limit
  r->model->calls.clear();
  auto out = run(*r, n, verdict::Strategy::fixed);
  ASSERT_TRUE(out) << out.error().message;
  // 20 runs (the policy's flaky_runs) + 1 warmup per side and input, unless an input was settled sooner.
  EXPECT_EQ(r->model->count("bench", ModelSide::baseline), r->model->count("bench", ModelSide::candidate));
  EXPECT_EQ(r->model->count("bench", ModelSide::candidate), 2u * 21);
  EXPECT_NE(out->experiment.verdict, "KEEP") << out->reason;
}

TEST(WorkflowExperiment, interrupted_experiment_resumes_with_the_runs_it_kept) {
  auto r = ready();
  const int n = r->project.experiment(r->ws, "resume");
  r->model->candidate_factor = 0.7;
  int benches = 0;
  r->model->interrupt_when = [&](const test::ModelCall& call) { return call.kind == "bench" && ++benches == 6; };
  auto first = run(*r, n, verdict::Strategy::fixed);
  ASSERT_FALSE(first);
  EXPECT_NE(first.error().message.find("interrupted"), std::string::npos);
  r->model->interrupt_when = {};
  r->model->calls.clear();
  auto second = run(*r, n, verdict::Strategy::fixed);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_TRUE(second->resumed);
  EXPECT_EQ(second->experiment.verdict, "KEEP") << second->reason;
  // Input a kept A 2, B 1 (warmups A B, then B A, A and B cut short): B catches up first, 9 more for B.
  EXPECT_EQ(r->model->count("bench", ModelSide::candidate), (1 + 9) + (1 + 10));
}

TEST(WorkflowExperiment, branch_without_a_committed_change_is_refused_and_nothing_is_measured) {
  auto r = ready();
  const int n = r->project.experiment(r->ws, "forgot to commit", false);
  r->model->calls.clear();
  auto out = run(*r, n);
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("no commit beyond the baseline"), std::string::npos) << out.error().message;
  EXPECT_EQ(r->model->count("bench"), 0u);
}

TEST(WorkflowExperiment, a_branch_rebased_onto_a_newer_main_is_refused_naming_the_commits_and_stays_planned) {
  auto r = ready();
  const int n = r->project.experiment(r->ws, "comment only");
  const std::string branch = "bench/" + core::ExperimentNumber(n).format() + "-comment-only";
  // A speed-up lands on the main branch after exp new, then the experiment's branch is rebased onto it:
  // measured, the speed-up would count as the experiment's (issue 20: KEEP -41.99% for a comment).
  ASSERT_EQ(sh(r->project.dir(), "M=$(git symbolic-ref --short HEAD) && echo fast > speedup.txt && git add speedup.txt && "
                                 "git commit -qm 'speed up hashing' && git rebase -q HEAD " + branch + " && git checkout -q $M"),
            0);
  r->model->calls.clear();
  auto out = run(*r, n);
  ASSERT_FALSE(out);
  const std::string& message = out.error().message;
  EXPECT_NE(message.find("no longer starts at its baseline commit"), std::string::npos) << message;
  EXPECT_NE(message.find("\"speed up hashing\""), std::string::npos) << message;
  EXPECT_NE(message.find("git rebase --onto"), std::string::npos) << message;
  EXPECT_EQ(r->model->count("bench"), 0u);
  auto stored = find_experiment(*r->ws.store, core::ExperimentNumber(n));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->state(), core::ExperimentStatus::planned);

  // Put back on the baseline as the message says, it is measured.
  ASSERT_EQ(sh(r->project.dir(), "M=$(git symbolic-ref --short HEAD) && git rebase -q --onto " + stored->baseline_commit +
                                     " " + branch + "~1 " + branch + " && git checkout -q $M"),
            0);
  auto again = run(*r, n);
  EXPECT_TRUE(again) << again.error().message;
}

TEST(WorkflowExperiment, a_deleted_branch_is_a_clear_error_and_the_experiment_stays_planned) {
  auto r = ready();
  const int n = r->project.experiment(r->ws, "gone");
  ASSERT_EQ(sh(r->project.dir(), "git branch -q -D bench/" + core::ExperimentNumber(n).format() + "-gone"), 0);
  auto out = run(*r, n);
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("does not exist (deleted or renamed?)"), std::string::npos) << out.error().message;
  auto stored = find_experiment(*r->ws.store, core::ExperimentNumber(n));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->state(), core::ExperimentStatus::planned);
}

TEST(WorkflowExperiment, uncommitted_changes_in_the_worktree_are_refused_with_the_files) {
  auto r = ready();
  const int n = r->project.experiment(r->ws, "dirty");
  // The worktree exists after a first (refused) attempt; a change left there uncommitted must not be measured.
  const auto tree = r->ws.worktree_dir(core::ExperimentNumber(n).format() + "-dirty");
  ASSERT_TRUE(r->ws.git.ensure_worktree(tree, "bench/" + core::ExperimentNumber(n).format() + "-dirty"));
  write(tree / "code.txt", "uncommitted\n");
  auto out = run(*r, n);
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("has uncommitted changes (code.txt)"), std::string::npos) << out.error().message;
}

TEST(WorkflowExperiment, generated_inputs_are_made_once_and_reused) {
  auto r = ready("  - name: g\n    generate: {command: \"gen {seed} > {output}\", seed: 42}\n");
  EXPECT_EQ(r->model->count("generate"), 1u);
  const auto file = r->project.dir() / "benchmarks" / "generated" / "g";
  EXPECT_TRUE(std::filesystem::exists(file));
  const int n = r->project.experiment(r->ws, "uses g");
  auto out = run(*r, n);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(r->model->count("generate"), 1u); // the stamp matches: reused
}

TEST(WorkflowExperiment, several_inputs_are_each_judged_and_combined_by_weight) {
  auto r = ready();
  const int n = r->project.experiment(r->ws, "both");
  r->model->candidate_factor = 0.85;
  auto out = run(*r, n);
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->comparisons.size(), 2u);
  EXPECT_EQ(out->comparisons[0].command, "a");
  EXPECT_EQ(out->comparisons[1].weight, 2.0);
  ASSERT_TRUE(out->experiment.change.has_value());
  EXPECT_NEAR(*out->experiment.change, -0.15, 0.03);
  // The experiment's change is the joint estimate that decided (the one its interval surrounds), not a
  // second, arithmetic mean of the inputs' changes.
  const auto joint = verdict::joint_change(out->comparisons);
  ASSERT_TRUE(joint);
  EXPECT_DOUBLE_EQ(*out->experiment.change, joint->change);
  EXPECT_NE(*out->experiment.change, (out->comparisons[0].change + 2 * out->comparisons[1].change) / 3);
  EXPECT_EQ(out->experiment.verdict, "KEEP") << out->reason;
}

// The inputs' order of runs, one letter per block of runs of one input: "ab" for a then b, "aba" when a went on.
std::string input_blocks(const ModelExecutor& model) {
  std::string blocks;
  for (const auto& call : model.calls) {
    if (call.kind == "bench" && !call.input.empty() && (blocks.empty() || blocks.back() != call.input.front())) {
      blocks += call.input.front();
    }
  }
  return blocks;
}

// Several inputs are measured in stages, each up to its rule's next claim look, then looked at jointly: a
// real 15% gain at CV 12% that neither input settles alone goes on for both, in turn, and ends for both at
// the joint look that settles it, far short of their budget of 20 runs per side. (Judged one at a time,
// a ran to its own end before b began: "ab" after the baseline's "ab".)
TEST(WorkflowExperiment, several_inputs_are_measured_in_turn_up_to_the_joint_look_that_settles_them) {
  auto r = ready_with_cv(0.12);
  ASSERT_EQ(input_blocks(*r->model), "ab"); // the baseline: a, then b
  const int n = r->project.experiment(r->ws, "both, noisy");
  r->model->candidate_factor = 0.85;
  auto out = run(*r, n);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->experiment.verdict, "KEEP") << out->reason;
  EXPECT_NE(out->reason.find("joint change over 2 inputs"), std::string::npos) << out->reason;
  // a and b up to the first joint look, then both on to the second.
  EXPECT_EQ(input_blocks(*r->model), "ab" "abab");
  ASSERT_EQ(out->comparisons.size(), 2u);
  for (const auto& input : out->comparisons) {
    // Unsettled on its own: its measuring ended with the joint look.
    EXPECT_TRUE(input.paused) << input.command << ": " << input.decision.reason;
    EXPECT_EQ(input.decision.verdict, verdict::Verdict::inconclusive) << input.decision.reason;
    EXPECT_LT(input.metrics[0].candidate.n, 20u);
  }
}

// A no-op whose input a its own rule leaves unsettled ends with b's DISCARD at the joint look, a no further.
TEST(WorkflowExperiment, several_inputs_of_a_no_op_end_at_the_joint_look_that_rules_keep_out) {
  auto r = ready_with_cv(0.10);
  const int n = r->project.experiment(r->ws, "nothing, noisy");
  r->model->candidate_factor = 1.0;
  auto out = run(*r, n);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->experiment.verdict, "DISCARD") << out->reason;
  ASSERT_EQ(out->comparisons.size(), 2u);
  EXPECT_TRUE(out->comparisons[0].paused) << out->comparisons[0].decision.reason;
  EXPECT_EQ(out->comparisons[0].metrics[0].candidate.n, out->comparisons[1].metrics[0].candidate.n);
  EXPECT_LT(out->comparisons[0].metrics[0].candidate.n, 20u);
}

// A no-op measured through scatter that neither input's own rule settles (robust CV beyond cv_limit: its
// futility waits for half of its horizon, and its budget ends "too noisy"): at the last joint look KEEP is out
// of the inputs' joint reach, and both end DISCARD there, short of their budget, where each used to run to
// its own end and leave the experiment INCONCLUSIVE.
TEST(WorkflowExperiment, a_scattered_no_op_ends_discard_where_keep_is_out_of_the_inputs_joint_reach) {
  auto r = ready_with_cv(0.20);
  const int n = r->project.experiment(r->ws, "nothing, scattered");
  r->model->candidate_factor = 1.0;
  auto out = run(*r, n);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->experiment.verdict, "DISCARD") << out->reason;
  ASSERT_EQ(out->comparisons.size(), 2u);
  int out_of_joint_reach = 0;
  for (const auto& input : out->comparisons) {
    EXPECT_FALSE(input.paused) << input.decision.reason;
    EXPECT_EQ(input.decision.verdict, verdict::Verdict::discard) << input.decision.reason;
    EXPECT_LT(input.metrics[0].candidate.n, 20u) << input.decision.reason;
    out_of_joint_reach += input.decision.reason.find("KEEP out of the inputs' joint reach") != std::string::npos;
  }
  EXPECT_GE(out_of_joint_reach, 1);
}

TEST(WorkflowExperiment, stored_mode_refuses_a_verdict_when_the_machine_drifted) {
  auto r = ready_with_cv(0.003); // stored runs steady enough for the drift test to see a drift below MAYBE
  const int n = r->project.experiment(r->ws, "stale");
  r->model->drift_after_s = 0; // everything is 30% slower than when the baseline was measured
  r->model->drift_step = 0.3;
  r->model->candidate_factor = 0.8; // a real gain, hidden by the drift against the stored runs
  auto out = run(*r, n, verdict::Strategy::sequential, BaselineMode::stored);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->experiment.verdict, "INCONCLUSIVE") << out->reason;
  EXPECT_NE(out->reason.find("zkbench baseline"), std::string::npos) << out->reason;
}

TEST(WorkflowExperiment, interleaving_sees_a_gain_through_a_drift_and_warns_the_baseline_is_stale) {
  auto r = ready();
  const int n = r->project.experiment(r->ws, "drifted");
  r->model->drift_after_s = 0;
  r->model->drift_step = 0.3;
  r->model->candidate_factor = 0.8;
  auto out = run(*r, n);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->experiment.verdict, "KEEP") << out->reason;
  bool stale = false;
  for (const auto& w : out->warnings) {
    stale = stale || w.find("stored baseline is stale") != std::string::npos;
  }
  EXPECT_TRUE(stale);
}

TEST(WorkflowExperiment, close_invalid_withdraws_a_keep_from_the_accumulator_and_keeps_the_reason) {
  auto r = ready();
  const int first = r->project.experiment(r->ws, "first");
  const int second = r->project.experiment(r->ws, "second");
  r->model->candidate_factor = 0.7;
  ASSERT_EQ(run(*r, first)->experiment.verdict, "KEEP");
  ASSERT_EQ(run(*r, second)->experiment.verdict, "KEEP");
  EXPECT_EQ(sh(r->project.dir(), "git merge-base --is-ancestor bench/001-first-KEEP bench/accumulator"), 0);

  auto closed =
      close_experiment(r->ws, core::ExperimentNumber(first), "invalid", "a no-op measured on a drifting machine");
  ASSERT_TRUE(closed) << closed.error().message;
  const store::ExperimentRecord& e = closed->experiment;
  EXPECT_EQ(e.status, "closed");
  EXPECT_EQ(e.verdict, "INVALID");
  EXPECT_NE(e.close_reason.find("withdrawn (was KEEP"), std::string::npos) << e.close_reason;
  EXPECT_NE(e.close_reason.find("drifting machine"), std::string::npos);
  // verdict.md keeps the run's verdict under the withdrawal.
  std::ifstream md(r->ws.experiment_dir(e) / "verdict.md");
  const std::string text((std::istreambuf_iterator<char>(md)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("**Withdrawn: INVALID** (was KEEP): a no-op measured on a drifting machine"), std::string::npos)
      << text;
  EXPECT_NE(text.find("**Verdict: KEEP**"), std::string::npos) << text;
  EXPECT_NE(text.find("| input | weight | metric"), std::string::npos) << text;
  // The accumulator holds the remaining KEEP only.
  EXPECT_NE(sh(r->project.dir(), "git merge-base --is-ancestor bench/001-first-INVALID bench/accumulator"), 0);
  EXPECT_EQ(sh(r->project.dir(), "git merge-base --is-ancestor bench/002-second-KEEP bench/accumulator"), 0);
  // Other statuses still refuse a decided experiment.
  EXPECT_FALSE(close_experiment(r->ws, core::ExperimentNumber(second), "superseded", "x"));
}

TEST(WorkflowExperiment, withdrawing_a_keep_reports_a_keep_that_no_longer_merges_into_the_rebuilt_accumulator) {
  auto r = ready();
  const int first = r->project.experiment(r->ws, "first");
  const int second = r->project.experiment(r->ws, "second"); // both append to code.txt: they conflict
  const int third = r->project.experiment(r->ws, "third");
  r->model->candidate_factor = 0.7;
  for (const int n : {first, second, third}) {
    ASSERT_EQ(run(*r, n)->experiment.verdict, "KEEP");
  }
  // The second was merged by hand after its conflict (as the warning asks); the third was not.
  ASSERT_EQ(sh(r->project.dir(), "git worktree add -q .zkbench/hand bench/accumulator && cd .zkbench/hand && "
                                 "{ git merge -q bench/002-second-KEEP || true; } && printf 'v1\\nfirst\\nsecond\\n' > code.txt && "
                                 "git -c user.name=t -c user.email=t@t commit -qam merged && cd ../.. && git worktree remove .zkbench/hand"),
            0);
  auto closed = close_experiment(r->ws, core::ExperimentNumber(first), "invalid", "measured wrong");
  ASSERT_TRUE(closed) << closed.error().message;
  // Rebuilt without the first: the second merges, the third conflicts with it and is reported.
  EXPECT_EQ(sh(r->project.dir(), "git merge-base --is-ancestor bench/002-second-KEEP bench/accumulator"), 0);
  ASSERT_EQ(closed->warnings.size(), 1u);
  EXPECT_NE(closed->warnings[0].find("could not merge bench/003-third-KEEP"), std::string::npos) << closed->warnings[0];
}

TEST(WorkflowExperiment, an_experiment_killed_while_finishing_is_finished_by_the_next_run) {
  auto r = ready();
  const int n = r->project.experiment(r->ws, "finish");
  r->model->candidate_factor = 0.7;
  auto decided = run(*r, n);
  ASSERT_TRUE(decided && decided->experiment.verdict == "KEEP");
  // As if killed right after the store recorded the decision: branch not renamed, no files, no merge.
  ASSERT_EQ(sh(r->project.dir(), "git branch -m bench/001-finish-KEEP bench/001-finish && git branch -D bench/accumulator"), 0);
  const auto dir = r->ws.experiment_dir(decided->experiment);
  std::filesystem::remove(dir / "results.json");
  std::filesystem::remove(dir / "verdict.md");
  r->model->calls.clear();
  auto again = run(*r, n);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(r->model->count("bench"), 0u); // nothing measured again
  EXPECT_TRUE(r->ws.git.branch_exists("bench/001-finish-KEEP"));
  EXPECT_TRUE(std::filesystem::exists(dir / "results.json"));
  EXPECT_TRUE(std::filesystem::exists(dir / "verdict.md"));
  EXPECT_EQ(sh(r->project.dir(), "git merge-base --is-ancestor bench/001-finish-KEEP bench/accumulator"), 0);
}

TEST(WorkflowExperiment, an_experiment_killed_at_any_step_of_finishing_is_finished_by_the_next_run) {
  // Each state a kill can leave: finish_decided renames, writes results.json, writes verdict.md, merges.
  for (int done_steps = 1; done_steps <= 3; ++done_steps) {
    SCOPED_TRACE(done_steps);
    auto r = ready();
    const int n = r->project.experiment(r->ws, "finish");
    r->model->candidate_factor = 0.7;
    auto decided = run(*r, n);
    ASSERT_TRUE(decided && decided->experiment.verdict == "KEEP");
    const auto dir = r->ws.experiment_dir(decided->experiment);
    const std::string verdict_md = zkbench::test::read_file(dir / "verdict.md");
    ASSERT_EQ(sh(r->project.dir(), "git branch -D bench/accumulator"), 0); // the merge is the last step
    if (done_steps < 3) {
      std::filesystem::remove(dir / "verdict.md");
    }
    if (done_steps < 2) {
      std::filesystem::remove(dir / "results.json");
    }
    r->model->calls.clear();
    auto again = run(*r, n);
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(r->model->count("bench"), 0u); // nothing measured again
    ASSERT_FALSE(again->warnings.empty());
    EXPECT_NE(again->warnings.back().find("stopped while finishing: done now"), std::string::npos)
        << again->warnings.back();
    EXPECT_TRUE(std::filesystem::exists(dir / "results.json"));
    EXPECT_TRUE(std::filesystem::exists(dir / "verdict.md"));
    if (done_steps == 3) { // the run's own verdict.md is kept, not replaced by the short one
      EXPECT_EQ(zkbench::test::read_file(dir / "verdict.md"), verdict_md);
    }
    EXPECT_EQ(sh(r->project.dir(), "git merge-base --is-ancestor bench/001-finish-KEEP bench/accumulator"), 0);
    // Finished now: a third run says it is decided.
    auto third = run(*r, n);
    ASSERT_FALSE(third);
    EXPECT_NE(third.error().message.find("already decided"), std::string::npos) << third.error().message;
  }
}

TEST(WorkflowExperiment, unchanged_deterministic_work_with_unsettled_time_stays_inconclusive) {
  // Issue 22: identical steps say nothing about time (a prover-side change leaves the guest's steps alone),
  // so unsettled time is INCONCLUSIVE, never a final DISCARD.
  auto r = ready();
  const int n = r->project.experiment(r->ws, "prover-side change under load");
  r->model->candidate_factor = 0.95; // faster in time only: the guest's steps are the same
  r->model->cv = 0.3;                // a loaded machine: time cannot settle it
  auto out = run(*r, n);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->experiment.verdict, "INCONCLUSIVE") << out->reason;
  int unsettled = 0;
  for (const auto& c : out->comparisons) {
    EXPECT_NE(c.decision.verdict, verdict::Verdict::keep) << c.decision.reason;
    if (c.decision.verdict == verdict::Verdict::inconclusive) {
      ++unsettled;
      EXPECT_NE(c.decision.reason.find("steps unchanged (deterministic"), std::string::npos) << c.decision.reason;
      EXPECT_NE(c.decision.reason.find("time unsettled after"), std::string::npos) << c.decision.reason;
    }
  }
  EXPECT_GT(unsettled, 0); // the path under test was taken
}

// Issue 22: 20 runs per side are the budget; an input whose estimate is KEEP-sized there but unsettled (a
// real gain on a machine scattering its times by 20%) is measured on, up to twice as many, where a change
// that does nothing ends at the budget. The most candidate runs of any input:
std::size_t most_candidate_runs(const ModelExecutor& model) {
  std::map<std::string, std::size_t> runs;
  for (const auto& call : model.calls) {
    if (call.kind == "bench" && call.side == ModelSide::candidate) {
      ++runs[call.input];
    }
  }
  std::size_t most = 0;
  for (const auto& [input, n] : runs) {
    most = std::max(most, n);
  }
  return most;
}

TEST(WorkflowExperiment, an_unsettled_keep_sized_gain_is_measured_past_the_budget_and_a_no_op_is_not) {
  for (const double factor : {0.92, 1.0}) {
    auto r = ready();
    const int n = r->project.experiment(r->ws, factor < 1 ? "a real gain" : "a no-op");
    r->model->candidate_factor = factor;
    r->model->cv = 0.2;
    r->model->calls.clear();
    auto out = run(*r, n);
    ASSERT_TRUE(out) << out.error().message;
    const std::size_t most = most_candidate_runs(*r->model);
    // The warmup run (one per side) comes on top of the measured runs.
    if (factor < 1) {
      EXPECT_GT(most, 21u) << out->reason;
      EXPECT_LE(most, 41u) << out->reason;
      EXPECT_NE(out->experiment.verdict, "DISCARD") << out->reason;
    } else {
      EXPECT_LE(most, 21u) << out->reason;
      EXPECT_NE(out->experiment.verdict, "KEEP") << out->reason;
    }
  }
}

// A command that runs the program itself reports how long it waited for a CPU (the model's wait share, as
// bench/verdicts' one-process cells draw it): exp run judges its time as the unloaded time, which the load's
// waits leave alone; a command whose wait is unknown is judged on its time as measured.
TEST(WorkflowExperiment, the_cpu_wait_of_a_one_process_command_is_taken_out_of_its_time) {
  for (const bool one_process : {true, false}) {
    auto r = ready();
    const int n = r->project.experiment(r->ws, one_process ? "one process" : "threads");
    r->model->candidate_factor = 0.8;
    r->model->load.burst_start = 0.3; // bursts of 1-4 runs, 50-100% slower, and one run of most rounds hit
    r->model->load.burst_max_runs = 4;
    r->model->load.burst_min = 0.5;
    r->model->load.burst_max = 1.0;
    r->model->load.exclusive = 0.9;
    r->model->load.exclusive_min = 0.5;
    r->model->load.exclusive_max = 1.0;
    if (one_process) {
      r->model->load.wait_share = 1.0;
    }
    auto out = run(*r, n);
    ASSERT_TRUE(out) << out.error().message;
    ASSERT_FALSE(out->comparisons.empty());
    for (const auto& c : out->comparisons) {
      EXPECT_EQ(c.metric, one_process ? "unloaded_time" : "time") << c.decision.reason;
      if (one_process) { // the load taken out: the 20% gain at the base noise's width
        EXPECT_EQ(c.decision.verdict, verdict::Verdict::keep) << c.decision.reason;
        EXPECT_GT(c.change, -0.25) << c.decision.reason;
        EXPECT_LT(c.change, -0.15) << c.decision.reason;
      }
    }
    if (one_process) {
      EXPECT_EQ(out->experiment.verdict, "KEEP") << out->reason;
    }
  }
}

TEST(WorkflowExperiment, an_interrupted_baseline_resumes_with_the_runs_it_kept) {
  Project project;
  ModelExecutor* model = nullptr;
  project::Workspace ws = project.open(model);
  int benches = 0;
  model->interrupt_when = [&](const test::ModelCall& call) { return call.kind == "bench" && ++benches == 6; };
  auto first = establish_baseline(ws, {});
  ASSERT_FALSE(first);
  EXPECT_NE(first.error().message.find("zkbench baseline resumes"), std::string::npos) << first.error().message;
  model->interrupt_when = {};
  model->calls.clear();
  std::vector<std::string> said;
  BaselineOptions options;
  options.say = [&](const std::string& line) { said.push_back(line); };
  auto second = establish_baseline(ws, options);
  ASSERT_TRUE(second) << second.error().message;
  // Input a kept 4 runs (a warmup, then 4 measured before the 6th execution was cut): 6 more, with a warmup.
  EXPECT_EQ(model->count("bench"), (1u + 6) + (1u + 10));
  EXPECT_EQ(second->inputs[0].runs, 10u);
  bool resumed = false;
  for (const std::string& line : said) {
    resumed = resumed || line.find("resumed a with 4 runs") != std::string::npos;
  }
  EXPECT_TRUE(resumed);
  auto benches_a = project::baseline_benchmarks(*ws.store, ws.store->list_baselines()->back());
  ASSERT_TRUE(benches_a);
  EXPECT_EQ(benches_a->at("a").runs.size(), 10u); // both sessions of input a
}

TEST(WorkflowExperiment, stored_mode_needs_a_drift_test_that_sees_drifts_below_the_maybe_threshold) {
  // Stored runs at 1% noise: their 99% prediction interval is about +-3.4%, between MAYBE (2%) and KEEP (5%):
  // an unseen 3.4% drift plus a 2% gain would read as a KEEP.
  auto r = ready_with_cv(0.01);
  const int n = r->project.experiment(r->ws, "small gain");
  r->model->candidate_factor = 0.98;
  auto out = run(*r, n, verdict::Strategy::sequential, BaselineMode::stored);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->experiment.verdict, "INCONCLUSIVE") << out->reason;
  for (const auto& c : out->comparisons) {
    EXPECT_NE(c.decision.reason.find("smaller than the MAYBE threshold"), std::string::npos) << c.decision.reason;
  }
}

TEST(WorkflowExperiment, stored_mode_ends_its_sequential_test_where_the_stored_runs_end) {
  auto r = ready_with_cv(0.002); // 10 stored runs per input, quiet: the drift test sees small drifts
  const auto policy = project::project_policy(r->ws.project.config);
  ASSERT_TRUE(policy);
  auto stored = project::baseline_benchmarks(*r->ws.store, r->ws.store->list_baselines()->front());
  ASSERT_TRUE(stored) << stored.error().message;
  r->model->candidate_factor = 0.97; // below the KEEP threshold, with a noisy candidate: the test runs to its end
  r->model->candidate_cv = 0.08;
  std::filesystem::create_directories(r->ws.worktree_dir("001-x"));
  InputJudgeOptions options;
  options.owner = {"experiment", 1, "", "experiment"};
  options.mode = BaselineMode::stored;
  options.runs = 20; // max(runs, flaky_runs), as exp run asks
  options.futility_min_runs = 1000;
  options.warmup = 1;
  options.baseline_dir = r->project.dir();
  options.candidate_dir = r->ws.worktree_dir("001-x");
  const project::InputSpec& input = r->ws.project.inputs.inputs.front();
  auto judged = judge_input(r->ws, input, stored->at(input.name), *policy, options);
  ASSERT_TRUE(judged) << judged.error().message;
  // Paired with the 10 stored runs, the sequential rule makes its final look at 10 (not 20 runs, of which
  // the last 10 nothing looks at, then the fixed rule).
  EXPECT_EQ(judged->candidate.runs.size(), 10u) << judged->comparison.decision.reason;
  ASSERT_FALSE(judged->trace.empty());
  EXPECT_EQ(judged->trace.back().runs, 10);
  EXPECT_TRUE(judged->trace.back().stop);
}

TEST(WorkflowExperiment, a_resumed_stored_mode_experiment_tests_the_drift_again) {
  auto r = ready_with_cv(0.002);
  const int n = r->project.experiment(r->ws, "resumed later");
  r->model->candidate_factor = 0.9;
  r->model->interrupt_when = [](const test::ModelCall& call) {
    return call.kind == "bench" && call.side == ModelSide::candidate;
  };
  auto first = run(*r, n, verdict::Strategy::sequential, BaselineMode::stored);
  ASSERT_FALSE(first); // interrupted after input a's drift test
  // Hours later the machine is 15% slower: the drift runs kept from the first attempt no longer say so.
  r->model->interrupt_when = {};
  r->model->drift_step = 0.15;
  r->model->drift_after_s = 0;
  const std::size_t before = r->model->count("bench", ModelSide::baseline);
  auto out = run(*r, n, verdict::Strategy::sequential, BaselineMode::stored);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_GE(r->model->count("bench", ModelSide::baseline) - before, 3u); // fresh drift runs
  EXPECT_EQ(out->experiment.verdict, "INCONCLUSIVE") << out->reason;
  EXPECT_NE(out->reason.find("stale"), std::string::npos) << out->reason;
}

// The baseline's build and a candidate's, as exp run measures them, for measure_input.
std::vector<SideSpec> both_sides(Ready& r) {
  std::filesystem::create_directories(r.ws.worktree_dir("001-x"));
  return {{"baseline", r.project.dir(), measure::VerifyWhen::first_run},
          {"candidate", r.ws.worktree_dir("001-x"), measure::VerifyWhen::every_run}};
}

// Three pairs of runs linked to experiment `owner_id`.
MeasureOptions three_pairs(std::int64_t owner_id) {
  MeasureOptions options;
  options.owner = {"experiment", owner_id, "", "experiment"};
  options.runs = 3;
  return options;
}

TEST(WorkflowExperiment, kept_runs_are_resumed_only_under_the_settings_they_were_measured_with) {
  auto r = ready();
  const project::InputSpec& input = r->ws.project.inputs.inputs.front();
  const auto sides = both_sides(*r);
  MeasureOptions options = three_pairs(42);
  options.settings = "sequential strategy, at most 20 runs per side, interleaved baseline";
  auto first = measure_input(r->ws, input, sides, options);
  ASSERT_TRUE(first) << first.error().message;
  options.settings = "fixed strategy, 10 runs per side, interleaved baseline";
  options.runs = 10;
  auto other = measure_input(r->ws, input, sides, options);
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message.find("measured with sequential strategy, at most 20 runs per side"),
            std::string::npos)
      << other.error().message;
  EXPECT_NE(other.error().message.find("resume with the options it started with"), std::string::npos);
}

TEST(WorkflowExperiment, every_run_kept_already_still_gets_a_look_of_the_stop_rule) {
  auto r = ready();
  const project::InputSpec& input = r->ws.project.inputs.inputs.front();
  const auto sides = both_sides(*r);
  MeasureOptions options = three_pairs(43);
  auto first = measure_input(r->ws, input, sides, options); // killed, as it were, before its look
  ASSERT_TRUE(first) << first.error().message;
  const std::size_t calls = r->model->count("bench");
  std::size_t looked_at = 0;
  options.enough = [&](std::span<const core::Benchmark> benches) {
    looked_at = benches.back().runs.size();
    return true;
  };
  auto again = measure_input(r->ws, input, sides, options);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(r->model->count("bench"), calls); // nothing measured again
  EXPECT_EQ(looked_at, 3u);
  EXPECT_EQ(again->end, measure::LoopStatus::decided);
}

TEST(WorkflowExperiment, a_metric_missing_after_the_rule_looked_ends_the_input_without_a_second_test) {
  auto r = ready_with_cv(0.01, "preset: generic\nprimary_metric: steps\n");
  const int n = r->project.experiment(r->ws, "lost metric");
  r->model->steps_cv = 0.05; // steps that are not exact: the rule looks without deciding at 3 pairs
  // Input a: the warmup pair and 3 pairs print steps, the 4th pair does not.
  r->model->steps_until = r->model->count("bench") + 8;
  auto out = run(*r, n);
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_FALSE(out->comparisons.empty());
  const auto& a = out->comparisons.front();
  EXPECT_EQ(a.decision.verdict, verdict::Verdict::inconclusive) << a.decision.reason;
  EXPECT_NE(a.decision.reason.find("a run without metric 'steps' after the rule had looked"), std::string::npos)
      << a.decision.reason;
}

} // namespace
} // namespace zkbench::workflow
