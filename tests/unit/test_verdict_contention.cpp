// The verdict's contention seam: contended rounds are left out, and the final guard never lets a
// decision rest on them.
#include <gtest/gtest.h>

#include "verdict/contention.hpp"

namespace zkbench::verdict {
namespace {

core::Benchmark bench_with(std::vector<double> walls, std::vector<bool> contended) {
  core::Benchmark bench;
  bench.command = "cmd";
  for (std::size_t i = 0; i < walls.size(); ++i) {
    core::Run run;
    run.index = static_cast<int>(i);
    run.wall_s = walls[i];
    core::RunContention c;
    c.contended = contended[i];
    c.foreign_cores = contended[i] ? 1.9 : 0.01;
    c.limit_cores = 0.2;
    c.top = contended[i] ? "cc1plus (2 processes, 1.9 cores)" : "";
    run.contention = c;
    bench.runs.push_back(run);
  }
  return bench;
}

TEST(VerdictContention, contended_rounds_leave_both_sides_paired) {
  const auto base = bench_with({1, 1, 1, 1}, {false, true, false, false});
  const auto cand = bench_with({0.8, 0.8, 0.8, 2.0}, {false, false, false, true});
  const auto judged = core::without_contended_rounds({base, cand});
  ASSERT_EQ(judged.size(), 2u);
  EXPECT_EQ(judged[0].wall_times(), (std::vector<double>{1, 1}));
  EXPECT_EQ(judged[1].wall_times(), (std::vector<double>{0.8, 0.8}));
  EXPECT_EQ(base.uncontended().runs.size(), 3u);
  EXPECT_EQ(base.contended_runs(), 1u);
}

TEST(VerdictContention, count_names_the_heaviest_foreign_load) {
  const auto count = count_contention(bench_with({1, 1}, {true, false}), bench_with({1, 1}, {false, true}));
  EXPECT_EQ(count.contended, 2u);
  EXPECT_EQ(count.runs, 4u);
  EXPECT_EQ(describe(count), "2 of 4 runs contended (foreign load: cc1plus (2 processes, 1.9 cores))");
  EXPECT_EQ(describe(count_contention(bench_with({1}, {false}), bench_with({1}, {false}))), "");
}

TEST(VerdictContention, guard_leaves_an_uncontended_comparison_alone) {
  const Decision keep{Verdict::keep, false, "time -20.0%", 0};
  const ContentionCount none;
  const Decision guarded = guard_contention(keep, none, 2, 5);
  EXPECT_EQ(guarded.verdict, Verdict::keep);
  EXPECT_EQ(guarded.reason, "time -20.0%");
}

TEST(VerdictContention, too_few_uncontended_runs_is_inconclusive_naming_the_contention) {
  const auto count = count_contention(bench_with({1, 1, 1}, {true, true, false}), bench_with({1, 1, 1}, {false, false, false}));
  const Decision guarded = guard_contention({Verdict::keep, false, "time -20.0%", 0}, count, 1, 5);
  EXPECT_EQ(guarded.verdict, Verdict::inconclusive);
  EXPECT_NE(guarded.reason.find("contention: 2 of 6 runs contended"), std::string::npos) << guarded.reason;
  EXPECT_NE(guarded.reason.find("1 uncontended runs per side, 5 needed"), std::string::npos) << guarded.reason;
}

TEST(VerdictContention, a_kill_resting_on_a_contended_run_is_inconclusive) {
  const auto count = count_contention(bench_with({1, 1}, {false, false}), bench_with({1, 3}, {false, true}));
  const Decision guarded = guard_contention({Verdict::kill, true, "timed out", 0}, count, 10, 2, true);
  EXPECT_EQ(guarded.verdict, Verdict::inconclusive);
  EXPECT_NE(guarded.reason.find("would decide KILL was contended"), std::string::npos) << guarded.reason;
}

TEST(VerdictContention, decided_on_enough_clean_runs_says_what_was_left_out) {
  const auto count = count_contention(bench_with({1, 1}, {true, false}), bench_with({1, 1}, {false, false}));
  const Decision keep = guard_contention({Verdict::keep, false, "time -20.0%", 0}, count, 10, 5);
  EXPECT_EQ(keep.verdict, Verdict::keep);
  EXPECT_EQ(keep.reason, "time -20.0% (1 of 4 runs contended (foreign load: cc1plus (2 processes, 1.9 cores)); left out)");
  const Decision unsure = guard_contention({Verdict::inconclusive, false, "too noisy", 0}, count, 10, 5);
  EXPECT_EQ(unsure.verdict, Verdict::inconclusive);
  EXPECT_NE(unsure.reason.find("; contention: 1 of 4 runs contended"), std::string::npos);
}

} // namespace
} // namespace zkbench::verdict
