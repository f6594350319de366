// The one A/B judge of `ab`, `exp run` and `compound`: the stop rule over the sides' runs, the decision
// on the kept runs with contended rounds left out (every run at the final look of a spent budget), a
// metric that goes missing, KILL on evidence, the stored baseline, and the contention guard last.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "verdict/ab_judge.hpp"

namespace zkbench::verdict {
namespace {

const Policy k_generic = *preset("generic");

// Deterministic pseudo-noise around 1 (mean 0 offsets).
double jitter(std::size_t i) {
  static const double pattern[] = {0.8, -1.1, 0.3, -0.4, 1.2, -0.9, 0.1, 0.6, -0.6, 0.0};
  return 1.0 + 0.01 * pattern[i % 10];
}

core::Run run_of(std::size_t index, double wall, bool contended = false) {
  core::Run run;
  run.index = static_cast<int>(index);
  run.wall_s = wall;
  core::RunContention c;
  c.contended = contended;
  c.foreign_cores = contended ? 1.9 : 0.01;
  c.limit_cores = 0.2;
  c.top = contended ? "cc1plus (2 processes, 1.9 cores)" : "";
  run.contention = c;
  return run;
}

AbOptions sequential(int min_runs = 3, int max_runs = 20) {
  AbOptions o;
  o.strategy = Strategy::sequential;
  o.sequential = sequential_options(k_generic, min_runs, max_runs);
  return o;
}

// Feeds rounds to the judge as the run loop does (a round, then a look) until it stops or max_pairs.
std::vector<core::Benchmark> measure(AbJudge& judge, double base, double factor,
                                     const std::function<void(core::Run&, int side)>& amend = {}) {
  std::vector<core::Benchmark> sides(2);
  for (int pair = 0; pair < judge.max_pairs(); ++pair) {
    for (int side = 0; side < 2; ++side) {
      const std::size_t i = sides[side].runs.size();
      core::Run run = run_of(i, (side == 0 ? base : base * factor) * jitter(i + (side == 0 ? 0 : 3)));
      if (amend) {
        amend(run, side);
      }
      sides[side].runs.push_back(run);
    }
    if (judge.look(sides)) {
      break;
    }
  }
  return sides;
}

TEST(VerdictAbJudge, decides_as_the_decider_on_the_rounds_it_stopped_at) {
  AbJudge judge("time", k_generic, sequential(), MetricFallback::none);
  const auto sides = measure(judge, 1.0, 0.7);
  ASSERT_LT(sides[0].runs.size(), 20u) << "a 30% gain settles before max_runs";
  const AbJudgement j = judge.judge(sides[0], sides[1], false);

  AbDecider decider("time", k_generic, sequential());
  const auto b = sides[0].wall_times();
  const auto c = sides[1].wall_times();
  for (std::size_t k = 1; k <= b.size(); ++k) {
    decider.look(std::span(b).first(k), std::span(c).first(k));
  }
  const AbOutcome expected = decider.outcome(b, c);
  EXPECT_EQ(j.outcome.decision.verdict, Verdict::keep);
  EXPECT_EQ(j.outcome.decision.reason, expected.decision.reason);
  EXPECT_TRUE(j.outcome.stopped_early);
  ASSERT_TRUE(j.deciding.has_value());
  EXPECT_EQ(j.look_metric, "time");
  EXPECT_EQ(j.deciding->runs, static_cast<int>(b.size()));
  EXPECT_EQ(judge.trace(j).size(), expected.trace.size());
  EXPECT_EQ(judge.guard(j.outcome.decision, j).reason, j.outcome.decision.reason) << "no contention: unchanged";
}

TEST(VerdictAbJudge, leaves_contended_rounds_out_and_names_them_last) {
  AbJudge judge("time", k_generic, sequential(), MetricFallback::none);
  auto sides = measure(judge, 1.0, 0.7);
  const std::size_t rounds = sides[0].runs.size();
  sides[1].runs.push_back(run_of(rounds, 5.0, true)); // a slow contended round: never judged
  sides[0].runs.push_back(run_of(rounds, 1.0));
  const AbJudgement j = judge.judge(sides[0], sides[1], false);
  EXPECT_EQ(j.judged[0].runs.size(), rounds);
  EXPECT_EQ(j.outcome.candidate.size(), rounds);
  EXPECT_EQ(j.contention.contended, 1u);
  const Decision guarded = judge.guard(j.outcome.decision, j);
  EXPECT_EQ(guarded.verdict, Verdict::keep);
  EXPECT_NE(guarded.reason.find("1 of " + std::to_string(2 * rounds + 2) + " runs contended"), std::string::npos)
      << guarded.reason;
}

TEST(VerdictAbJudge, a_loop_cut_short_with_too_few_uncontended_runs_is_inconclusive) {
  // The loop stopped before its budget (the gate's on_timeout: fail): 2 uncontended rounds of 6.
  AbJudge judge("time", k_generic, sequential(5, 20), MetricFallback::none);
  std::vector<core::Benchmark> sides(2);
  for (std::size_t i = 0; i < 6; ++i) {
    sides[0].runs.push_back(run_of(i, 1.0 * jitter(i), i >= 2));
    sides[1].runs.push_back(run_of(i, 0.7 * jitter(i + 3)));
  }
  const AbJudgement j = judge.judge(sides[0], sides[1], false);
  EXPECT_FALSE(j.every_run);
  EXPECT_EQ(j.outcome.baseline.size(), 2u);
  const Decision guarded = judge.guard(j.outcome.decision, j);
  EXPECT_EQ(guarded.verdict, Verdict::inconclusive);
  EXPECT_NE(guarded.reason.find("2 uncontended runs per side, 5 needed"), std::string::npos) << guarded.reason;
}

TEST(VerdictAbJudge, a_spent_budget_with_contended_rounds_is_judged_on_every_run_at_the_final_look) {
  // The gate found 21 of 24 rounds contended and the loop's budget ended with 3 uncontended rounds, too few
  // for any claim (1 / C(6, 3) = 5% per bound): the final look judges every run, the slowed ones included
  // (load slows either side: 20-45% on one run of each contended round).
  const auto sides_for = [](double factor) {
    std::vector<core::Benchmark> sides(2);
    for (std::size_t i = 0; i < 24; ++i) {
      const bool contended = i % 8 != 0;
      for (int side = 0; side < 2; ++side) {
        const double slowed = contended && (i + static_cast<std::size_t>(side)) % 2 == 0 ? 1.2 + 0.05 * static_cast<double>(i % 6) : 1.0;
        sides[side].runs.push_back(run_of(i, (side == 0 ? 1.0 : factor) * slowed * jitter(i + (side == 0 ? 0 : 3)),
                                          contended));
      }
    }
    return sides;
  };
  AbJudge gain("time", k_generic, sequential(3, 20), MetricFallback::none);
  auto sides = sides_for(0.85);
  const AbJudgement j = gain.judge(sides[0], sides[1], true);
  EXPECT_TRUE(j.every_run);
  EXPECT_EQ(j.judged[0].runs.size(), 24u);
  EXPECT_EQ(j.outcome.baseline.size(), 24u);
  ASSERT_TRUE(j.deciding);
  EXPECT_EQ(j.deciding->runs, 24);
  const Decision kept = gain.guard(j.outcome.decision, j);
  EXPECT_EQ(kept.verdict, Verdict::keep) << kept.reason;
  EXPECT_NE(kept.reason.find("42 of 48 runs contended"), std::string::npos) << kept.reason;
  EXPECT_NE(kept.reason.find("the final look judged every run"), std::string::npos) << kept.reason;

  // The same runs without a change: no KEEP, MAYBE nor regression.
  AbJudge none("time", k_generic, sequential(3, 20), MetricFallback::none);
  sides = sides_for(1.0);
  const AbJudgement n = none.judge(sides[0], sides[1], true);
  EXPECT_TRUE(n.every_run);
  const Decision noop = none.guard(n.outcome.decision, n);
  EXPECT_NE(noop.verdict, Verdict::keep) << noop.reason;
  EXPECT_NE(noop.verdict, Verdict::maybe) << noop.reason;
  EXPECT_FALSE(noop.regression) << noop.reason;
}

TEST(VerdictAbJudge, falls_back_to_time_before_its_first_look_and_gives_no_verdict_after) {
  const auto with_steps = [](bool candidate_has) {
    return [candidate_has](core::Run& run, int side) {
      if (side == 0 || candidate_has) {
        run.metrics["steps"] = 1000;
      }
    };
  };
  AbJudge early("steps", k_generic, sequential(), MetricFallback::time);
  const auto sides = measure(early, 1.0, 0.7, with_steps(false)); // never any steps on the candidate
  const AbJudgement j = early.judge(sides[0], sides[1], false);
  EXPECT_EQ(j.metric, "time");
  EXPECT_FALSE(j.metric_lost);
  EXPECT_EQ(j.outcome.decision.verdict, Verdict::keep);

  AbJudge late("steps", k_generic, sequential(), MetricFallback::time);
  std::vector<core::Benchmark> runs(2);
  bool stopped = false;
  for (std::size_t i = 0; i < 6 && !stopped; ++i) {
    for (int side = 0; side < 2; ++side) {
      core::Run run = run_of(i, 1.0 * jitter(i + static_cast<std::size_t>(side)));
      run.metrics["steps"] = 1000 * jitter(i + 3 * static_cast<std::size_t>(side)); // not settled on 3 runs
      if (side == 1 && i == 3) {
        run.metrics.erase("steps"); // the metric goes missing after the rule looked at it
      }
      runs[side].runs.push_back(run);
    }
    stopped = late.look(runs);
  }
  ASSERT_TRUE(stopped);
  const AbJudgement lost = late.judge(runs[0], runs[1], false);
  EXPECT_TRUE(lost.metric_lost);
  EXPECT_EQ(lost.outcome.decision.verdict, Verdict::inconclusive);
  EXPECT_NE(lost.outcome.decision.reason.find("a run without metric 'steps'"), std::string::npos)
      << lost.outcome.decision.reason;
}

TEST(VerdictAbJudge, kills_a_clearly_slower_candidate_only_when_asked) {
  AbOptions with_kill = sequential();
  with_kill.sequential.kill_multiplier = k_generic.timeout_multiplier;
  AbJudge judge("time", k_generic, with_kill, MetricFallback::time);
  const auto sides = measure(judge, 1.0, 4.0);
  const AbJudgement j = judge.judge(sides[0], sides[1], false);
  EXPECT_TRUE(j.killed);
  EXPECT_EQ(j.outcome.decision.verdict, Verdict::kill);
  EXPECT_NE(j.outcome.decision.reason.find("measured beside it"), std::string::npos) << j.outcome.decision.reason;
  EXPECT_EQ(j.look_metric, "time");

  AbJudge ab("time", k_generic, sequential(), MetricFallback::none); // `ab`: no KILL, a regression
  const auto more = measure(ab, 1.0, 4.0);
  const AbJudgement r = ab.judge(more[0], more[1], false);
  EXPECT_FALSE(r.killed);
  EXPECT_NE(r.outcome.decision.verdict, Verdict::kill);
  EXPECT_TRUE(r.outcome.decision.regression);
}

TEST(VerdictAbJudge, against_stored_runs_pairs_the_candidate_with_them) {
  core::Benchmark stored;
  for (std::size_t i = 0; i < 10; ++i) {
    stored.runs.push_back(run_of(i, 1.0 * jitter(i)));
  }
  AbOptions options = sequential(3, 10);
  AbJudge judge("time", k_generic, options, MetricFallback::time, &stored);
  EXPECT_EQ(judge.max_pairs(), 10);
  std::vector<core::Benchmark> candidate(1);
  for (std::size_t i = 0; i < 10; ++i) {
    candidate[0].runs.push_back(run_of(i, 0.7 * jitter(i + 3)));
    if (judge.look(candidate)) {
      break;
    }
  }
  const AbJudgement j = judge.judge(stored, candidate[0], false);
  EXPECT_TRUE(j.settled);
  EXPECT_EQ(j.outcome.decision.verdict, Verdict::keep);
  EXPECT_EQ(j.judged[0].runs.size(), 10u) << "every stored run is judged";

  AbOptions fixed;
  fixed.strategy = Strategy::fixed;
  fixed.runs = 5;
  fixed.sequential = sequential_options(k_generic, 3, 5);
  AbJudge fixed_judge("time", k_generic, fixed, MetricFallback::time, &stored);
  EXPECT_EQ(fixed_judge.max_pairs(), 5);
  EXPECT_FALSE(fixed_judge.judge(stored, candidate[0], true).settled) << "fixed: the caller's fixed rule decides";
}

TEST(VerdictAbJudge, a_failure_that_ended_the_loop_is_the_decision) {
  AbJudge judge("time", k_generic, sequential(), MetricFallback::none);
  std::vector<core::Benchmark> sides(2);
  sides[0].runs.push_back(run_of(0, 1.0));
  sides[1].runs.push_back(run_of(0, 0.5));
  const AbJudgement j =
      judge.judge(sides[0], sides[1], false, Decision{Verdict::reject, false, "candidate run 1 failed"});
  EXPECT_EQ(j.outcome.decision.verdict, Verdict::reject);
  EXPECT_EQ(j.outcome.comparison.decision.reason, "candidate run 1 failed");
  EXPECT_TRUE(j.outcome.trace.empty());
  EXPECT_EQ(j.outcome.comparison.interval, "95% Fieller") << "the fixed rule's figures";
}

} // namespace
} // namespace zkbench::verdict

