// The optimization workflow end to end on throwaway git repositories (tests/support/workflow_repo.hpp):
// baseline, every verdict path of exp run with its files and branch names, close/list/show, the
// tracker files as views, and config errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/workflow_repo.hpp"

using zkbench::test::CliResult;
using zkbench::test::read_file;
using zkbench::test::WorkflowRepo;
using zkbench::test::write_file;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

bool branch_exists(const WorkflowRepo& repo, const std::string& branch) {
  return repo.git("rev-parse --verify --quiet refs/heads/" + branch) == 0;
}

nlohmann::json experiment_json(const WorkflowRepo& repo, const std::string& number) {
  const CliResult shown = repo.zkbench("exp show " + number + " --json");
  EXPECT_EQ(shown.exit_code, 0) << shown.output;
  return nlohmann::json::parse(shown.output, nullptr, false);
}

} // namespace

TEST(WorkflowExperimentsE2e, baseline_writes_its_files_and_the_tracker) {
  WorkflowRepo repo;
  const CliResult baseline = repo.zkbench("baseline");
  ASSERT_EQ(baseline.exit_code, 0) << baseline.output;
  EXPECT_TRUE(contains(baseline.output, "correctness: a -> ")) << baseline.output;
  const auto dir = repo.dir() / "benchmarks";
  for (const char* file : {"baseline/a.json", "baseline/b.json", "baseline/metrics.yaml", "environment.yaml", "PLAN.md",
                           "TRACKER.md", "HISTORY.yaml"}) {
    EXPECT_TRUE(std::filesystem::exists(dir / file)) << file;
  }
  const auto exported = nlohmann::json::parse(read_file(dir / "baseline" / "a.json"));
  EXPECT_EQ(exported["results"][0]["times"].size(), 3U);
  EXPECT_TRUE(contains(read_file(dir / "baseline" / "metrics.yaml"), "output_sha256: "));
  EXPECT_TRUE(contains(read_file(dir / "HISTORY.yaml"), "commit: \""));
  EXPECT_TRUE(contains(read_file(dir / "PLAN.md"), "Make prog.sh faster"));
}

TEST(WorkflowExperimentsE2e, every_verdict_path_with_its_files_and_branch) {
  // KEEP and DISCARD come from the steps prog.sh prints (exact, whatever the machine's load); REJECT
  // from its output, KILL from a real hang.
  WorkflowRepo repo(3, "0.1");
  repo.decide_on_steps("1000");
  ASSERT_EQ(repo.zkbench("baseline").exit_code, 0);
  const std::string keep = repo.experiment("Fewer steps", "steps", "500\n");
  const std::string discard = repo.experiment("More steps", "steps", "1600\n");
  const std::string reject = repo.experiment("Other output", "suffix", "extra\n");
  const std::string kill = repo.experiment("Hang", "delay", "5\n");
  EXPECT_EQ(keep, "001");
  EXPECT_TRUE(std::filesystem::exists(repo.dir() / "benchmarks/experiments/001-fewer-steps/hypothesis.md"));

  struct Case {
    std::string number, verdict, branch;
  };
  for (const Case& c : {Case{keep, "KEEP", "bench/001-fewer-steps-KEEP"},
                        Case{discard, "DISCARD", "bench/002-more-steps-DISCARD"},
                        Case{reject, "REJECT", "bench/003-other-output-REJECT"},
                        Case{kill, "KILL", "bench/004-hang-KILL"}}) {
    const CliResult run = repo.zkbench("exp run " + c.number);
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_TRUE(contains(run.output, ": " + c.verdict)) << run.output;
    EXPECT_TRUE(branch_exists(repo, c.branch)) << c.branch;
    const auto folder = repo.dir() / "benchmarks/experiments" / (c.branch.substr(6, c.branch.rfind('-') - 6));
    for (const char* file : {"changes.patch", "results.json", "verdict.md"}) {
      EXPECT_TRUE(std::filesystem::exists(folder / file)) << folder / file;
    }
    EXPECT_EQ(experiment_json(repo, c.number)["verdict"], c.verdict);
  }
  // REJECT wasted no timing; KILL stopped at the first run over the timeout.
  EXPECT_TRUE(contains(read_file(repo.dir() / "benchmarks/experiments/003-other-output/verdict.md"), "no timing"));
  EXPECT_TRUE(contains(read_file(repo.dir() / "benchmarks/experiments/001-fewer-steps/changes.patch"), "+500"));
  // The KEEP is merged into the accumulator, the others are not.
  EXPECT_EQ(repo.git("merge-base --is-ancestor bench/001-fewer-steps-KEEP bench/accumulator"), 0);
  EXPECT_NE(repo.git("merge-base --is-ancestor bench/002-more-steps-DISCARD bench/accumulator"), 0);
  const std::string tracker = read_file(repo.dir() / "benchmarks/TRACKER.md");
  for (const char* verdict : {"KEEP", "DISCARD", "REJECT", "KILL"}) {
    EXPECT_TRUE(contains(tracker, verdict)) << verdict << "\n" << tracker;
  }
  EXPECT_TRUE(contains(read_file(repo.dir() / "benchmarks/HISTORY.yaml"), "optimizations_kept: [\"001\"]"));
  // The project's totals: what its measured verdicts cost, and what fixed designs would have.
  ASSERT_EQ(repo.zkbench("final").exit_code, 0);
  const std::string final_report = read_file(repo.dir() / "benchmarks/FINAL_REPORT.md");
  EXPECT_TRUE(contains(final_report, "- Cost of the verdicts: ")) << final_report;
  EXPECT_TRUE(contains(final_report, "a fixed design would have taken")) << final_report;
  // A decided experiment is not run twice.
  const CliResult again = repo.zkbench("exp run 001");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_TRUE(contains(again.output, "already decided")) << again.output;
}

