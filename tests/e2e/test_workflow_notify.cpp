// The workflow's notifications end to end: real `zkbench baseline` / `exp run` processes on a
// throwaway project (tests/support/workflow_repo.hpp) post to real HTTP receivers on 127.0.0.1 named
// in a 0600 secrets file. The primary metric is prog.sh's printed steps, so every figure is exact.
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/http_receiver.hpp"
#include "support/secrets_file.hpp"
#include "support/workflow_repo.hpp"

using zkbench::test::CliResult;
using zkbench::test::HttpReceiver;
using zkbench::test::ScopedSecretsFile;
using zkbench::test::WorkflowRepo;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<nlohmann::json> parsed(const std::vector<std::string>& bodies) {
  std::vector<nlohmann::json> out;
  for (const std::string& body : bodies) {
    out.push_back(nlohmann::json::parse(body, nullptr, false));
  }
  return out;
}

/// A project deciding on steps (1000 at the baseline) whose notifications carry a fixed dashboard link.
void set_up(const WorkflowRepo& repo) {
  repo.decide_on_steps("1000");
  zkbench::test::write_file(repo.dir() / "zkbench.yaml",
                            zkbench::test::read_file(repo.dir() / "zkbench.yaml") +
                                "dashboard_url: \"http://bench-host:8080/\"\n");
  EXPECT_EQ(repo.git("commit -qam 'dashboard link'"), 0);
}

const char* const k_rule = "━━━━━━━━━━━━━━━━━━━━━━━";

} // namespace

TEST(WorkflowNotifyE2e, baseline_and_experiments_send_the_seed_messages) {
  HttpReceiver json_hook;
  HttpReceiver slack;
  WorkflowRepo repo(3, "0.05");
  set_up(repo);
  ScopedSecretsFile secrets(repo.dir() / ".secrets.env",
                            "SLACK_WEBHOOK=" + slack.url("/services/T0/SECRETTOKEN") + "\nWEBHOOK_URL=" +
                                json_hook.url("/hook/SECRETTOKEN") + "\n",
                            0600);
  const std::string project = repo.dir().filename().string();

  const CliResult baseline = repo.zkbench("baseline");
  ASSERT_EQ(baseline.exit_code, 0) << baseline.output;
  EXPECT_FALSE(contains(baseline.output, "SECRETTOKEN")) << baseline.output;
  // The command flushed before exiting: the event is there already.
  ASSERT_EQ(json_hook.bodies().size(), 1u);
  const auto base = nlohmann::json::parse(json_hook.bodies()[0]);
  EXPECT_EQ(base["event"], "baseline_complete");
  EXPECT_EQ(base["project"], project);
  EXPECT_EQ(base["title"], "🔬 [" + project + "] Baseline Complete");
  EXPECT_EQ(base["dashboard_url"], "http://bench-host:8080/");
  EXPECT_TRUE(contains(base["detail"].get<std::string>(), "a: median ")) << base.dump(2);
  EXPECT_TRUE(contains(base["detail"].get<std::string>(), "3 runs")) << base.dump(2);

  const std::string keep = repo.experiment("Fewer steps", "steps", "500\n");
  const std::string crash = repo.experiment("Crash", "prog.sh", "#!/bin/sh\necho 'segfault' >&2\nexit 139\n");
  const CliResult kept = repo.zkbench("exp run " + keep);
  ASSERT_EQ(kept.exit_code, 0) << kept.output;
  const CliResult crashed = repo.zkbench("exp run " + crash);
  ASSERT_EQ(crashed.exit_code, 0) << crashed.output;
  EXPECT_TRUE(contains(crashed.output, ": REJECT")) << crashed.output;

  const auto events = parsed(json_hook.bodies());
  ASSERT_EQ(events.size(), 6u) << json_hook.bodies().back();
  std::vector<std::string> kinds;
  for (const auto& event : events) {
    kinds.push_back(event.value("event", "?"));
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"baseline_complete", "experiment_complete", "finding",
                                             "experiment_complete", "error", "all_complete"}));

  // Experiment 001: the §7.3 fields, exact (steps are deterministic).
  const auto& done = events[1];
  EXPECT_EQ(done["experiment_id"], "001");
  EXPECT_EQ(done["name"], "Fewer steps");
  EXPECT_EQ(done["status"], "KEEP");
  EXPECT_EQ(done["verdict"], "improvement");
  EXPECT_DOUBLE_EQ(done["result"].get<double>(), 1000.0); // 500 steps on each of the two inputs
  EXPECT_DOUBLE_EQ(done["baseline"].get<double>(), 2000.0);
  EXPECT_EQ(done["unit"], " steps");
  EXPECT_NEAR(done["delta_pct"].get<double>(), -50.0, 1e-9);
  EXPECT_EQ(done["progress"], (nlohmann::json{{"done", 1}, {"total", 2}}));
  EXPECT_EQ(done["dashboard_url"], "http://bench-host:8080/");
  EXPECT_EQ(events[2]["title"], "🎯 [" + project + "] Significant Finding: Experiment 001");

  // Experiment 002 crashed: its verdict, then the error with the failing command's reason.
  EXPECT_EQ(events[3]["status"], "REJECT");
  EXPECT_EQ(events[3]["progress"], (nlohmann::json{{"done", 2}, {"total", 2}}));
  EXPECT_EQ(events[4]["experiment_id"], "002");
  EXPECT_TRUE(contains(events[4]["detail"].get<std::string>(), "experiment 002 stopped: correctness command failed"))
      << events[4].dump(2);
  EXPECT_EQ(events[5]["title"], "🏁 [" + project + "] All Experiments Complete");
  EXPECT_EQ(events[5]["detail"], "Kept: 1; best: 001 Fewer steps (-50.0%)");

  // Slack got the same events as text; the experiment's is seed 002 §7.3's layout.
  const auto texts = parsed(slack.bodies());
  ASSERT_EQ(texts.size(), 6u);
  EXPECT_EQ(texts[1]["text"], "🔬 [" + project + "] Experiment 001 Complete\n" + k_rule +
                                  "\nName: Fewer steps\nResult: 1000 steps (baseline: 2000 steps)\n"
                                  "Improvement: -50.0% ✅\nStatus: KEEP\n" +
                                  k_rule + "\nProgress: 1/2 experiments\nDashboard: http://bench-host:8080/");
  for (const std::string& output : {kept.output, crashed.output}) {
    EXPECT_FALSE(contains(output, "SECRETTOKEN")) << output;
  }

  // A new hypothesis reopens the plan; closing it without a run completes the plan again.
  ASSERT_EQ(repo.zkbench("exp new 'Skip checks'").exit_code, 0);
  EXPECT_EQ(json_hook.bodies().size(), 6u);
  const CliResult closed = repo.zkbench("exp close 3 --status invalid --why 'unsound'");
  ASSERT_EQ(closed.exit_code, 0) << closed.output;
  ASSERT_EQ(json_hook.bodies().size(), 7u);
  const auto last = nlohmann::json::parse(json_hook.bodies().back());
  EXPECT_EQ(last["event"], "all_complete");
  EXPECT_EQ(last["progress"], (nlohmann::json{{"done", 3}, {"total", 3}}));
}

