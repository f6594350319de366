// workflow::BisectJudge through the model executor (tests/support/model_executor.hpp: one worktree folder per
// commit, its time factor and steps): what the ends and a midpoint are, which way round each question is
// put, the exact path's run counts, a midpoint whose benchmark command fails, the --threshold policy. A real
// SQLite store, no process measured.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "project/workspace.hpp"
#include "store/store.hpp"
#include "support/fixtures.hpp"
#include "support/model_executor.hpp"
#include "workflow/bisect_judge.hpp"

namespace zkbench::workflow {
namespace {

using test::ModelExecutor;

class JudgeProject {
public:
  JudgeProject() {
    const auto& d = m_dir.path();
    std::filesystem::create_directories(d / "benchmarks");
    std::ofstream(d / "a.txt") << "a\n";
    std::ofstream(d / "benchmarks" / "inputs.yaml") << "inputs:\n  - name: a\n    path: ../a.txt\n";
    std::ofstream(d / "zkbench.yaml")
        << "benchmark:\n  build: \"build it\"\n  command: \"prog {input}\"\n  runs: 10\n"
           "  warmup: 0\n  cooldown_seconds: 0\n  metrics:\n    steps: 'steps: ([0-9]+)'\n"
           "correctness:\n  command: \"prog {input}\"\npolicy: generic\n";
    EXPECT_EQ(std::system(("cd '" + d.string() + "' && git init -q").c_str()), 0);
    auto ws = project::open_workspace(d / "zkbench.yaml");
    EXPECT_TRUE(ws) << ws.error().message;
    m_ws = std::make_unique<project::Workspace>(std::move(*ws));
    auto owned = std::make_unique<ModelExecutor>(11);
    model = owned.get();
    model->cv = 0.01;
    m_ws->executor = std::move(owned);
    m_ws->monitor = nullptr;
    m_ws->contention = nullptr;
    m_ws->stop_requested = {};
  }

  /// A commit built in .zkbench/worktrees/bisect-<n>, `factor` x the time, `steps` steps.
  CommitBuild commit(int n, double factor, double steps = 1000) {
    CommitBuild b{std::string(40, static_cast<char>('0' + n)),
                  m_ws->worktree_dir("bisect-" + std::to_string(n))};
    std::filesystem::create_directories(b.dir);
    model->commits[b.dir.filename().string()] = {factor, steps};
    return b;
  }

  BisectJudge judge(const std::string& metric = "time", std::optional<double> threshold = std::nullopt) {
    BisectJudgeSettings settings;
    settings.command = "test";
    settings.inputs = m_ws->project.inputs.inputs;
    auto policy = project::project_policy(m_ws->project.config);
    EXPECT_TRUE(policy);
    settings.policy = bisect_policy(*policy, threshold);
    settings.policy.primary_metric = metric;
    settings.max_runs = 20;
    return BisectJudge(*m_ws, settings);
  }

