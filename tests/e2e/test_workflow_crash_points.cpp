// `exp run` killed (SIGKILL) at many points of a real run, from its start through measuring to the steps
// of finishing (the decision in the store, the branch renamed with its verdict, results.json, verdict.md,
// the merge into bench/accumulator): the next `exp run` of the same experiment always ends with the
// experiment finished, whatever the point, and nothing half done is left behind.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "support/workflow_repo.hpp"

using zkbench::test::CliResult;
using zkbench::test::spawn_zkbench;
using zkbench::test::WorkflowRepo;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

nlohmann::json show(const WorkflowRepo& repo, const std::string& number) {
  const CliResult shown = repo.zkbench("exp show " + number + " --json");
  EXPECT_EQ(shown.exit_code, 0) << shown.output;
  return nlohmann::json::parse(shown.output, nullptr, false);
}

// A point of the run at which the test kills it: `reached` is polled every millisecond (the kill lands
// within a few milliseconds after the point becomes visible), `after` is a delay from the start.
struct KillPoint {
  std::string name;
  std::function<bool(const fs::path& experiment_dir, const std::string& branch)> reached;
  std::chrono::milliseconds after{0};
};

} // namespace

TEST(WorkflowCrashPointsE2e, exp_run_killed_at_many_points_is_finished_by_the_next_run) {
  WorkflowRepo repo(3, "0.05");
  repo.decide_on_steps("1000"); // KEEP on steps, whatever the load: every experiment ends the same way
  ASSERT_EQ(repo.zkbench("baseline --runs 3").exit_code, 0);

  // One whole run first, for the length of a run (the timed points are fractions of it).
  const std::string first = repo.experiment("whole", "steps", "900\n");
  const auto started = Clock::now();
  const CliResult whole = repo.zkbench("exp run " + first);
  const auto length = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  ASSERT_EQ(whole.exit_code, 0) << whole.output;
  ASSERT_EQ(show(repo, first).value("verdict", ""), "KEEP");

  std::vector<KillPoint> points;
  for (const double fraction : {0.0, 0.15, 0.3, 0.45, 0.6, 0.75, 0.85, 0.9, 0.95, 1.0}) {
    points.push_back({"at " + std::to_string(fraction) + " of a run", nullptr,
                      std::chrono::milliseconds(static_cast<long>(fraction * static_cast<double>(length.count())))});
  }
  const auto ref = [&](const std::string& branch) { return repo.dir() / ".git/refs/heads" / branch; };
  points.push_back({"when the branch is renamed", [&](const fs::path&, const std::string& branch) {
                      return fs::exists(ref(branch + "-KEEP"));
                    }});
  points.push_back({"when results.json appears",
                    [](const fs::path& dir, const std::string&) { return fs::exists(dir / "results.json"); }});
  points.push_back({"when verdict.md appears",
                    [](const fs::path& dir, const std::string&) { return fs::exists(dir / "verdict.md"); }});

  int killed_before_the_end = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const KillPoint& point = points[i];
    SCOPED_TRACE(point.name);
    const std::string number = repo.experiment("point " + std::to_string(i), "steps", "900\n");
    const nlohmann::json created = show(repo, number);
    const std::string branch = created.value("branch", "");
    const fs::path dir = repo.dir() / "benchmarks/experiments" / (number + "-" + created.value("slug", ""));
    const fs::path log = repo.dir() / ("killed-" + number + ".log");

    const pid_t pid = spawn_zkbench(repo.dir(), "exp run " + number, log);
    const auto start = Clock::now();
    int status = 0;
    bool exited = false;
    while (Clock::now() - start < std::chrono::seconds(120)) {
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        exited = true; // the run ended before the point: it is a finished run to check as well
        break;
      }
      const bool reached = point.reached ? point.reached(dir, branch) : Clock::now() - start >= point.after;
      if (reached) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (!exited) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      killed_before_the_end += WIFSIGNALED(status) ? 1 : 0;
    }

    // The next run finishes the experiment: measured again from where it stopped, or only finished,
    // or already complete (the kill came too late).
    const CliResult next = repo.zkbench("exp run " + number);
    const bool already = next.output.find("already decided") != std::string::npos;
    EXPECT_TRUE(next.exit_code == 0 || already) << next.output;

    const nlohmann::json finished = show(repo, number);
    EXPECT_EQ(finished.value("status", ""), "done") << finished.dump();
    EXPECT_EQ(finished.value("verdict", ""), "KEEP") << finished.dump();
    EXPECT_EQ(finished.value("branch", ""), branch + "-KEEP") << finished.dump();
    EXPECT_TRUE(fs::exists(ref(branch + "-KEEP")));
    EXPECT_FALSE(fs::exists(ref(branch))) << "the branch under its old name is left";
    EXPECT_TRUE(fs::exists(dir / "results.json"));
    EXPECT_TRUE(fs::exists(dir / "verdict.md"));
    EXPECT_EQ(repo.git("merge-base --is-ancestor " + branch + "-KEEP bench/accumulator"), 0)
        << "the KEEP is not in bench/accumulator";
    // A third run only says it is decided.
    const CliResult third = repo.zkbench("exp run " + number);
    EXPECT_NE(third.exit_code, 0);
    EXPECT_NE(third.output.find("already decided"), std::string::npos) << third.output;
  }
  // Most points land inside the run (the last timed ones and the events can come after its end on a
  // fast machine; those are checked as finished runs).
  EXPECT_GE(killed_before_the_end, static_cast<int>(points.size()) / 2);

  // No session is left "running" by the killed processes.
  const CliResult history = repo.zkbench("history --json");
  ASSERT_EQ(history.exit_code, 0) << history.output;
  const nlohmann::json listed = nlohmann::json::parse(history.output);
  for (const auto& session : listed.at("sessions")) {
    EXPECT_NE(session.value("status", ""), "running") << session.dump();
  }
}
