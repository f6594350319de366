// Running for minutes, safely: exp run resumes after kill -9 with the runs already measured; --detach
// with status and logs; two zkbench processes never measure at the same time.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "support/workflow_repo.hpp"

using zkbench::test::CliResult;
using zkbench::test::read_file;
using zkbench::test::spawn_zkbench;
using zkbench::test::WorkflowRepo;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Waits until `predicate` holds, polling every 50 ms, for at most `limit`.
template <typename Predicate>
bool wait_for(Predicate predicate, std::chrono::seconds limit = std::chrono::seconds(60)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (predicate()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

int status_run(const WorkflowRepo& repo) {
  const auto json = nlohmann::json::parse(read_file(repo.dir() / ".zkbench/status.json"), nullptr, false);
  return json.is_object() && json.value("phase", "") == "measure" ? json.value("run", 0) : 0;
}

} // namespace

TEST(WorkflowRunningE2e, exp_run_resumes_after_kill_9_with_the_runs_already_measured) {
  WorkflowRepo repo(6, "0.15");
  ASSERT_EQ(repo.zkbench("baseline --runs 3").exit_code, 0);
  const std::string number = repo.experiment("Slightly faster", "delay", "0.12\n");
  // Fixed: every input measures its 6 runs per side, so the count after the resume is known.
  const pid_t pid = spawn_zkbench(repo.dir(), "exp run " + number + " --strategy fixed", repo.dir() / "first.log");
  ASSERT_TRUE(wait_for([&] { return status_run(repo) >= 4; })) << read_file(repo.dir() / "first.log");
  ::kill(pid, SIGKILL);
  // Not reaped yet, the killed zkbench is a zombie: kill(pid, 0) finds it, but it is not running.
  const auto state = [pid] {
    const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
    return stat.empty() ? '?' : stat[stat.rfind(')') + 2];
  };
  ASSERT_TRUE(wait_for([&] { return state() == 'Z'; }));
  const CliResult zombie = repo.zkbench("status");
  EXPECT_TRUE(contains(zombie.output, "interrupted: zkbench exp run")) << zombie.output;
  EXPECT_FALSE(contains(zombie.output, "running:")) << zombie.output;
  int status = 0;
  ::waitpid(pid, &status, 0);

  const CliResult stopped = repo.zkbench("status");
  EXPECT_TRUE(contains(stopped.output, "interrupted: zkbench exp run")) << stopped.output;
  const CliResult resumed = repo.zkbench("exp run " + number + " --strategy fixed");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_TRUE(contains(resumed.output, "resumed a with ")) << resumed.output;
  EXPECT_TRUE(contains(resumed.output, "runs already in the store")) << resumed.output;
  // The killed process's session is no longer "running": the resumed run found its process gone.
  const CliResult history = repo.zkbench("history --json");
  ASSERT_EQ(history.exit_code, 0) << history.output;
  int interrupted = 0;
  const auto listed = nlohmann::json::parse(history.output);
  for (const auto& session : listed.at("sessions")) {
    const std::string session_status = session.at("status").get<std::string>();
    EXPECT_NE(session_status, "running") << session.dump();
    interrupted += session_status == "interrupted" ? 1 : 0;
  }
  EXPECT_GE(interrupted, 1) << history.output;
  const auto results = nlohmann::json::parse(read_file(repo.dir() / "benchmarks/experiments/001-slightly-faster/results.json"));
  for (const auto& input : results["inputs"]) {
    // 6 planned; the policy extends a run whose times scatter (a loaded machine) to its maximum of 20.
    // Either way every run counts once: the 4+ measured before the kill are among them, not added again.
    const int runs = input["metrics"][0]["candidate"]["runs"].get<int>();
    EXPECT_TRUE(runs == 6 || runs == 20) << input.dump();
  }
}

TEST(WorkflowRunningE2e, detached_runs_report_status_and_logs_and_never_measure_alongside_another) {
  WorkflowRepo repo(3, "0.1");
  const auto trace = repo.dir() / "trace.txt";
  ASSERT_EQ(repo.zkbench("baseline").exit_code, 0);
  const std::string first = repo.experiment("First", "delay", "0.08\n");
  const std::string second = repo.experiment("Second", "delay", "0.09\n");
  ::setenv("ZKBENCH_TEST_TRACE", trace.c_str(), 1);

  const CliResult detached = repo.zkbench("exp run " + first + " --detach");
  ASSERT_EQ(detached.exit_code, 0) << detached.output;
  EXPECT_TRUE(contains(detached.output, "runs in the background")) << detached.output;
  ASSERT_TRUE(wait_for([&] { return status_run(repo) >= 1; }));
  const CliResult status = repo.zkbench("status");
  EXPECT_TRUE(contains(status.output, "running: zkbench exp run 001")) << status.output;
  EXPECT_TRUE(contains(status.output, "machine: busy")) << status.output;

  // A second measuring zkbench waits for the machine, saying for what.
  const CliResult waited = repo.zkbench("exp run " + second);
  ::unsetenv("ZKBENCH_TEST_TRACE");
  ASSERT_EQ(waited.exit_code, 0) << waited.output;
  EXPECT_TRUE(contains(waited.output, "waiting for the machine")) << waited.output;
  EXPECT_TRUE(contains(waited.output, "experiment 001")) << waited.output;

  const CliResult logs = repo.zkbench("logs -f");
  EXPECT_EQ(logs.exit_code, 0);
  EXPECT_TRUE(contains(logs.output, "experiment 001 (First): ")) << logs.output;

  // prog.sh traced every execution: no two overlap.
  std::vector<std::pair<long long, long long>> spans;
  std::istringstream lines(read_file(trace));
  std::string kind;
  long long at = 0;
  long long start = -1;
  while (lines >> kind >> at) {
    if (kind == "s") {
      EXPECT_EQ(start, -1) << "an execution started while another was running";
      start = at;
    } else {
      spans.emplace_back(start, at);
      start = -1;
    }
  }
  EXPECT_GE(spans.size(), 12U); // correctness + runs of both experiments
}
