// The contention gate end to end, with real processes as the foreign load (support/busy_neighbours.hpp:
// `zkb_hog` busy loops, started and killed by the test, never children of zkbench). This
// machine is shared with other builds while the tests run: the projects here `ignore` the usual
// compilers and test programs by name, and decide verdicts on a deterministic metric (the work a
// CPU-bound awk loop does, printed as "steps: N"), so what the tests check is the gate itself.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/busy_neighbours.hpp"
#include "support/env.hpp"
#include "support/process.hpp"
#include "support/workflow_repo.hpp"

namespace zkbench::test {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A CPU-bound program: an awk loop of N iterations (N from the file `steps`), "steps: N" on stderr.
void make_cpu_bound(WorkflowRepo& repo, const std::string& contention) {
  write_file(repo.dir() / "prog.sh",
             "#!/bin/sh\n"
             "# the CPU-bound stand-in for a prover\n"
             "here=$(dirname \"$0\")\n"
             "n=$(cat \"$here/steps\")\n"
             "awk -v n=\"$n\" 'BEGIN { for (i = 0; i < n; i++) s += i }'\n"
             "cat \"$1\"\n"
             "echo \"steps: $n\" >&2\n");
  std::string config = read_file(repo.dir() / "zkbench.yaml");
  config += "contention:\n" + contention;
  write_file(repo.dir() / "zkbench.yaml", config);
  EXPECT_EQ(repo.git("add -A && git commit -qm 'cpu-bound prog'"), 0);
  repo.decide_on_steps("600000");
}

nlohmann::json experiment_json(const WorkflowRepo& repo, const std::string& number) {
  const CliResult shown = repo.zkbench("exp show " + number + " --json");
  EXPECT_EQ(shown.exit_code, 0) << shown.output;
  return nlohmann::json::parse(shown.output, nullptr, false);
}

// Every run of the sessions of `kind` in the project's store, from `history --json`.
std::vector<nlohmann::json> runs_of(const WorkflowRepo& repo, const std::string& kind) {
  std::vector<nlohmann::json> runs;
  const CliResult listed = repo.zkbench("history --json --limit 100");
  const auto sessions = nlohmann::json::parse(listed.output, nullptr, false);
  for (const auto& session : sessions["sessions"]) {
    if (session["kind"] != kind) {
      continue;
    }
    const CliResult shown = repo.zkbench("history show " + std::to_string(session["id"].get<int>()) + " --json");
    const auto detail = nlohmann::json::parse(shown.output, nullptr, false);
    for (const auto& bench : detail["benchmarks"]) {
      for (const auto& run : bench["runs"]) {
        runs.push_back(run);
      }
    }
  }
  return runs;
}

TEST(MeasureContentionE2e, waits_for_busy_processes_to_stop_then_measures_a_real_gain_as_keep_and_a_comment_as_discard) {
  ScopedEnv env;
  env.set("ZKBENCH_CONTENTION_GATE", "on");
  WorkflowRepo repo(3, "0");
  make_cpu_bound(repo, std::string("  max_foreign_cores: 0.3\n  settle_seconds: 2\n  max_wait_seconds: 120\n  ignore: ") +
                           k_neighbours + "\n");
  // The baseline is measured before the busy processes start.
  ASSERT_EQ(repo.zkbench("baseline").exit_code, 0);
  const std::string gain = repo.experiment("Less work", "steps", "480000\n");   // 20% fewer iterations
  const std::string comment = repo.experiment("Comment", "prog.sh",
                                              read_file(repo.dir() / "prog.sh") + "# a comment\n");

  std::int64_t stopped_at_us = 0;
  CliResult ran;
  {
    Hogs hogs(repo.dir(), 2);
    const auto started = std::chrono::steady_clock::now();
    std::thread stopper([&] {
      std::this_thread::sleep_until(started + std::chrono::seconds(20));
      hogs.stop();
      stopped_at_us = now_us();
    });
    ran = repo.zkbench("exp run " + gain);
    stopper.join();
  }
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_TRUE(contains(ran.output, "waiting: ")) << ran.output;
  EXPECT_TRUE(contains(ran.output, "zkb_hog (2 processes")) << ran.output;
  EXPECT_TRUE(contains(ran.output, "— needs < 0.3 cores for 2 s")) << ran.output;
  const auto runs = runs_of(repo, "experiment");
  ASSERT_FALSE(runs.empty());
  double longest_wait = 0;
  for (const auto& run : runs) {
    EXPECT_GE(run["started_at_us"].get<std::int64_t>(), stopped_at_us) << run.dump();
    ASSERT_TRUE(run["contention"].is_object()) << run.dump();
    longest_wait = std::max(longest_wait, run["contention"]["waited_s"].get<double>());
  }
  EXPECT_GT(longest_wait, 10.0); // the first round waited for the busy processes
  EXPECT_EQ(experiment_json(repo, gain)["verdict"], "KEEP");

  const CliResult quiet = repo.zkbench("exp run " + comment);
  ASSERT_EQ(quiet.exit_code, 0) << quiet.output;
  EXPECT_EQ(experiment_json(repo, comment)["verdict"], "DISCARD");
}

TEST(MeasureContentionE2e, busy_processes_throughout_mark_runs_contended_and_the_final_look_judges_every_run) {
  ScopedEnv env;
  env.set("ZKBENCH_CONTENTION_GATE", "on");
  WorkflowRepo repo(3, "0");
  // A limit of 0.1 cores: beside a dozen compilers the busy processes get only a few tenths of a core,
  // and a run they took that much from is contended.
  make_cpu_bound(repo, std::string("  max_foreign_cores: 0.1\n  settle_seconds: 2\n  max_wait_seconds: 10\n"
                                   "  max_redone_rounds: 1\n  ignore: ") +
                           k_neighbours + "\n");
  ASSERT_EQ(repo.zkbench("baseline").exit_code, 0);
  const std::string gain = repo.experiment("Less work", "steps", "480000\n");
  Hogs hogs(repo.dir(), 2);
  const CliResult ran = repo.zkbench("exp run " + gain);
  hogs.stop();
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_TRUE(contains(ran.output, "gave up waiting for a quiet machine after 10 s")) << ran.output;
  const auto shown = experiment_json(repo, gain);
  // Every round contended and the budget spent: the final look judged every run, so the real gain is KEEP
  // when the fastest runs show it through the load, else INCONCLUSIVE; never a DISCARD, MAYBE or regression,
  // and the contention is named either way.
  const std::string verdict = shown["verdict"].get<std::string>();
  EXPECT_TRUE(verdict == "KEEP" || verdict == "INCONCLUSIVE") << shown.dump();
  EXPECT_TRUE(contains(shown.dump(), "contended")) << shown.dump();
  EXPECT_TRUE(contains(shown.dump(), "the final look judged every run")) << shown.dump() << ran.output;
  std::size_t contended = 0;
  for (const auto& run : runs_of(repo, "experiment")) {
    contended += run["contention"]["contended"].get<bool>() ? 1 : 0;
  }
  EXPECT_GT(contended, 0u);
}

TEST(MeasureContentionE2e, a_process_that_starts_during_a_run_marks_it_the_round_is_redone_and_both_are_kept) {
  ScopedEnv env;
  env.set("ZKBENCH_CONTENTION_GATE", "on");
  TempDir dir;
  const auto marker = dir.path() / "second-run";
  // Each run sleeps 1.5 s; the second one leaves a marker, and the test starts a busy process then.
  write_file(dir.path() / "cmd.sh", "#!/bin/sh\n"
                                    "n=$(cat count 2>/dev/null || echo 0); n=$((n + 1)); echo $n > count\n"
                                    "[ $n -eq 2 ] && touch second-run\n"
                                    "sleep 1.5\n");
  // The busy processes outlive the run by half a second, so the check after it names them.
  std::thread hog_starter([&] {
    ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(marker); }, std::chrono::seconds(120)));
    Hogs hogs(dir.path(), 2);
    std::this_thread::sleep_for(std::chrono::milliseconds(2000));
  });
  // `run` takes no project file: its gate has the generic policy (0.2 cores, no ignore list), so the
  // neighbours' builds may mark other runs too; the test checks the run its own busy processes hit.
  const CliResult ran = run_zkbench("run --runs 3 --contention-wait 10 --no-lock --export-json out.json "
                                    "--store zkbench.db 'sh cmd.sh'",
                                    dir.path().string());
  hog_starter.join();
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_TRUE(contains(ran.output, "measuring the round again")) << ran.output;
  const auto exported = nlohmann::json::parse(read_file(dir.path() / "out.json"));
  const auto& result = exported["results"][0];
  ASSERT_TRUE(result.contains("contended")) << result.dump();
  ASSERT_GE(result["times"].size(), 4u); // 3 rounds + the redone one: the store keeps both
  EXPECT_TRUE(result["contended"][1].get<bool>()) << result.dump();
  EXPECT_GT(result["foreign_cores"][1].get<double>(), 0.2);
  const CliResult history = run_zkbench("history show 1 --store zkbench.db", dir.path().string());
  EXPECT_TRUE(contains(history.output, "contended")) << history.output;
  EXPECT_TRUE(contains(history.output, "zkb_hog")) << history.output;
}

TEST(MeasureContentionE2e, doctor_reports_the_foreign_load_now) {
  TempDir dir;
  Hogs hogs(dir.path(), 2);
  const CliResult doctor = run_zkbench("doctor --json", dir.path().string());
  hogs.stop();
  ASSERT_EQ(doctor.exit_code, 0) << doctor.output;
  const auto report = nlohmann::json::parse(doctor.output, nullptr, false);
  ASSERT_TRUE(report.contains("load")) << doctor.output;
  EXPECT_GT(report["load"]["foreign_cores"].get<double>(), 0.2); // two busy processes, at the least
  EXPECT_TRUE(report["load"]["loaded"].get<bool>());
  EXPECT_TRUE(contains(report["load"]["processes"].get<std::string>(), "zkb_hog")) << report["load"].dump();
  EXPECT_DOUBLE_EQ(report["load"]["limit_cores"].get<double>(), 0.2);
}

} // namespace
} // namespace zkbench::test
