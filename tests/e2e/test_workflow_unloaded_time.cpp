// Verdicts beside other work without the contention gate (issue 22, "beside two compilers"): `exp run` on a
// single-process CPU-bound program while two busy loops hold the machine's CPUs the whole time. The wall
// time scatters with the load, so on it alone a real gain and a no-op both end INCONCLUSIVE; but the
// process does its run's work itself, so zkbench knows how long it waited for a CPU
// (measure/cpu_wait.hpp) and judges the time as the unloaded time, the wall time less that wait
// (verdict::k_unloaded_metric). A real 20% gain must be KEEP and a comment-only change DISCARD (or, with
// still more load, INCONCLUSIVE "too noisy"), never KEEP, MAYBE or a regression, and every figure shown must
// be the unloaded time's.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/busy_neighbours.hpp"
#include "support/env.hpp"
#include "support/workflow_repo.hpp"

namespace zkbench::test {

TEST(WorkflowUnloadedTimeE2e, beside_two_busy_loops_a_real_gain_is_keep_and_a_comment_is_never_a_claim) {
  ScopedEnv env;
  env.set("ZKBENCH_CONTENTION_GATE", "off");
  WorkflowRepo repo(3, "0");
  // The measured command is awk itself (no shell: nothing but the one process does the work), about 0.15 s
  // of CPU on a quiet machine; the correctness check still runs prog.sh, whose output no experiment changes.
  repo.measure_awk(6'000'000);
  ASSERT_EQ(repo.git("add -A && git commit -qm 'CPU-bound awk'"), 0);
  ASSERT_EQ(repo.zkbench("baseline").exit_code, 0);

  const std::string gain = repo.experiment("Less work", "work.awk", awk_work(4'800'000)); // 20% fewer iterations
  const std::string comment = repo.experiment("Comment only", "work.awk", awk_work(6'000'000) + "# a comment\n");
  CliResult kept;
  CliResult noop;
  {
    const Hogs hogs(repo.dir(), 2);
    kept = repo.zkbench("exp run " + gain);
    noop = repo.zkbench("exp run " + comment);
  }
  ASSERT_EQ(kept.exit_code, 0) << kept.output;
  ASSERT_EQ(noop.exit_code, 0) << noop.output;

  const auto keep = repo.results(gain + "-less-work");
  EXPECT_EQ(keep.at("verdict"), "KEEP") << kept.output;
  // Beside the two busy loops alone the no-op is DISCARD; with more work on the machine (ctest's other
  // tests, a compiler) the CPU itself runs slower by turns (shared caches, a busy SMT sibling: the unloaded
  // time's robust CV reached 12-20% beside two busy loops and two compilers), and the honest answer can be
  // INCONCLUSIVE "too noisy". Never a claim: KEEP, MAYBE or a regression.
  const auto none = repo.results(comment + "-comment-only");
  EXPECT_NE(none.at("verdict"), "KEEP") << noop.output;
  EXPECT_NE(none.at("verdict"), "MAYBE") << noop.output;
  if (none.at("verdict") != "DISCARD") {
    EXPECT_EQ(none.at("verdict"), "INCONCLUSIVE") << noop.output;
    EXPECT_NE(noop.output.find("too noisy"), std::string::npos) << noop.output;
  }
  const std::string verdict_md =
      read_file(repo.dir() / "benchmarks/experiments" / (comment + "-comment-only") / "verdict.md");
  EXPECT_EQ(verdict_md.find("regression"), std::string::npos) << verdict_md;
  EXPECT_EQ(verdict_md.find("regresses"), std::string::npos) << verdict_md;
  // Each input was judged on the unloaded time, and its figures are the deciding look's.
  for (const auto* doc : {&keep, &none}) {
    for (const auto& input : doc->at("inputs")) {
      bool judged = false;
      for (const auto& metric : input.at("metrics")) {
        if (metric.at("metric") == "unloaded_time") {
          judged = true;
          EXPECT_NE(metric.at("interval_method").get<std::string>().find("sequential"), std::string::npos) << metric;
        }
      }
      EXPECT_TRUE(judged) << input;
    }
  }
  EXPECT_NE(verdict_md.find("deciding interval (unloaded_time): sequential"), std::string::npos) << verdict_md;
}

} // namespace zkbench::test
