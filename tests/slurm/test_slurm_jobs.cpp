// zkbench's jobs on a real Slurm cluster (the one-node cluster of scripts/slurm-test-cluster.sh, with a
// real PostgreSQL store): exclusive jobs run one at a time and record their verdicts; a job cancelled
// while queued, one past its time limit and one whose zkbench is killed each end as they should.
#include <algorithm>
#include <cmath>
#include <csignal>
#include <iostream>
#include <map>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "project/linked_runs.hpp"
#include "queue/slurm_state.hpp"
#include "stats/descriptive.hpp"
#include "store/store.hpp"
#include "support/pg_fleet.hpp"
#include "support/slurm_cluster.hpp"
#include "support/workflow_repo.hpp"
#include "project/status_file.hpp"

using zkbench::test::CliResult;
using zkbench::test::WorkflowRepo;
using zkbench::test::wait_for;

namespace {

using Jobs = std::map<std::int64_t, nlohmann::json>;

/// `zkbench queue --json` (which also closes the jobs Slurm ended), by job id.
Jobs jobs_of(const WorkflowRepo& repo) {
  const CliResult listed = repo.zkbench("queue --json");
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  Jobs jobs;
  const auto parsed = nlohmann::json::parse(listed.output, nullptr, false);
  for (const auto& job : parsed.value("jobs", nlohmann::json::array())) {
    jobs[job["id"].get<std::int64_t>()] = job;
  }
  return jobs;
}

bool is_open(const nlohmann::json& job) {
  return job["status"] == "queued" || job["status"] == "running";
}

std::string slurm_state(const nlohmann::json& job) {
  return job["slurm"].is_object() ? job["slurm"].value("state", "") : "";
}

/// A project whose jobs go to the test cluster, its store in a schema of its own on the test server.
class SlurmJobs : public testing::Test {
protected:
  void SetUp() override {
    const std::string unavailable = zkbench::test::use_test_cluster();
    if (!unavailable.empty()) {
      GTEST_SKIP() << "no Slurm cluster on this machine: " << unavailable;
    }
    ASSERT_FALSE(HasFailure());
    m_repo = std::make_unique<WorkflowRepo>(2, "0.05");
    m_url = zkbench::test::pg_store_url(m_repo->dir());
    // The store's URL in zkbench.yaml only, as docs/team-scale.md suggests (issue 20: `exp new` wrote
    // to it while `submit` looked in .zkbench/zkbench.db); sbatch passes it to the jobs as ZKBENCH_STORE.
    ::unsetenv("ZKBENCH_STORE");
    const std::string config = zkbench::test::read_file(m_repo->dir() / "zkbench.yaml");
    zkbench::test::write_file(m_repo->dir() / "zkbench.yaml", config + "store: \"" + m_url + "\"\n");
    ASSERT_EQ(m_repo->git("add -A && git commit -qm store"), 0);
  }

  /// Adds zkbench.yaml's fleet: section (the cluster's count-only GRES stands in for GPUs) and commits it.
  void use_fleet(const std::string& extra = "") {
    const std::string config = zkbench::test::read_file(repo().dir() / "zkbench.yaml");
    zkbench::test::write_file(repo().dir() / "zkbench.yaml",
                              config + "fleet:\n  scheduler: slurm\n  gres: \"testgpu:1\"\n  min_time_limit_minutes: 1\n" +
                                  extra);
    ASSERT_EQ(repo().git("add -A && git commit -qm fleet"), 0);
  }

  /// Waits until job `id` has ended in the store (queue --json closes what Slurm ended).
  nlohmann::json wait_until_ended(std::int64_t id, std::chrono::seconds limit) {
    nlohmann::json job;
    EXPECT_TRUE(wait_for(
        [&] {
          job = jobs_of(repo())[id];
          return !job.is_null() && !is_open(job);
        },
        limit))
        << job.dump(2);
    return job;
  }

  const WorkflowRepo& repo() const { return *m_repo; }

  std::unique_ptr<WorkflowRepo> m_repo;
  std::string m_url;
};

} // namespace

