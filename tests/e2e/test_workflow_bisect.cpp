// `zkbench bisect` (issue 19) on a real git repository the test makes: 64 commits of a small C program
// (about 28 ms a run), one of which (commit 41) makes it do 15% more work, one (17) changes only a
// comment, and one (43) does not compile (44 fixes it). Real builds, real runs, the store.
#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include <csignal>

#include "store/store.hpp"
#include "support/cli.hpp"
#include "support/process.hpp"
#include "support/env.hpp"
#include "support/fixtures.hpp"
#include "support/http_receiver.hpp"
#include "support/secrets_file.hpp"
#include "support/workflow_repo.hpp"

namespace zkbench {
namespace {

using test::CliResult;
using test::read_file;
using test::write_file;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The project: prog.c counts WORK rounds of a dependent multiply-add (about 3 ms), then waits 25 ms for
// what stands for a proof's GPU part: on the shared 2-core machine the tests run on (load 4, other
// engineers' compilers), a CPU-bound 25 ms loop measured a robust CV of 10-26%, which no 15% step survives;
// a wait measured 1-4% (the issue's ~3%). It prints "ok"
// and the input's name (the correctness output) and "steps: WORK" on stderr. Commit 41 adds 15% to both.
const char* const k_program = "#include <stdio.h>\n"
                             "#include <time.h>\n"
                             "#define WORK 3000000UL\n"
                             "#define WAIT_NS 25000000L\n"
                             "/* the work */\n"
                             "int main(int argc, char** argv) {\n"
                             "  volatile unsigned long x = 1;\n"
                             "  for (unsigned long i = 0; i < WORK; ++i) {\n"
                             "    x = x * 6364136223846793005UL + 1442695040888963407UL;\n"
                             "  }\n"
                             "  struct timespec wait = {0, WAIT_NS};\n"
                             "  nanosleep(&wait, NULL);\n"
                             "  printf(\"ok %s\\n\", argc > 1 ? argv[1] : \"-\");\n"
                             "  fprintf(stderr, \"steps: %lu\\n\", WORK);\n"
                             "  return 0;\n"
                             "}\n";

// Commits 1..63: notes, a comment (17), the slow commit (41), a broken build (43, fixed by 44).
const char* const k_history = "i=1\n"
                              "while [ $i -le 63 ]; do\n"
                              "  subject=\"commit $i: notes\"\n"
                              "  case $i in\n"
                              "    17) sed -i 's|the work|the work: a comment only|' prog.c; subject='commit 17: reword a "
                              "comment' ;;\n"
                              "    41) sed -i 's|3000000UL|3450000UL|; s|25000000L|28750000L|' prog.c; subject='commit 41: "
                              "more work per round' ;;\n"
                              "    43) echo '#error does not compile' >> prog.c; subject='commit 43: break the build' ;;\n"
                              "    44) sed -i '/#error/d' prog.c; subject='commit 44: fix the build' ;;\n"
                              "    *) echo \"note $i\" >> NOTES.txt; git add NOTES.txt ;;\n"
                              "  esac\n"
                              "  git commit -qam \"$subject\"\n"
                              "  i=$((i + 1))\n"
                              "done\n";

class BisectRepo {
public:
  /// The project with `program` as prog.c in commit 0, then the commits `history` (sh) makes.
  explicit BisectRepo(const std::string& program = k_program, const std::string& history = k_history) {
    const auto& d = m_dir.path();
    std::filesystem::create_directories(d / "benchmarks");
    write_file(d / "prog.c", program);
    write_file(d / "a.txt", "a\n");
    write_file(d / "benchmarks" / "inputs.yaml", "inputs:\n  - name: a\n    path: ../a.txt\n");
    write_file(d / "zkbench.yaml",
               "objective: \"Find the slow commit\"\n"
               "benchmark:\n  build: \"cc -O2 -o prog prog.c\"\n  command: \"./prog {input}\"\n  runs: 10\n"
               "  warmup: 0\n  cooldown_seconds: 0\n  timeout_multiplier: 3.0\n"
               "  metrics:\n    steps: 'steps: ([0-9]+)'\n  deterministic: [steps]\n"
               "correctness:\n  command: \"./prog {input}\"\npolicy: generic\n");
    write_file(d / ".gitignore", ".zkbench/\nprog\n");
    write_file(d / "history.sh", std::string("set -e\n"
                                             "git init -q && git config user.email t@t && git config user.name t\n"
                                             "git add -A && git commit -qm 'commit 0: the program'\n") +
                                     history);
    EXPECT_EQ(test::shell_in(d, "sh history.sh"), 0);
    m_env.set("ZKBENCH_LOCK_FILE", (d / ".zkbench-test.lock").string());
    m_env.set("ZKBENCH_SECRETS_FILE", (d / ".no-secrets.env").string());
  }