namespace zkbench::verdict {
namespace {

// Wall time scattered by load (a run waits 0-150% of its CPU time for a CPU), CPU time steady: what a
// single-threaded CPU-bound program measures beside two compilers. `cpu_factor` scales the candidate's CPU.
// `with_waits`: each run's CPU wait recorded too (what ProcessExecutor measures of a process that does its
// run's work itself), so the wall time less it is the CPU time.
std::vector<core::Benchmark> loaded_sides(AbJudge& judge, double cpu_factor, bool with_waits = false) {
  static const double waits[] = {0.1, 1.4, 0.6, 0.0, 1.1, 0.3, 1.5, 0.8, 0.2, 1.2, 0.5, 0.9, 0.05, 1.3, 0.4};
  return measure(judge, 1.0, 1.0, [&](core::Run& run, int side) {
    const double cpu = (side == 0 ? 1.0 : cpu_factor) * jitter(static_cast<std::size_t>(run.index) + side);
    const double wait = cpu * waits[(static_cast<std::size_t>(run.index) * 7 + side * 4) % 15];
    run.user_s = 0.95 * cpu;
    run.system_s = 0.05 * cpu;
    run.wall_s = cpu + wait;
    if (with_waits) {
      run.cpu_wait_s = wait;
    }
  });
}

TEST(VerdictAbJudge, an_unsettled_time_says_what_the_cpu_time_of_the_same_runs_reads_and_decides_nothing_on_it) {
  AbJudge judge("time", k_generic, sequential(), MetricFallback::time);
  const auto sides = loaded_sides(judge, 0.8);
  const AbJudgement j = judge.judge(sides[0], sides[1], true);
  EXPECT_EQ(j.metric, "time");
  ASSERT_EQ(j.outcome.decision.verdict, Verdict::inconclusive) << j.outcome.decision.reason;
  EXPECT_NE(j.outcome.decision.reason.find("the CPU time (user + system) of the same runs reads KEEP -20."),
            std::string::npos)
      << j.outcome.decision.reason;
  EXPECT_NE(j.outcome.decision.reason.find("primary_metric: cpu"), std::string::npos);
  // These runs carry no CPU wait: the reason says why the load stayed in the time, and what would take it out.
  EXPECT_NE(j.outcome.decision.reason.find("the load could not be taken out of the time"), std::string::npos)
      << j.outcome.decision.reason;
  EXPECT_EQ(j.outcome.comparison.decision.reason, j.outcome.decision.reason);
}

TEST(VerdictAbJudge, a_policy_whose_primary_metric_is_cpu_judges_the_cpu_time) {
  Policy policy = k_generic;
  policy.primary_metric = k_cpu_metric;
  AbJudge gain(k_cpu_metric, policy, sequential(), MetricFallback::time);
  const auto faster = loaded_sides(gain, 0.8);
  const AbJudgement kept = gain.judge(faster[0], faster[1], false);
  EXPECT_EQ(kept.metric, k_cpu_metric);
  EXPECT_EQ(kept.outcome.decision.verdict, Verdict::keep) << kept.outcome.decision.reason;
  EXPECT_LT(faster[0].runs.size(), 20u) << "steady CPU times settle early";

  AbJudge none(k_cpu_metric, policy, sequential(), MetricFallback::time);
  const auto same = loaded_sides(none, 1.0);
  const AbJudgement discarded = none.judge(same[0], same[1], false);
  EXPECT_EQ(discarded.outcome.decision.verdict, Verdict::discard) << discarded.outcome.decision.reason;
}

TEST(VerdictAbJudge, runs_without_measurable_cpu_time_are_judged_on_time) {
  core::Benchmark b;
  core::Benchmark c;
  for (std::size_t i = 0; i < 5; ++i) {
    b.runs.push_back(run_of(i, 1.0));
    c.runs.push_back(run_of(i, 1.0));
    b.runs.back().user_s = c.runs.back().user_s = 0.5;
  }
  c.runs[2].user_s = 0; // e.g. a run too short for the kernel's accounting
  EXPECT_EQ(primary_values(b, k_cpu_metric), std::vector<double>(5, 0.5));
  EXPECT_TRUE(primary_values(c, k_cpu_metric).empty());
  EXPECT_EQ(judged_metric(b, c, k_cpu_metric), "time");
  EXPECT_EQ(judged_metric(b, b, k_cpu_metric), k_cpu_metric);
}

} // namespace
} // namespace zkbench::verdict