TEST(WorkflowExperimentsE2e, close_list_show_and_the_notes_reach_the_tracker) {
  WorkflowRepo repo;
  ASSERT_EQ(repo.zkbench("baseline").exit_code, 0);
  ASSERT_EQ(repo.zkbench("exp new 'Skip soundness check' --hypothesis 'fewer checks'").exit_code, 0);
  const CliResult closed = repo.zkbench("exp close 1 --status invalid --why 'breaks proof soundness'");
  ASSERT_EQ(closed.exit_code, 0) << closed.output;
  EXPECT_TRUE(branch_exists(repo, "bench/001-skip-soundness-check-INVALID"));
  const CliResult bad = repo.zkbench("exp close 1 --status maybe --why x");
  EXPECT_NE(bad.exit_code, 0);
  const CliResult list = repo.zkbench("exp list --json");
  ASSERT_EQ(list.exit_code, 0) << list.output;
  const auto listed = nlohmann::json::parse(list.output);
  ASSERT_EQ(listed.size(), 1U);
  EXPECT_EQ(listed[0]["verdict"], "INVALID");
  EXPECT_EQ(listed[0]["reason"], "breaks proof soundness");
  ASSERT_EQ(repo.zkbench("learn 'sleep dominates'").exit_code, 0);
  // The first idea is idea 1 though a learning was noted before it (they share the store's ids).
  const CliResult idea = repo.zkbench("idea 'sleep less'");
  ASSERT_EQ(idea.exit_code, 0);
  EXPECT_TRUE(contains(idea.output, "idea 1 added")) << idea.output;
  const std::string tracker = read_file(repo.dir() / "benchmarks/TRACKER.md");
  EXPECT_TRUE(contains(tracker, "1. sleep dominates"));
  EXPECT_TRUE(contains(tracker, "- [ ] 1. sleep less")) << tracker;
  EXPECT_FALSE(contains(tracker, "weighted median")) << tracker;
  EXPECT_FALSE(contains(read_file(repo.dir() / "benchmarks/PLAN.md"), "weighted median"));
  ASSERT_EQ(repo.zkbench("idea 'allocate once'").exit_code, 0);
  ASSERT_EQ(repo.zkbench("idea --done 2").exit_code, 0);
  EXPECT_TRUE(contains(read_file(repo.dir() / "benchmarks/TRACKER.md"), "- [x] 2. ~~allocate once~~"));
  EXPECT_EQ(repo.zkbench("idea --done 3").exit_code, 2);
  const CliResult next = repo.zkbench("next");
  EXPECT_EQ(next.exit_code, 0);
  EXPECT_TRUE(contains(next.output, "sleep less")) << next.output;
  ASSERT_EQ(repo.zkbench("final").exit_code, 0);
  EXPECT_TRUE(contains(read_file(repo.dir() / "benchmarks/FINAL_REPORT.md"), "## Summary"));
  const CliResult missing = repo.zkbench("exp show 9");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(contains(missing.output, "no experiment 009")) << missing.output;
}

TEST(WorkflowExperimentsE2e, a_deleted_tracker_file_comes_back_with_any_workflow_command) {
  WorkflowRepo repo;
  ASSERT_EQ(repo.zkbench("baseline").exit_code, 0);
  for (const char* file : {"PLAN.md", "TRACKER.md", "HISTORY.yaml"}) {
    std::filesystem::remove(repo.dir() / "benchmarks" / file);
  }
  ASSERT_EQ(repo.zkbench("exp list").exit_code, 0);
  for (const char* file : {"PLAN.md", "TRACKER.md", "HISTORY.yaml"}) {
    EXPECT_TRUE(std::filesystem::exists(repo.dir() / "benchmarks" / file)) << file;
  }
  // No temporary file is left behind by the atomic writes.
  for (const auto& entry : std::filesystem::directory_iterator(repo.dir() / "benchmarks")) {
    EXPECT_FALSE(contains(entry.path().filename().string(), ".tmp.")) << entry.path();
  }
}