  const std::filesystem::path& dir() const { return m_dir.path(); }

  // The commit whose subject starts with "commit N:".
  std::string commit(int n) const {
    const CliResult r = test::run_shell(
        "cd '" + dir().string() + "' && git log --format=%H --grep='^commit " + std::to_string(n) + ":'");
    return r.output.substr(0, 40);
  }

  CliResult zkbench(const std::string& args) const { return test::run_zkbench(args, dir().string()); }

  nlohmann::json results(const std::string& id) const {
    return nlohmann::json::parse(read_file(dir() / "benchmarks" / "bisect" / id / "results.json"));
  }

private:
  test::TempDir m_dir;
  test::ScopedEnv m_env;
};

TEST(WorkflowBisectE2e, names_the_slow_commit_and_skips_one_that_does_not_build) {
  BisectRepo repo;
  const std::string slow = repo.commit(41);
  ASSERT_EQ(slow.size(), 40U);
  const CliResult run = repo.zkbench("bisect " + repo.commit(0) + " " + repo.commit(63));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(
      contains(run.output, "first bad commit " + slow.substr(0, 12) + " \"commit 41: more work per round\""))
      << run.output;
  EXPECT_TRUE(contains(run.output, "prog.c | 4 ++--")) << run.output; // the culprit's diff stat
  EXPECT_TRUE(contains(run.output, "cost: ")) << run.output;
  EXPECT_TRUE(contains(run.output, "confidence: ")) << run.output;

  const nlohmann::json r = repo.results("001");
  EXPECT_EQ(r["outcome"], "culprit");
  EXPECT_EQ(r["direction"], "slower");
  EXPECT_EQ(r["first_bad"]["commit"], slow);
  EXPECT_EQ(r["metric"], "time");
  EXPECT_FALSE(r["exact"].get<bool>());
  // Commit 43 is the probe after 31, 47 and 39 (good, bad, good): it does not compile, and is skipped.
  bool skipped = false;
  for (const auto& c : r["commits"]) {
    if (c["commit"] == repo.commit(43)) {
      skipped = c["verdict"] == "skipped" && contains(c["note"].get<std::string>(), "does not build");
    }
  }
  EXPECT_TRUE(skipped) << r["commits"].dump(1);
  // Every claimed step: the change of the slow side is about +15% (the interval holds it).
  const int runs = r["cost"]["runs"].get<int>();
  EXPECT_GT(runs, 0);
  EXPECT_EQ(r["git_bisect_fixed_runs"], 6 * 20);
  std::cout << "bisect (time): " << runs << " runs, " << r["comparisons_made"] << " comparisons, "
            << r["elapsed_s"] << " s; git bisect run with a fixed 10-run A/B per step: 120 runs\n";
  for (const auto& e : r["comparisons"]) {
    std::cout << "  " << e["candidate"].get<std::string>().substr(0, 8) << " vs "
              << e["baseline"].get<std::string>().substr(0, 8) << ": " << e["verdict"] << " " << e["change"]
              << " " << e["interval"] << " " << e["baseline_runs"] << "+" << e["candidate_runs"] << "\n";
  }
  EXPECT_TRUE(std::filesystem::exists(repo.dir() / "benchmarks" / "bisect" / "001" / "report.md"));
  // The runs are in the store, their sessions linked to the bisection.
  auto store =
      store::open_store((repo.dir() / ".zkbench" / "zkbench.db").string(), store::OpenMode::existing);
  ASSERT_TRUE(store);
  auto links = (*store)->session_links("bisect", r["sessions"]["first_owner_id"].get<std::int64_t>());
  ASSERT_TRUE(links);
  EXPECT_FALSE(links->empty());
}

TEST(WorkflowBisectE2e, a_range_without_a_change_says_no_difference_between_the_ends) {
  BisectRepo repo;
  // Commits 0..30: notes and a comment only, the same program.
  const CliResult run = repo.zkbench("bisect " + repo.commit(0) + " " + repo.commit(30));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(contains(run.output, "no difference between the ends")) << run.output;
  const nlohmann::json r = repo.results("001");
  EXPECT_EQ(r["outcome"], "no difference");
  EXPECT_FALSE(r.contains("first_bad"));
  // "is GOOD faster?", asked again measured further (or "is BAD faster?") while the estimate leaned: at most 3
  EXPECT_LE(r["comparisons_made"].get<int>(), 3);
}

TEST(WorkflowBisectE2e, a_deterministic_steps_metric_measures_each_commit_once_with_the_rules_minimum) {
  BisectRepo repo;
  const std::string slow = repo.commit(41);
  const CliResult run = repo.zkbench("bisect --metric steps " + repo.commit(0) + " " + repo.commit(63));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(contains(run.output, "first bad commit " + slow.substr(0, 12))) << run.output;
  const nlohmann::json r = repo.results("001");
  EXPECT_TRUE(r["exact"].get<bool>());
  EXPECT_EQ(r["metric"], "steps");
  // The rule decides a declared deterministic metric on 3 equal runs per side, never fewer: the ends 3 + 3,
  // then 3 for each commit measured (31, 47, 39, 44, 41, 40; 43 does not build): 24 runs.
  EXPECT_EQ(r["cost"]["runs"], 24) << r["comparisons"].dump(1);
  for (const auto& e : r["comparisons"]) {
    if (e.contains("failure")) {
      continue;
    }
    EXPECT_EQ(e["interval_method"], "exact");
    EXPECT_LE(e["baseline_runs"].get<int>() + e["candidate_runs"].get<int>(), 6);
  }
  std::cout << "bisect (steps): " << r["cost"]["runs"] << " runs, " << r["elapsed_s"] << " s\n";
  EXPECT_TRUE(r["complete"].get<bool>());

  // The dashboard's page of this bisection shows what results.json holds (on the exact metric, so that it
  // holds a culprit however loaded the machine).
  const CliResult report = repo.zkbench("report");
  ASSERT_EQ(report.exit_code, 0) << report.output;
  const auto dir = repo.dir() / "benchmarks" / "report";
  EXPECT_TRUE(contains(read_file(dir / "index.html"), "<a href=\"bisect/001.html\">001</a>"));
  const std::string page = read_file(dir / "bisect" / "001.html");
  EXPECT_TRUE(contains(page, "<code class=\"commit\">" + slow + "</code> <strong class=\"subject\">commit 41: more "
                             "work per round</strong>"))
      << page;
  EXPECT_TRUE(contains(page, "prog.c | 4 ++--")) << page;
  EXPECT_TRUE(contains(page, "Bisect 001 · " + repo.commit(0).substr(0, 12) + ".." + repo.commit(63).substr(0, 12)));
  // One row per probed commit, in probe order, each with its verdict; the skipped one with its reason.
  ASSERT_FALSE(r["steps"].empty());
  std::size_t rows = 0;
  for (std::size_t at = page.find("<tr class=\"step\">"); at != std::string::npos;
       at = page.find("<tr class=\"step\">", at + 1)) {
    const auto& step = r["steps"][rows++];
    const std::size_t end = page.find("</tr>", at);
    const std::string row = page.substr(at, end - at);
    EXPECT_TRUE(contains(row, "<code>" + step["commit"].get<std::string>().substr(0, 12) + "</code>")) << row;
    EXPECT_TRUE(contains(row, ">" + step["verdict"].get<std::string>() + "</span>")) << row;
    if (step["verdict"] != "skipped") {
      EXPECT_TRUE(contains(row, " against <code>")) << row; // its comparisons, with change and interval
      EXPECT_TRUE(contains(row, " %")) << row;
    }
  }
  EXPECT_EQ(rows, r["steps"].size());
  const std::size_t skipped_at = page.find("<section id=\"skipped\">");
  ASSERT_NE(skipped_at, std::string::npos);
  EXPECT_TRUE(contains(page.substr(skipped_at), "<code>" + repo.commit(43).substr(0, 12) +
                                                    "</code> commit 43: break the build: skipped — does not build"))
      << page.substr(skipped_at);
  EXPECT_TRUE(contains(page, r["confidence"]["statement"].get<std::string>())) << page;
  EXPECT_TRUE(contains(page, std::to_string(r["cost"]["runs"].get<int>()) + " runs (")) << page;
  EXPECT_TRUE(contains(page, "would have measured 120 runs")) << page;
  const auto data = nlohmann::json::parse(read_file(dir / "data.json"));
  ASSERT_EQ(data["bisections"].size(), 1U);
  EXPECT_EQ(data["bisections"][0]["first_bad"]["commit"], slow);
}

TEST(WorkflowBisectE2e, notifies_the_answer_like_an_experiment) {
  BisectRepo repo;
  test::HttpReceiver hook;
  test::ScopedSecretsFile secrets(repo.dir() / ".secrets.env", "WEBHOOK_URL=" + hook.url("/hook/SECRETTOKEN") + "\n",
                                  0600);
  const CliResult run = repo.zkbench("bisect --metric steps " + repo.commit(0) + " " + repo.commit(63));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  ASSERT_EQ(hook.bodies().size(), 1U); // flushed before the command exits
  const auto event = nlohmann::json::parse(hook.bodies().front());
  EXPECT_EQ(event["event"], "bisect_complete");
  EXPECT_TRUE(contains(event["title"].get<std::string>(), "Bisect 001 Complete")) << event.dump(2);
  EXPECT_EQ(event["status"], "CULPRIT");
  EXPECT_EQ(event["verdict"], "regression");
  EXPECT_NEAR(event["delta_pct"].get<double>(), 15.0, 1e-9); // steps: exact
  EXPECT_TRUE(contains(event["name"].get<std::string>(), "first bad commit " + repo.commit(41).substr(0, 12)))
      << event.dump(2);
  EXPECT_FALSE(contains(run.output, "SECRETTOKEN")) << run.output;
}

TEST(WorkflowBisectE2e, a_bisection_is_a_queued_job_like_any_other) {
  BisectRepo repo;
  const CliResult queued =
      repo.zkbench("submit --class h100 -- bisect --metric steps " + repo.commit(0) + " " + repo.commit(63));
  ASSERT_EQ(queued.exit_code, 0) << queued.output;
  const CliResult worker = repo.zkbench("worker --class h100 --until-empty --log-dir .zkbench/worker-logs");
  ASSERT_EQ(worker.exit_code, 0) << worker.output;
  EXPECT_TRUE(contains(worker.output, "1 done, 0 failed")) << worker.output;
  EXPECT_EQ(repo.results("001")["first_bad"]["commit"], repo.commit(41));
}

TEST(WorkflowBisectE2e, detached_bisection_is_followed_with_logs) {
  BisectRepo repo;
  const CliResult detached =
      repo.zkbench("bisect --detach --metric steps " + repo.commit(0) + " " + repo.commit(63));
  ASSERT_EQ(detached.exit_code, 0) << detached.output;
  EXPECT_TRUE(contains(detached.output, "runs in the background")) << detached.output;
  const CliResult logs = repo.zkbench("logs -f"); // follows the output until the bisection ends
  EXPECT_EQ(logs.exit_code, 0) << logs.output;
  EXPECT_TRUE(contains(logs.output, "bisect 001: first bad commit " + repo.commit(41).substr(0, 12)))
      << logs.output;
}

TEST(WorkflowBisectE2e, a_threshold_above_the_step_makes_the_ends_the_same) {
  BisectRepo repo;
  // The 15% step of commit 41 is below --threshold 50%: no claim, nothing to bisect.
  const CliResult run =
      repo.zkbench("bisect --threshold 50% --runs 6 " + repo.commit(40) + " " + repo.commit(42));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(contains(run.output, "no difference between the ends")) << run.output;
  const nlohmann::json r = repo.results("001");
  for (const auto& e : r["comparisons"]) { // --runs 6: the rule's last look at 6 runs per side at the latest
    EXPECT_LE(e["candidate_runs"].get<int>(), 6);
  }
  const CliResult bad = repo.zkbench("bisect --threshold 150% HEAD~1 HEAD");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_TRUE(contains(bad.output, "--threshold '150%'")) << bad.output;
  const CliResult few = repo.zkbench("bisect --runs 2 HEAD~1 HEAD");
  EXPECT_EQ(few.exit_code, 2) << few.output;
}

TEST(WorkflowBisectE2e, a_killed_bisection_is_resumed_with_the_steps_it_had_judged_even_when_killed_twice) {
  BisectRepo repo;
  const std::string range = repo.commit(0) + " " + repo.commit(63);
  const auto results = repo.dir() / "benchmarks" / "bisect" / "001" / "results.json";
  // On the exact steps metric, so that the answer does not depend on the machine's load.
  const pid_t pid = test::spawn_zkbench(repo.dir(), "bisect --metric steps " + range, repo.dir() / "first.log");
  // Killed for real (SIGKILL: no handler runs) once two commits between the ends are judged (five more
  // builds are left to do: it has not ended).
  nlohmann::json before;
  ASSERT_TRUE(test::wait_until(
      [&] {
        before = nlohmann::json::parse(read_file(results), nullptr, false);
        return before.is_object() && before["steps"].size() >= 2;
      },
      std::chrono::seconds(300)))
      << read_file(repo.dir() / "first.log");
  const CliResult status = repo.zkbench("status");
  EXPECT_TRUE(contains(status.output, "running: zkbench bisect " + range)) << status.output;
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  EXPECT_EQ(test::wait_process(pid), 128 + SIGKILL);
  before = repo.results("001");
  ASSERT_FALSE(before["complete"].get<bool>()) << read_file(repo.dir() / "first.log");
  std::size_t judged = before["steps"].size();
  ASSERT_GE(judged, 2U);

  // The dashboard shows the unfinished bisection with the steps it had.
  ASSERT_EQ(repo.zkbench("report").exit_code, 0);
  const std::string page = read_file(repo.dir() / "benchmarks" / "report" / "bisect" / "001.html");
  EXPECT_TRUE(contains(page, "not finished: " + std::to_string(judged) + " commits probed")) << page;
  EXPECT_TRUE(contains(page, "<section id=\"confidence\">\n<h2>Confidence</h2>\n<p>Not yet")) << page;

  // Resumed, and killed again once it judged one more commit: nothing judged before is lost.
  const pid_t again = test::spawn_zkbench(repo.dir(), "bisect --metric steps " + range, repo.dir() / "second.log");
  nlohmann::json second;
  ASSERT_TRUE(test::wait_until(
      [&] {
        second = nlohmann::json::parse(read_file(results), nullptr, false);
        return second.is_object() && second["steps"].size() > judged;
      },
      std::chrono::seconds(300)))
      << read_file(repo.dir() / "second.log");
  ASSERT_EQ(::kill(again, SIGKILL), 0);
  EXPECT_EQ(test::wait_process(again), 128 + SIGKILL);
  second = repo.results("001");
  ASSERT_FALSE(second["complete"].get<bool>()) << read_file(repo.dir() / "second.log");
  EXPECT_EQ(second["resumed"], 1);
  EXPECT_TRUE(contains(read_file(repo.dir() / "second.log"),
                       "resuming bisect 001 (interrupted): the ends compared, " + std::to_string(judged) +
                           " commits already judged"))
      << read_file(repo.dir() / "second.log");
  for (std::size_t i = 0; i < judged; ++i) {
    EXPECT_EQ(second["steps"][i], before["steps"][i]);
  }
  before = second;
  judged = second["steps"].size();

  // The same question once more: resumed under the same id, the judged commits taken from the record.
  const CliResult run = repo.zkbench("bisect --metric steps " + range);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(contains(run.output, "resuming bisect 001 (interrupted): the ends compared, " + std::to_string(judged) +
                                       " commits already judged"))
      << run.output;
  const nlohmann::json after = repo.results("001");
  EXPECT_FALSE(std::filesystem::exists(repo.dir() / "benchmarks" / "bisect" / "002"));
  EXPECT_TRUE(after["complete"].get<bool>());
  EXPECT_EQ(after["resumed"], 2);
  EXPECT_TRUE(contains(read_file(repo.dir() / "benchmarks" / "bisect" / "001" / "report.md"),
                       "Resumed 2 time(s) after an interruption"));
  ASSERT_EQ(repo.zkbench("report").exit_code, 0);
  const std::string done = read_file(repo.dir() / "benchmarks" / "report" / "bisect" / "001.html");
  EXPECT_TRUE(contains(done, "<p id=\"resumed\">Resumed 2 time(s)")) << done;
  EXPECT_TRUE(contains(done, "first bad commit " + repo.commit(41).substr(0, 12))) << done;
  EXPECT_EQ(after["first_bad"]["commit"], repo.commit(41)) << run.output;
  std::set<std::string> reused;
  for (std::size_t i = 0; i < judged; ++i) {
    EXPECT_EQ(after["steps"][i], before["steps"][i]);
    reused.insert(before["steps"][i]["commit"].get<std::string>());
    EXPECT_TRUE(contains(run.output, before["steps"][i]["commit"].get<std::string>().substr(0, 12)) &&
                contains(run.output, "(judged before the interruption)"))
        << run.output;
  }
  // The earlier comparisons are kept as they were; none of the later ones measures a commit judged before.
  const auto& comparisons = after["comparisons"];
  ASSERT_GE(comparisons.size(), before["comparisons"].size());
  for (std::size_t i = 0; i < comparisons.size(); ++i) {
    if (i < before["comparisons"].size()) {
      EXPECT_EQ(comparisons[i], before["comparisons"][i]);
    } else {
      EXPECT_EQ(reused.count(comparisons[i]["candidate"].get<std::string>()), 0U) << comparisons[i];
      EXPECT_EQ(reused.count(comparisons[i]["baseline"].get<std::string>()), 0U) << comparisons[i];
    }
  }
  EXPECT_GE(after["cost"]["runs"].get<int>(), before["cost"]["runs"].get<int>());
  // The ends were not compared again: the run starts with the next commit.
  EXPECT_FALSE(contains(run.output, "comparing the ends")) << run.output;
  std::cout << "resumed bisection: " << judged << " steps and " << before["cost"]["runs"]
            << " runs kept from the killed runs; " << after["cost"]["runs"] << " runs in all\n";
}

TEST(WorkflowBisectE2e, the_cpu_metric_bisects_the_cpu_time_zkbench_measures_itself) {
  // Commit 9 trades waiting for work: 3 ms of CPU and a 120 ms wait become 30 ms of CPU and a 10 ms wait.
  // Its CPU time (user + system, from wait4) is about 8 times GOOD's (each also counts the program's
  // start, about 1 ms) while its wall time is a third of it, so a bisection that judged time instead would
  // call BAD faster. The work is tens of milliseconds because the AddressSanitizer build starts commands
  // with a fork, whose exec unmaps a copy of zkbench's page tables in the child's system time: a few
  // milliseconds more on both sides there, which a 1 ms against 8 ms contrast did not survive under CI's load.
  std::string program = k_program;
  program.replace(program.find("25000000L"), 9, "120000000L");
  BisectRepo repo(program, "i=1\n"
                           "while [ $i -le 15 ]; do\n"
                           "  if [ $i -eq 9 ]; then\n"
                           "    sed -i 's|3000000UL|30000000UL|; s|120000000L|10000000L|' prog.c; subject='commit 9: work, "
                           "no wait'\n"
                           "  else echo \"note $i\" >> NOTES.txt; git add NOTES.txt; subject=\"commit $i: notes\"; fi\n"
                           "  git commit -qam \"$subject\"\n"
                           "  i=$((i + 1))\n"
                           "done\n");
  const std::string culprit = repo.commit(9);
  ASSERT_EQ(culprit.size(), 40U);
  const CliResult run = repo.zkbench("bisect --metric cpu " + repo.commit(0) + " " + repo.commit(15));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(contains(run.output, "first bad commit " + culprit.substr(0, 12) + " \"commit 9: work, no wait\""))
      << run.output;
  const nlohmann::json r = repo.results("001");
  EXPECT_EQ(r["metric"], "cpu");
  EXPECT_EQ(r["direction"], "slower") << run.output;
  EXPECT_EQ(r["first_bad"]["commit"], culprit);
  ASSERT_FALSE(r["comparisons"].empty());
  for (const auto& e : r["comparisons"]) {
    EXPECT_EQ(e["metric"], "cpu") << e.dump();
  }
  // GOOD against BAD on CPU time: BAD about 8 times GOOD's (the first question: GOOD the candidate).
  const auto& ends = r["comparisons"][0];
  EXPECT_EQ(ends["candidate"], repo.commit(0));
  EXPECT_LT(ends["change"].get<double>(), -0.5) << ends.dump();
}

TEST(WorkflowBisectE2e, refuses_ends_that_are_not_on_one_first_parent_history) {
  BisectRepo repo;
  const CliResult run = repo.zkbench("bisect " + repo.commit(30) + " " + repo.commit(10));
  EXPECT_NE(run.exit_code, 0);
  EXPECT_TRUE(contains(run.output, "is not on the first-parent history")) << run.output;
  const CliResult unknown = repo.zkbench("bisect " + repo.commit(0) + " HEAD --input nope");
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_TRUE(contains(unknown.output, "--input 'nope' is not in inputs.yaml")) << unknown.output;
}

} // namespace
} // namespace zkbench