TEST(WorkflowNotifyE2e, a_failing_or_hanging_webhook_never_fails_the_run) {
  WorkflowRepo repo(3, "0.05");
  set_up(repo);
  {
    HttpReceiver failing(500);
    ScopedSecretsFile secrets(repo.dir() / ".secrets.env", "WEBHOOK_URL=" + failing.url("/SECRETTOKEN") + "\n", 0600);
    const CliResult baseline = repo.zkbench("baseline");
    ASSERT_EQ(baseline.exit_code, 0) << baseline.output;
    EXPECT_GE(failing.bodies().size(), 2u); // tried, and retried
    EXPECT_TRUE(contains(baseline.output, "HTTP 500")) << baseline.output;
    EXPECT_FALSE(contains(baseline.output, "SECRETTOKEN")) << baseline.output;
  }
  const std::string keep = repo.experiment("Fewer steps", "steps", "500\n");
  HttpReceiver hanging;
  hanging.hang(); // answers nothing for 60 s; a request would time out after 10 s, 4 attempts per event
  ScopedSecretsFile secrets(repo.dir() / ".secrets.env", "WEBHOOK_URL=" + hanging.url("/SECRETTOKEN") + "\n", 0600);
  const auto start = std::chrono::steady_clock::now();
  const CliResult run = repo.zkbench("exp run " + keep);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(WorkflowRepo::experiment_verdict(run.output), "KEEP") << run.output;
  EXPECT_TRUE(contains(run.output, "notifications not delivered within 5 s")) << run.output;
  EXPECT_EQ(hanging.bodies().size(), 1u); // the first event hangs; the rest wait behind it, then are dropped
  // Unbounded, the three events would keep it 3 x 47 s; the flush at exit gives up after 5 s. The bound
  // is loose for a loaded machine but far below what a hang would cost.
  EXPECT_LT(elapsed, std::chrono::seconds(60)) << run.output;
}