TEST_F(SlurmJobs, a_baseline_and_two_experiments_submitted_at_once_run_one_at_a_time_and_record_their_verdicts) {
  repo().decide_on_steps("1000");
  use_fleet();
  // Experiments branch from a baseline: one measured here first; the cluster measures its own class's.
  ASSERT_EQ(repo().zkbench("baseline").exit_code, 0);
  const std::string keep = repo().experiment("Fewer steps", "steps", "500\n");
  const std::string discard = repo().experiment("More steps", "steps", "1600\n");

  const CliResult submitted = repo().zkbench("submit baseline " + keep + " " + discard);
  ASSERT_EQ(submitted.exit_code, 0) << submitted.output;
  EXPECT_NE(submitted.output.find("(zkbench-baseline)"), std::string::npos) << submitted.output;
  EXPECT_EQ(submitted.output.find("postgresql://"), std::string::npos) << "the store URL is never printed";
  Jobs jobs = jobs_of(repo());
  ASSERT_EQ(jobs.size(), 3U);
  const std::int64_t baseline_slurm = jobs[1]["slurm"]["job_id"];
  for (const std::int64_t id : {2, 3}) {
    EXPECT_EQ(jobs[id]["payload"]["slurm"]["after_ok"], baseline_slurm) << "experiments wait for the baseline (afterok)";
  }
  EXPECT_EQ(jobs[2]["payload"]["slurm"]["name"], "zkbench-" + keep);
  // The line the issue asks to see: squeue's view of a submitted experiment.
  const CliResult squeue = zkbench::test::run_shell("squeue --jobs=" + std::to_string(jobs[2]["slurm"]["job_id"].get<int>()) +
                                                    " --states=all --format='%.6i %.9P %.16j %.8u %.10T %.8M %.5D %R' 2>&1");
  std::cout << "squeue of experiment " << keep << ":\n" << squeue.output;

  for (const std::int64_t id : {1, 2, 3}) {
    const auto job = wait_until_ended(id, std::chrono::seconds(400));
    ASSERT_EQ(job["status"], "done") << job.dump(2);
    EXPECT_EQ(job["result"]["exit_code"], 0);
    EXPECT_EQ(job["result"]["node"], job["slurm"]["nodes"]);
  }
  // Exclusive jobs: no two ran at the same time (stored start and end of each).
  jobs = jobs_of(repo());
  std::vector<std::pair<std::int64_t, std::int64_t>> spans;
  for (const auto& [id, job] : jobs) {
    spans.emplace_back(job["started_at_us"].get<std::int64_t>(), job["finished_at_us"].get<std::int64_t>());
  }
  std::sort(spans.begin(), spans.end());
  for (std::size_t i = 1; i < spans.size(); ++i) {
    EXPECT_LE(spans[i - 1].second, spans[i].first) << "job spans overlap";
  }
  EXPECT_LT(jobs[1]["finished_at_us"].get<std::int64_t>(), jobs[2]["started_at_us"].get<std::int64_t>());

  // The verdicts are in the store, against the baseline the cluster measured on its class.
  for (const auto& [number, verdict] : {std::pair{keep, "KEEP"}, std::pair{discard, "DISCARD"}}) {
    const CliResult shown = repo().zkbench("exp show " + number + " --json");
    ASSERT_EQ(shown.exit_code, 0) << shown.output;
    const auto experiment = nlohmann::json::parse(shown.output, nullptr, false);
    EXPECT_EQ(experiment["verdict"], verdict) << shown.output;
    std::cout << "experiment " << number << " stored verdict: " << experiment["verdict"] << "\n";
  }

  // Now the class has a baseline: the next experiment's time limit comes from it, and Slurm holds the job
  // to it: the default build allowance (15 min, the project has a build command) plus its runs (per input,
  // 2 sides x (2 runs extended to the policy's 20, and to 40 for a KEEP-sized estimate, + 1 correctness
  // run) x the baseline's median x 3.0), rounded up. The medians are the cluster's own measurements of a
  // `sleep 0.05` script: on a loaded machine (an ASan build of every test beside it) they can exceed the
  // 0.12 s at which the runs pass a minute, so the expected limit is computed from the stored ones.
  const auto store = zkbench::store::open_store(m_url, zkbench::store::OpenMode::existing);
  ASSERT_TRUE(store) << store.error().message;
  const auto baselines = (*store)->list_baselines();
  ASSERT_TRUE(baselines && !baselines->empty());
  const auto measured = zkbench::project::baseline_benchmarks(**store, baselines->back());
  ASSERT_TRUE(measured) << measured.error().message;
  ASSERT_EQ(measured->size(), 2U);
  double seconds = 15 * 60;
  for (const auto& [name, bench] : *measured) {
    seconds += 2 * (0 + 40 + 1) * zkbench::stats::median(bench.wall_times()) * 3.0;
  }
  const int expected = static_cast<int>(std::ceil(seconds / 60));
  std::cout << "time limit from medians of the cluster's baseline: " << expected << " min\n";
  const std::string third = repo().experiment("Fewer steps again", "steps", "900\n");
  ASSERT_EQ(repo().zkbench("submit " + third).exit_code, 0);
  jobs = jobs_of(repo());
  EXPECT_EQ(jobs[4]["payload"]["slurm"]["time_limit_minutes"], expected) << jobs[4].dump(2);
  EXPECT_EQ(jobs[4]["slurm"]["time_limit"], fmt::format("{}:00", expected)) << jobs[4].dump(2);
  EXPECT_TRUE(jobs[4]["payload"]["slurm"]["after_ok"].is_null());
  repo().zkbench("queue cancel 4"); // cleanup (it may have ended already): the node is free for the next test
  EXPECT_TRUE(wait_for([&] { return zkbench::queue::slurm::ending_of(slurm_state(jobs_of(repo())[4])) !=
                                    zkbench::queue::slurm::Ending::open; },
                       std::chrono::seconds(60)));
}

