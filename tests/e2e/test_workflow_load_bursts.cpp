// Verdicts on a busy machine (issue 22): `exp run` on a CPU-bound program while bursts of CPU load come
// and go. Two busy loops (as many as the machine's cores in CI) start and stop on an irregular schedule
// from a process group of this test; the experiments measure through them. A real 20% gain must be KEEP;
// a comment-only change must never be KEEP nor a regression.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/workflow_repo.hpp"

using zkbench::test::CliResult;
using zkbench::test::read_file;
using zkbench::test::WorkflowRepo;
using zkbench::test::write_file;

namespace {

// Bursts of two busy loops, on for 0.3-1.7 s and off for 0.2-0.9 s in an irregular cycle, until killed.
// The whole group (the shell and its loops) ends with the test.
class LoadBursts {
public:
  LoadBursts() {
    m_pid = ::fork();
    if (m_pid == 0) {
      ::setpgid(0, 0);
      const char* script =
          "spin() { timeout \"$1\" sh -c 'while :; do :; done'; }\n"
          "while :; do\n"
          "  for on in 0.6 1.7 0.3 1.1 0.9 0.4 1.4; do\n"
          "    spin $on & spin $on & wait\n"
          "    case $on in 0.6|1.1) sleep 0.9 ;; 1.7|0.4) sleep 0.2 ;; *) sleep 0.5 ;; esac\n"
          "  done\n"
          "done\n";
      ::execl("/bin/sh", "sh", "-c", script, static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::setpgid(m_pid, m_pid);
  }
  ~LoadBursts() {
    if (m_pid > 0) {
      ::kill(-m_pid, SIGKILL);
      int status = 0;
      ::waitpid(m_pid, &status, 0);
    }
  }
  LoadBursts(const LoadBursts&) = delete;
  LoadBursts& operator=(const LoadBursts&) = delete;

private:
  pid_t m_pid = -1;
};

nlohmann::json results(const WorkflowRepo& repo, const std::string& folder) {
  return nlohmann::json::parse(read_file(repo.dir() / "benchmarks/experiments" / folder / "results.json"));
}

} // namespace

// DISABLED: issue 22's "done when" for a busy machine, not met yet. On the 2-core machine the two busy
// loops push the robust CV of the runs to 40-54%, and the robust rule says INCONCLUSIVE ("too noisy") for
// the real 20% gain instead of KEEP (the comment-only change was never KEEP nor MAYBE in 4 of 4 tries).
// Run it with --gtest_also_run_disabled_tests; enable it once a rule (or the contention gate's redone
// rounds) recovers gains under bursts.
TEST(WorkflowLoadBurstsE2e, DISABLED_a_real_gain_is_keep_and_a_comment_is_never_keep_nor_a_regression) {
  WorkflowRepo repo(3, "0");
  // prog.sh becomes CPU-bound: a shell loop of `work` iterations (about 0.3 s on a quiet machine), then its
  // usual output.
  write_file(repo.dir() / "work", "100000\n");
  std::string prog = read_file(repo.dir() / "prog.sh");
  const std::string sleep_line = "sleep \"$(cat \"$here/delay\")\"\n";
  prog.replace(prog.find(sleep_line), sleep_line.size(),
               "n=$(cat \"$here/work\"); i=0; while [ $i -lt $n ]; do i=$((i + 1)); done\n");
  write_file(repo.dir() / "prog.sh", prog);
  ASSERT_EQ(repo.git("add -A && git commit -qm 'CPU-bound prog'"), 0);
  ASSERT_EQ(repo.zkbench("baseline").exit_code, 0);

  const std::string gain = repo.experiment("Less work", "work", "80000\n"); // 20% fewer iterations
  const std::string comment = repo.experiment("Comment only", "prog.sh", prog + "# a comment, nothing else\n");
  const LoadBursts bursts;
  const CliResult kept = repo.zkbench("exp run " + gain);
  ASSERT_EQ(kept.exit_code, 0) << kept.output;
  const CliResult noop = repo.zkbench("exp run " + comment);
  ASSERT_EQ(noop.exit_code, 0) << noop.output;

  const auto keep = results(repo, gain + "-less-work");
  EXPECT_EQ(keep.at("verdict"), "KEEP") << kept.output;
  const auto none = results(repo, comment + "-comment-only");
  EXPECT_NE(none.at("verdict"), "KEEP") << noop.output;
  EXPECT_NE(none.at("verdict"), "MAYBE") << noop.output;
  const std::string verdict_md = read_file(repo.dir() / "benchmarks/experiments" / (comment + "-comment-only") / "verdict.md");
  // No regression claimed ("may regress", an unestablished possibility, is no claim).
  EXPECT_EQ(verdict_md.find("regression"), std::string::npos) << verdict_md;
  EXPECT_EQ(verdict_md.find("regresses"), std::string::npos) << verdict_md;
  // One interval per input: what verdict.md shows is the deciding look's, and it says so.
  for (const auto& input : none.at("inputs")) {
    for (const auto& metric : input.at("metrics")) {
      if (metric.at("metric") == "time") {
        EXPECT_NE(metric.at("interval_method").get<std::string>().find("sequential"), std::string::npos) << metric;
      }
    }
  }
  EXPECT_NE(verdict_md.find("deciding interval (time): sequential"), std::string::npos) << verdict_md;
}