TEST(WorkflowExperimentsE2e, config_errors_and_missing_prerequisites_are_one_clear_line) {
  WorkflowRepo repo;
  const CliResult before = repo.zkbench("exp new 'x'");
  EXPECT_EQ(before.exit_code, 1);
  EXPECT_TRUE(contains(before.output, "no baseline yet")) << before.output;
  write_file(repo.dir() / "zkbench.yaml", "benchmark:\n  command: \"./prog.sh {input}\"\n  runs: 0\n"
                                          "correctness:\n  command: \"./prog.sh {input}\"\n");
  const CliResult bad = repo.zkbench("baseline");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(contains(bad.output, "zkbench.yaml:3")) << bad.output;
  EXPECT_TRUE(contains(bad.output, "runs")) << bad.output;
  std::filesystem::remove(repo.dir() / "zkbench.yaml");
  const CliResult none = repo.zkbench("baseline");
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_TRUE(contains(none.output, "zkbench init")) << none.output;
}

TEST(WorkflowExperimentsE2e, compound_records_whether_experiments_add_up_or_conflict) {
  WorkflowRepo repo(3, "0.1");
  write_file(repo.dir() / "extra", "0.06\n");
  ASSERT_EQ(repo.git("add extra && git commit -qm extra"), 0);
  ASSERT_EQ(repo.zkbench("baseline").exit_code, 0);
  const std::string a = repo.experiment("Less delay", "delay", "0.02\n");
  const std::string b = repo.experiment("No extra", "extra", "0\n");
  const std::string c = repo.experiment("Other delay", "delay", "0.03\n");
  for (const std::string& n : {a, b, c}) {
    const CliResult run = repo.zkbench("exp run " + n);
    ASSERT_EQ(run.exit_code, 0) << run.output;
  }
  const CliResult together = repo.zkbench("compound " + a + " " + b);
  ASSERT_EQ(together.exit_code, 0) << together.output;
  EXPECT_TRUE(contains(together.output, "no conflict")) << together.output;
  // 001 and 003 edit the same line: they do not merge, a conflict.
  const CliResult clash = repo.zkbench("compound 1 3");
  ASSERT_EQ(clash.exit_code, 0) << clash.output;
  EXPECT_TRUE(contains(clash.output, "CONFLICT")) << clash.output;
  const std::string tracker = read_file(repo.dir() / "benchmarks/TRACKER.md");
  EXPECT_TRUE(contains(tracker, "| 001 + 002 |")) << tracker;
  EXPECT_TRUE(contains(tracker, "| 001 + 003 |")) << tracker;
  EXPECT_TRUE(contains(read_file(repo.dir() / "benchmarks/PLAN.md"), "Conflicts with: #003"));
  const CliResult one = repo.zkbench("compound 1");
  EXPECT_EQ(one.exit_code, 1);
  EXPECT_TRUE(contains(one.output, "at least two")) << one.output;
}

TEST(WorkflowExperimentsE2e, a_configured_profiler_gives_profile_txt_and_a_diff_with_the_baseline) {
  WorkflowRepo repo(3, "0.1");
  const std::string fixture = zkbench::test::fixture_path("zisk/ziskemu_XS_top_functions_book.txt").string();
  std::string config = read_file(repo.dir() / "zkbench.yaml");
  config += "vars:\n  profile_source: \"" + fixture + "\"\nprofile:\n  zkvm: zisk\n  command: \"cat {profile_source}\"\n";
  write_file(repo.dir() / "zkbench.yaml", config);
  ASSERT_EQ(repo.git("commit -qam profiler"), 0);
  const CliResult baseline = repo.zkbench("baseline");
  ASSERT_EQ(baseline.exit_code, 0) << baseline.output;
  EXPECT_EQ(read_file(repo.dir() / "benchmarks/baseline/profile.txt"), read_file(fixture));
  const std::string number = repo.experiment("Faster", "delay", "0.05\n");
  const CliResult run = repo.zkbench("exp run " + number);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto folder = repo.dir() / "benchmarks/experiments/001-faster";
  EXPECT_EQ(read_file(folder / "profile.txt"), read_file(fixture));
  EXPECT_FALSE(read_file(folder / "profile_diff.txt").empty()) << run.output;
}