TEST_F(SlurmJobs, a_bisection_submitted_to_the_cluster_names_the_commit_and_has_its_page) {
  // Steps declared deterministic: each commit is measured once and the answer is exact.
  repo().decide_on_steps("1000");
  repo().declare_steps_deterministic();
  use_fleet();
  const std::string good = repo().history_with_a_step("1300");
  const std::string culprit = repo().head("HEAD~1");

  const std::string bisect = "submit -- bisect --metric steps " + good + " HEAD";
  const CliResult submitted = repo().zkbench(bisect);
  ASSERT_EQ(submitted.exit_code, 0) << submitted.output;
  EXPECT_NE(submitted.output.find("submitted job 1 to Slurm as "), std::string::npos) << submitted.output;
  EXPECT_NE(submitted.output.find("(zkbench-bisect"), std::string::npos) << submitted.output;
  // No runs of the inputs yet: no limit of its own, and the line says why.
  EXPECT_NE(submitted.output.find("no time limit of its own (no runs of input 'a' in the store to go by)"),
            std::string::npos)
      << submitted.output;
  EXPECT_TRUE(jobs_of(repo())[1]["payload"]["slurm"]["time_limit_minutes"].is_null());
  const auto job = wait_until_ended(1, std::chrono::seconds(300));
  ASSERT_EQ(job["status"], "done") << job.dump(2);
  EXPECT_EQ(job["result"]["exit_code"], 0);

  // The node wrote the answer in the project and its runs in the store.
  const auto results = nlohmann::json::parse(zkbench::test::read_file(repo().dir() / "benchmarks/bisect/001/results.json"));
  EXPECT_TRUE(results["complete"].get<bool>());
  EXPECT_EQ(results["first_bad"]["commit"], culprit) << results.dump(1);
  EXPECT_EQ(results["first_bad"]["subject"], "steps 1300");
  EXPECT_TRUE(results["exact"].get<bool>());
  auto store = zkbench::store::open_store(m_url, zkbench::store::OpenMode::existing);
  ASSERT_TRUE(store) << store.error().message;
  const auto links = (*store)->session_links("bisect", results["sessions"]["first_owner_id"].get<std::int64_t>());
  ASSERT_TRUE(links) << links.error().message;
  EXPECT_FALSE(links->empty());
  std::cout << "bisect on Slurm: " << results["answer"] << ", " << results["cost"]["runs"] << " runs\n";

  // Its page, from the PostgreSQL store's project.
  ASSERT_EQ(repo().zkbench("report").exit_code, 0);
  const std::string page = zkbench::test::read_file(repo().dir() / "benchmarks/report/bisect/001.html");
  EXPECT_NE(page.find("<code class=\"commit\">" + culprit + "</code> <strong class=\"subject\">steps 1300</strong>"),
            std::string::npos)
      << page;

  // Now the store has runs of both inputs: the same bisection submitted again gets a limit from its size,
  // which Slurm holds it to. Its builds alone (both ends and a midpoint per halving of the 3 commits after
  // GOOD, 15 min each: the project has a build command) x the safety factor 2 are its floor.
  const CliResult again = repo().zkbench(bisect);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  const Jobs jobs = jobs_of(repo());
  const nlohmann::json limit = jobs.at(2)["payload"]["slurm"]["time_limit_minutes"];
  ASSERT_TRUE(limit.is_number_integer()) << jobs.at(2).dump(2);
  const int minutes = limit.get<int>();
  EXPECT_GE(minutes, 2 * (2 + 2) * 15) << again.output;
  EXPECT_NE(again.output.find(fmt::format("limit {} min", minutes)), std::string::npos) << again.output;
  EXPECT_EQ(jobs.at(2)["slurm"]["time_limit"], fmt::format("{}:{:02}:00", minutes / 60, minutes % 60))
      << jobs.at(2).dump(2);
  std::cout << "bisect resubmitted: " << again.output;
  repo().zkbench("queue cancel 2"); // cleanup: the node is free for the next test
  EXPECT_TRUE(wait_for([&] { return zkbench::queue::slurm::ending_of(slurm_state(jobs_of(repo())[2])) !=
                                    zkbench::queue::slurm::Ending::open; },
                       std::chrono::seconds(60)));
}