namespace zkbench::verdict {
namespace {

TEST(VerdictUnloadedTime, time_is_judged_as_the_unloaded_time_where_every_run_of_both_sides_has_it) {
  core::Benchmark b;
  core::Benchmark c;
  for (std::size_t i = 0; i < 4; ++i) {
    b.runs.push_back(run_of(i, 1.5));
    b.runs.back().cpu_wait_s = 0.5;
    c.runs.push_back(run_of(i, 2.0));
    c.runs.back().cpu_wait_s = 1.25;
  }
  EXPECT_EQ(primary_values(b, k_unloaded_metric), std::vector<double>(4, 1.0));
  EXPECT_EQ(primary_values(c, k_unloaded_metric), std::vector<double>(4, 0.75));
  EXPECT_EQ(judged_metric(b, c, "time"), k_unloaded_metric);
  EXPECT_TRUE(is_builtin_metric(k_unloaded_metric));
  // A policy's other primary metric is its own; only "time" becomes the unloaded time.
  EXPECT_EQ(judged_metric(b, c, k_cpu_metric), "time") << "no CPU time recorded in these runs";
  // One run without the figure (its children did the work), or a wait as long as the run: the wall time.
  core::Benchmark gap = c;
  gap.runs[2].cpu_wait_s.reset();
  EXPECT_TRUE(primary_values(gap, k_unloaded_metric).empty());
  EXPECT_EQ(judged_metric(b, gap, "time"), "time");
  core::Benchmark whole = c;
  whole.runs[1].cpu_wait_s = whole.runs[1].wall_s;
  EXPECT_TRUE(primary_values(whole, k_unloaded_metric).empty());
  EXPECT_EQ(judged_metric(whole, c, "time"), "time");
}

TEST(VerdictUnloadedTime, the_comparison_of_two_commands_decides_on_it_and_shows_both) {
  core::Benchmark b;
  core::Benchmark c;
  for (std::size_t i = 0; i < 10; ++i) {
    // Wall times scattered by waits of 0-150%; unloaded times 1.0 and 0.8 (a 20% gain) with 1% jitter.
    const double wait = 0.1 * static_cast<double>((i * 7) % 16);
    b.runs.push_back(run_of(i, jitter(i) + wait));
    b.runs.back().cpu_wait_s = wait;
    const double wait_c = 0.1 * static_cast<double>((i * 5 + 3) % 16);
    c.runs.push_back(run_of(i, 0.8 * jitter(i + 3) + wait_c));
    c.runs.back().cpu_wait_s = wait_c;
  }
  const CommandComparison cmp = compare_benchmarks(b, c, k_generic);
  EXPECT_EQ(cmp.metric, k_unloaded_metric);
  EXPECT_EQ(cmp.decision.verdict, Verdict::keep) << cmp.decision.reason;
  EXPECT_EQ(cmp.decision.reason.rfind(std::string(k_unloaded_metric) + ": ", 0), 0u) << cmp.decision.reason;
  ASSERT_NE(primary_comparison(cmp.metrics, "time"), nullptr);
  EXPECT_EQ(primary_comparison(cmp.metrics, "time")->metric, "time") << "the wall time is shown beside it";
  EXPECT_NEAR(cmp.change, -0.2, 0.02);
}

TEST(VerdictUnloadedTime, the_judge_settles_a_gain_and_a_no_op_that_the_wall_time_leaves_unsettled) {
  AbJudge gain("time", k_generic, sequential(), MetricFallback::time);
  const auto faster = loaded_sides(gain, 0.8, true);
  const AbJudgement kept = gain.judge(faster[0], faster[1], false);
  EXPECT_EQ(kept.metric, k_unloaded_metric);
  EXPECT_EQ(kept.outcome.decision.verdict, Verdict::keep) << kept.outcome.decision.reason;
  EXPECT_LT(faster[0].runs.size(), 20u) << "steady unloaded times settle early";
  ASSERT_TRUE(kept.deciding);
  EXPECT_EQ(kept.look_metric, k_unloaded_metric);

  AbJudge none("time", k_generic, sequential(), MetricFallback::time);
  const auto same = loaded_sides(none, 1.0, true);
  const AbJudgement discarded = none.judge(same[0], same[1], false);
  EXPECT_EQ(discarded.outcome.decision.verdict, Verdict::discard) << discarded.outcome.decision.reason;

  // The same runs without their waits: the wall time alone cannot settle the gain (the test of the CPU
  // time reading above: INCONCLUSIVE).
  AbJudge wall("time", k_generic, sequential(), MetricFallback::time);
  const auto walls = loaded_sides(wall, 0.8);
  EXPECT_EQ(wall.judge(walls[0], walls[1], true).outcome.decision.verdict, Verdict::inconclusive);
}

TEST(VerdictUnloadedTime, when_every_round_was_contended_the_final_look_judges_every_run_on_it) {
  // Two compilers for the whole budget: the gate marked every round, so the loop showed the judge none
  // (no look), and the final look judges all runs on the metric all of them have.
  AbJudge judge("time", k_generic, sequential(3, 10), MetricFallback::time);
  std::vector<core::Benchmark> sides(2);
  static const double waits[] = {0.1, 1.4, 0.6, 0.0, 1.1, 0.3, 1.5, 0.8, 0.2, 1.2};
  for (std::size_t i = 0; i < 10; ++i) {
    for (int side = 0; side < 2; ++side) {
      const double cpu = (side == 0 ? 1.0 : 0.8) * jitter(i + static_cast<std::size_t>(side));
      const double wait = cpu * waits[(i * 7 + static_cast<std::size_t>(side) * 4) % 10];
      sides[side].runs.push_back(run_of(i, cpu + wait, true));
      sides[side].runs.back().cpu_wait_s = wait;
    }
  }
  const AbJudgement j = judge.judge(sides[0], sides[1], true);
  EXPECT_TRUE(j.every_run);
  EXPECT_EQ(j.metric, k_unloaded_metric);
  EXPECT_EQ(j.look_metric, k_unloaded_metric);
  EXPECT_EQ(j.outcome.decision.verdict, Verdict::keep) << j.outcome.decision.reason;
}

TEST(VerdictUnloadedTime, a_run_without_its_wait_after_the_rule_looked_ends_the_input_without_a_verdict) {
  AbJudge judge("time", k_generic, sequential(), MetricFallback::time);
  std::vector<core::Benchmark> sides(2);
  bool stopped = false;
  for (std::size_t i = 0; i < 6 && !stopped; ++i) {
    for (int side = 0; side < 2; ++side) {
      sides[side].runs.push_back(run_of(i, jitter(i + side)));
      if (i != 3) { // the fourth round's runs (after the first look, at 3): a child process did the work
        sides[side].runs.back().cpu_wait_s = 0.0;
      }
    }
    stopped = judge.look(sides);
  }
  ASSERT_TRUE(stopped);
  const AbJudgement j = judge.judge(sides[0], sides[1], false);
  EXPECT_TRUE(j.metric_lost);
  EXPECT_EQ(j.outcome.decision.verdict, Verdict::inconclusive);
  EXPECT_NE(j.outcome.decision.reason.find("CPU wait could not be measured"), std::string::npos)
      << j.outcome.decision.reason;
}

} // namespace
} // namespace zkbench::verdict