  ModelExecutor* model = nullptr;

private:
  test::TempDir m_dir;
  std::unique_ptr<project::Workspace> m_ws;
};

TEST(BisectJudge, a_slower_bad_end_then_midpoints_like_either_end) {
  JudgeProject p;
  const CommitBuild good = p.commit(0, 1.0);
  const CommitBuild bad = p.commit(9, 1.2);
  BisectJudge judge = p.judge();
  auto direction = judge.compare_ends(good, bad);
  ASSERT_TRUE(direction) << direction.error().message;
  EXPECT_EQ(*direction, Shift::slower);
  // The question put as "is GOOD faster than BAD": GOOD the candidate, BAD the baseline, KEEP.
  ASSERT_EQ(judge.evidence().size(), 1U);
  EXPECT_EQ(judge.evidence()[0].candidate, good.commit);
  EXPECT_EQ(judge.evidence()[0].verdict, "KEEP");
  EXPECT_FALSE(judge.exact()); // time is no deterministic metric

  auto like_bad = judge.classify(good, bad, p.commit(5, 1.2), *direction);
  ASSERT_TRUE(like_bad);
  EXPECT_EQ(*like_bad, CommitClass::bad);
  // Both questions asked: "is GOOD faster than it?" yes, and the cross-check "is it faster than BAD?" no.
  ASSERT_EQ(judge.evidence().size(), 3U);
  EXPECT_EQ(judge.evidence()[1].shift, Shift::faster);
  EXPECT_EQ(judge.evidence()[2].baseline, bad.commit);
  EXPECT_EQ(judge.evidence()[2].shift, Shift::none);
  EXPECT_EQ(judge.last_attempts(), 1);

  auto like_good = judge.classify(good, bad, p.commit(3, 1.0), *direction);
  ASSERT_TRUE(like_good);
  EXPECT_EQ(*like_good, CommitClass::good);
  ASSERT_EQ(judge.evidence().size(), 5U); // "is GOOD faster than it?" no; "is it faster than BAD?" yes
  EXPECT_EQ(judge.evidence()[4].baseline, bad.commit);
  EXPECT_EQ(judge.evidence()[4].shift, Shift::faster);

  // Halfway: told apart from both ends, so both questions claim and one of them must be false for a
  // commit that is either: unsettled, asked again measured further (twice the runs), still unsettled.
  auto halfway = judge.classify(good, bad, p.commit(4, 1.1), *direction);
  ASSERT_TRUE(halfway);
  EXPECT_EQ(*halfway, CommitClass::unsettled);
  EXPECT_EQ(judge.last_attempts(), 2);
  EXPECT_EQ(judge.comparisons(), 1U + 2U + 2U + 4U);
  EXPECT_GT(judge.cost().runs(), 0U);
}

TEST(BisectJudge, a_question_asked_again_measures_further) {
  EXPECT_EQ(runs_at(20, 1), 20);
  EXPECT_EQ(runs_at(20, 2), 40);
  EXPECT_EQ(runs_at(20, 3), 80);
  EXPECT_EQ(runs_at(20, 4), 80); // at most k_further_doublings doublings
}

TEST(BisectJudge, ends_told_apart_by_a_false_claim_are_no_difference_after_a_search_that_placed_nothing) {
  JudgeProject p;
  const CommitBuild good = p.commit(0, 1.0);
  const CommitBuild bad = p.commit(9, 1.0);
  std::vector<CommitBuild> commits{good};
  for (int i = 1; i < 9; ++i) {
    commits.push_back(p.commit(i, 1.0));
  }
  commits.push_back(bad);
  BisectJudge judge = p.judge();
  ASSERT_TRUE(judge.compare_ends(good, bad));
  const std::size_t ends_questions = judge.ends_questions();
  // As if compare_ends had claimed BAD slower: every midpoint is like both ends, the search gives up
  // without placing one, and the ends asked again are not told apart.
  auto answer = search_between(judge, good, bad, Shift::slower, 9,
                               [&](std::size_t i) { return judge.classify(good, bad, commits[i], Shift::slower); });
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_TRUE(answer->search.gave_up);
  EXPECT_EQ(answer->direction, Shift::none);
  EXPECT_EQ(judge.ends_questions(), ends_questions + 1);
  EXPECT_EQ(judge.evidence().back().baseline, bad.commit); // "is GOOD faster than BAD?", once more
  EXPECT_EQ(judge.evidence().back().candidate, good.commit);

  // A real step is placed and keeps its direction; nothing is asked of the ends again.
  JudgeProject q;
  std::vector<CommitBuild> history;
  for (int i = 0; i <= 9; ++i) {
    history.push_back(q.commit(i, i >= 6 ? 1.2 : 1.0));
  }
  BisectJudge step = q.judge();
  auto direction = step.compare_ends(history.front(), history.back());
  ASSERT_TRUE(direction);
  ASSERT_EQ(*direction, Shift::slower);
  auto found = search_between(step, history.front(), history.back(), *direction, 9, [&](std::size_t i) {
    return step.classify(history.front(), history.back(), history[i], *direction);
  });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->direction, Shift::slower);
  EXPECT_TRUE(found->search.exact());
  EXPECT_EQ(found->search.first_bad, 6U);
  EXPECT_EQ(step.ends_questions(), 1U);
  EXPECT_GT(judge.cost().runs(), 0U);
}

TEST(BisectJudge, a_faster_bad_end_is_bisected_with_the_mirror_questions) {
  JudgeProject p;
  const CommitBuild good = p.commit(0, 1.0);
  const CommitBuild bad = p.commit(9, 0.8);
  BisectJudge judge = p.judge();
  auto direction = judge.compare_ends(good, bad);
  ASSERT_TRUE(direction);
  EXPECT_EQ(*direction, Shift::faster);
  auto mid = judge.classify(good, bad, p.commit(5, 0.8), *direction);
  ASSERT_TRUE(mid);
  EXPECT_EQ(*mid, CommitClass::bad);
  const auto& asked = judge.evidence();
  ASSERT_GE(asked.size(), 3U);
  EXPECT_EQ(asked[asked.size() - 2].baseline, good.commit); // "is M faster than GOOD?"
  EXPECT_EQ(asked[asked.size() - 2].verdict, "KEEP");
  EXPECT_EQ(asked.back().baseline, p.commit(5, 0.8).commit); // the check: "is BAD faster than M?" no
  EXPECT_EQ(asked.back().candidate, bad.commit);
  EXPECT_EQ(asked.back().shift, Shift::none);
}

TEST(BisectJudge, equal_ends_are_no_difference) {
  JudgeProject p;
  BisectJudge judge = p.judge();
  auto direction = judge.compare_ends(p.commit(0, 1.0), p.commit(9, 1.0));
  ASSERT_TRUE(direction);
  EXPECT_EQ(*direction, Shift::none);
}

TEST(BisectJudge, a_threshold_above_the_step_makes_the_ends_equal) {
  JudgeProject p;
  BisectJudge judge = p.judge("time", 0.5);
  auto direction = judge.compare_ends(p.commit(0, 1.0), p.commit(9, 1.2));
  ASSERT_TRUE(direction);
  EXPECT_EQ(*direction, Shift::none);
}

TEST(BisectJudge, an_exact_steps_metric_measures_each_commit_once_for_three_runs) {
  JudgeProject p;
  const CommitBuild good = p.commit(0, 1.0, 1000);
  const CommitBuild bad = p.commit(9, 1.2, 1200);
  BisectJudge judge = p.judge("steps");
  auto direction = judge.compare_ends(good, bad);
  ASSERT_TRUE(direction);
  EXPECT_EQ(*direction, Shift::slower);
  EXPECT_TRUE(judge.exact());
  EXPECT_EQ(judge.cost().runs(), 6U); // 3 per side: the rule's minimum for an exact decision
  auto good_like = judge.classify(good, bad, p.commit(3, 1.0, 1000), *direction);
  ASSERT_TRUE(good_like);
  EXPECT_EQ(*good_like, CommitClass::good);
  EXPECT_EQ(judge.cost().runs(), 9U); // its 3 runs, reused by both questions
  auto bad_like = judge.classify(good, bad, p.commit(6, 1.0, 1200), *direction);
  ASSERT_TRUE(bad_like);
  EXPECT_EQ(*bad_like, CommitClass::bad); // steps decide, whatever the time
  EXPECT_EQ(judge.cost().runs(), 12U);
  EXPECT_EQ(p.model->count("bench"), 12U);
  for (const BisectEvidence& e : judge.evidence()) {
    EXPECT_EQ(e.interval, "exact");
  }
}

TEST(BisectJudge, a_midpoint_whose_benchmark_fails_is_skipped) {
  JudgeProject p;
  const CommitBuild good = p.commit(0, 1.0);
  const CommitBuild bad = p.commit(9, 1.2);
  BisectJudge judge = p.judge();
  auto direction = judge.compare_ends(good, bad);
  ASSERT_TRUE(direction);
  // Runs far past the hang guard (8 x 1.1 x the slowest run seen, at least 5 s): a hang, not a verdict.
  const CommitBuild hung = p.commit(5, 100.0);
  auto mid = judge.classify(good, bad, hung, *direction);
  ASSERT_TRUE(mid) << mid.error().message;
  EXPECT_EQ(*mid, CommitClass::skip);
  EXPECT_NE(judge.evidence().back().failure.find("timed out"), std::string::npos)
      << judge.evidence().back().failure;
}

TEST(BisectJudge, bisect_policy_makes_every_threshold_the_bisections) {
  verdict::Policy generic;
  const verdict::Policy by_default = bisect_policy(generic, std::nullopt);
  EXPECT_DOUBLE_EQ(by_default.keep_threshold, generic.maybe_threshold);
  EXPECT_DOUBLE_EQ(by_default.regression_threshold, generic.maybe_threshold);
  const verdict::Policy set = bisect_policy(generic, 0.07);
  EXPECT_DOUBLE_EQ(set.keep_threshold, 0.07);
  EXPECT_DOUBLE_EQ(set.maybe_threshold, 0.07);
  EXPECT_DOUBLE_EQ(set.regression_threshold, 0.07);
  EXPECT_DOUBLE_EQ(set.deterministic_keep, 0.07);
  EXPECT_DOUBLE_EQ(set.deterministic_regression, 0.07);
}

TEST(BisectJudge, claimed_shift_reads_the_rules_claims) {
  EXPECT_EQ(claimed_shift({verdict::Verdict::keep, false, ""}), Shift::faster);
  EXPECT_EQ(claimed_shift({verdict::Verdict::maybe, false, ""}), Shift::faster);
  EXPECT_EQ(claimed_shift({verdict::Verdict::discard, true, ""}), Shift::slower);
  EXPECT_EQ(claimed_shift({verdict::Verdict::kill, true, ""}), Shift::slower);
  EXPECT_EQ(claimed_shift({verdict::Verdict::discard, false, ""}), Shift::none);
  EXPECT_EQ(claimed_shift({verdict::Verdict::inconclusive, false, ""}), Shift::none);
  EXPECT_EQ(opposite(Shift::slower), Shift::faster);
  EXPECT_EQ(opposite(Shift::none), Shift::none);
}

} // namespace
} // namespace zkbench::workflow