TEST_F(SlurmJobs, a_job_cancelled_while_queued_is_recorded_as_cancelled) {
  use_fleet();
  const CliResult first = repo().zkbench("submit -- run -r 1 -w 0 'sleep 300'");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  ASSERT_TRUE(wait_for([&] { return slurm_state(jobs_of(repo())[1]) == "RUNNING"; }, std::chrono::seconds(120)));
  const CliResult second = repo().zkbench("submit -- run -r 1 -w 0 'sleep 1'");
  ASSERT_EQ(second.exit_code, 0) << second.output;
  // The node is taken (exclusive): the second job waits.
  ASSERT_EQ(slurm_state(jobs_of(repo())[2]), "PENDING");

  // The dashboard's current run is the Slurm job, with its node and state.
  const nlohmann::json running = jobs_of(repo())[1];
  const CliResult report = repo().zkbench("report");
  ASSERT_EQ(report.exit_code, 0) << report.output;
  const std::string index = zkbench::test::read_file(repo().dir() / "benchmarks/report/index.html");
  const std::string expected = "<p class=\"scheduler\">Slurm job " + std::to_string(running["slurm"]["job_id"].get<int>()) +
                               " on " + running["slurm"]["nodes"].get<std::string>() + ": RUNNING</p>";
  EXPECT_NE(index.find(expected), std::string::npos) << expected;

  const CliResult cancelled = repo().zkbench("queue cancel 2");
  ASSERT_EQ(cancelled.exit_code, 0) << cancelled.output;
  EXPECT_NE(cancelled.output.find("cancelled job 2 (Slurm job"), std::string::npos) << cancelled.output;
  auto job = jobs_of(repo())[2];
  EXPECT_EQ(job["status"], "failed");
  EXPECT_EQ(job["ended"], "cancelled");
  EXPECT_TRUE(job["started_at_us"].is_null()) << "it never ran";
  EXPECT_TRUE(wait_for([&] { return slurm_state(jobs_of(repo())[2]) == "CANCELLED"; }, std::chrono::seconds(60)));
  const CliResult again = repo().zkbench("queue cancel 2");
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.output.find("job 2 has already ended: cancelled"), std::string::npos) << again.output;

  // The running one is cancelled too (scancel), and the node is free for the next test.
  ASSERT_EQ(repo().zkbench("queue cancel 1").exit_code, 0);
  EXPECT_EQ(jobs_of(repo())[1]["ended"], "cancelled");
  EXPECT_TRUE(wait_for([&] { return slurm_state(jobs_of(repo())[1]) == "CANCELLED"; }, std::chrono::seconds(60)));
}

TEST_F(SlurmJobs, a_job_past_its_slurm_time_limit_is_recorded_as_timed_out) {
  // A `run` job has no baseline to estimate from: the fleet's --time (1 minute) is its limit.
  use_fleet("  sbatch_options: [\"--time=1\"]\n");
  const CliResult submitted = repo().zkbench("submit -- run -r 1 -w 0 'sleep 600'");
  ASSERT_EQ(submitted.exit_code, 0) << submitted.output;
  EXPECT_EQ(jobs_of(repo())[1]["slurm"]["time_limit"], "1:00"); // squeue's view of --time=1
  const auto job = wait_until_ended(1, std::chrono::seconds(300));
  EXPECT_EQ(job["status"], "failed") << job.dump(2);
  EXPECT_EQ(job["ended"], "timed_out") << job.dump(2);
  EXPECT_TRUE(job["started_at_us"].is_number());
  // Slurm shows COMPLETING until the job's processes are gone, then TIMEOUT.
  EXPECT_TRUE(wait_for([&] { return slurm_state(jobs_of(repo())[1]) == "TIMEOUT"; }, std::chrono::seconds(60)));
}

TEST_F(SlurmJobs, a_node_job_whose_zkbench_is_killed_leaves_its_finished_runs_in_the_store) {
  zkbench::test::write_file(repo().dir() / "delay", "0.5\n");
  ASSERT_EQ(repo().git("add -A && git commit -qm slower"), 0);
  use_fleet();
  ASSERT_EQ(repo().zkbench("submit baseline").exit_code, 0);
  // The measuring zkbench on the node keeps .zkbench/status.json: kill it once it measures the second
  // input, when the first input's runs are done.
  const auto status_path = zkbench::project::status_path(repo().dir());
  zkbench::project::StatusInfo status;
  ASSERT_TRUE(wait_for(
      [&] {
        const auto parsed = zkbench::project::parse_status_json(zkbench::test::read_file(status_path));
        if (parsed && parsed->phase == "measure" && parsed->input_index >= 2) {
          status = *parsed;
          return true;
        }
        return false;
      },
      std::chrono::seconds(180)));
  ASSERT_GT(status.pid, 0);
  ASSERT_EQ(::kill(status.pid, SIGKILL), 0);

  const auto job = wait_until_ended(1, std::chrono::seconds(120));
  EXPECT_EQ(job["status"], "failed") << job.dump(2);
  EXPECT_EQ(job["result"]["signal"], SIGKILL) << job.dump(2);

  // The runs measured before the kill are in the store.
  auto store = zkbench::store::open_store(m_url, zkbench::store::OpenMode::existing);
  ASSERT_TRUE(store) << store.error().message;
  const auto sessions = (*store)->list_sessions(100);
  ASSERT_TRUE(sessions) << sessions.error().message;
  std::size_t runs = 0;
  for (const auto& session : *sessions) {
    if (session.info.machine_class != "default") { // the cluster's class (the schema is this test's own)
      continue;
    }
    const auto benches = (*store)->load_benchmarks(session.id);
    ASSERT_TRUE(benches) << benches.error().message;
    for (const auto& bench : *benches) {
      runs += bench.runs.size();
    }
  }
  EXPECT_GE(runs, 2U) << "the runs finished before the kill";
}
