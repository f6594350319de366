// `zkbench submit NNN` / `zkbench submit baseline` (the workflow's short forms) and a worker running
// them on a real project and SQLite store: the jobs' commands and classes, and baselines per machine
// class (an experiment is compared only with a baseline measured on the worker's class).

#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "store/store.hpp"
#include "support/workflow_repo.hpp"

using zkbench::test::CliResult;
using zkbench::test::WorkflowRepo;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// `zkbench queue --json`, by job id.
std::map<std::int64_t, nlohmann::json> jobs_of(const WorkflowRepo& repo) {
  const CliResult listed = repo.zkbench("queue --json");
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  std::map<std::int64_t, nlohmann::json> jobs;
  const auto parsed = nlohmann::json::parse(listed.output, nullptr, false);
  EXPECT_TRUE(parsed.is_object() && parsed.contains("jobs")) << listed.output;
  for (const auto& job : parsed.value("jobs", nlohmann::json::array())) {
    jobs[job["id"].get<std::int64_t>()] = job;
  }
  return jobs;
}

} // namespace

TEST(SubmitE2e, queues_an_experiment_run_and_a_baseline_for_a_machine_class) {
  WorkflowRepo repo(2, "0.02");
  ASSERT_EQ(repo.zkbench("baseline").exit_code, 0);
  const std::string number = repo.experiment("Faster", "delay", "0.01\n");
  const CliResult experiment = repo.zkbench("submit " + std::to_string(std::stoi(number)) + " --class h100");
  ASSERT_EQ(experiment.exit_code, 0) << experiment.output;
  EXPECT_TRUE(contains(experiment.output, "queued job 1 for class h100: zkbench exp run " + number))
      << experiment.output;
  const CliResult baseline = repo.zkbench("submit baseline --class rtx3090");
  ASSERT_EQ(baseline.exit_code, 0) << baseline.output;
  // The general form is unchanged.
  ASSERT_EQ(repo.zkbench("submit --class h100 -- exp list").exit_code, 0);

  auto jobs = jobs_of(repo);
  ASSERT_EQ(jobs.size(), 3U);
  EXPECT_EQ(jobs[1]["class"], "h100");
  EXPECT_EQ(jobs[1]["status"], "queued");
  EXPECT_EQ(jobs[1]["payload"]["argv"], nlohmann::json::array({"exp", "run", number}));
  EXPECT_EQ(jobs[1]["payload"]["experiment"], number);
  EXPECT_EQ(jobs[2]["class"], "rtx3090");
  EXPECT_EQ(jobs[2]["payload"]["argv"], nlohmann::json::array({"baseline"}));
  EXPECT_EQ(jobs[2]["payload"]["experiment"], "baseline");
  EXPECT_EQ(jobs[3]["payload"]["argv"], nlohmann::json::array({"exp", "list"}));

  const CliResult unknown = repo.zkbench("submit 7 --class h100");
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_TRUE(contains(unknown.output, "no experiment 007")) << unknown.output;
  EXPECT_EQ(jobs_of(repo).size(), 3U); // nothing queued for it
}

TEST(SubmitE2e, a_worker_compares_an_experiment_only_with_a_baseline_of_its_class) {
  WorkflowRepo repo(2, "0.05");
  ASSERT_EQ(repo.zkbench("baseline").exit_code, 0); // no class here
  const std::string number = repo.experiment("Faster", "delay", "0.01\n");

  // An h100 worker has no h100 baseline yet: the job fails and says what to run where.
  ASSERT_EQ(repo.zkbench("submit " + number + " --class h100 --max-attempts 1").exit_code, 0);
  const CliResult refused = repo.zkbench("worker --class h100 --until-empty --log-dir .zkbench/worker-logs");
  ASSERT_EQ(refused.exit_code, 0) << refused.output;
  EXPECT_TRUE(contains(refused.output, "0 done, 1 failed")) << refused.output;
  const auto failed = jobs_of(repo)[1];
  EXPECT_EQ(failed["status"], "failed");
  EXPECT_TRUE(contains(failed["result"]["output_tail"].get<std::string>(),
                       "no baseline for machine class 'h100'; run `zkbench baseline` on an h100 machine"))
      << failed.dump();

  // A baseline measured by an h100 worker, then the experiment again on an h100 worker.
  ASSERT_EQ(repo.zkbench("submit baseline --class h100").exit_code, 0);
  ASSERT_EQ(repo.zkbench("submit " + number + " --class h100").exit_code, 0);
  const CliResult ran = repo.zkbench("worker --class h100 --until-empty --log-dir .zkbench/worker-logs");
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_TRUE(contains(ran.output, "2 done, 0 failed")) << ran.output;
  const auto jobs = jobs_of(repo);
  EXPECT_TRUE(contains(jobs.at(3)["result"]["output_tail"].get<std::string>(), "baseline 2 of machine class 'h100'"))
      << jobs.at(3).dump();

  auto opened = zkbench::store::open_store(zkbench::store::default_store_path(repo.dir()).string(),
                                           zkbench::store::OpenMode::existing);
  ASSERT_TRUE(opened) << opened.error().message;
  zkbench::store::Store& store = **opened;
  const auto baselines = store.list_baselines();
  ASSERT_TRUE(baselines && baselines->size() == 2U);
  EXPECT_EQ((*baselines)[0].machine_class, "");
  EXPECT_EQ((*baselines)[1].machine_class, "h100");
  const auto session = store.get_session((*baselines)[1].inputs.front().session_id);
  ASSERT_TRUE(session);
  EXPECT_EQ(session->info.machine_class, "h100"); // the baseline's sessions carry the class too
  const auto experiments = store.list_experiments();
  ASSERT_TRUE(experiments && experiments->size() == 1U);
  const auto& e = experiments->front();
  EXPECT_EQ(e.status, "done");
  EXPECT_FALSE(e.verdict.empty());
  EXPECT_EQ(e.baseline_id, (*baselines)[1].id); // recorded against the h100 baseline it was compared with
  const auto links = store.session_links("experiment", e.id);
  ASSERT_TRUE(links && !links->empty());
  for (const auto& link : *links) {
    EXPECT_EQ(store.get_session(link.session_id)->info.machine_class, "h100");
  }

  // On a class without a baseline, running here is refused as on the worker; without a class, the
  // experiment compares with the unclassified baseline.
  const std::string second = repo.experiment("Slower", "delay", "0.08\n");
  const CliResult a100 = zkbench::test::run_shell("cd '" + repo.dir().string() + "' && ZKBENCH_MACHINE_CLASS=a100 '" +
                                                  std::string(ZKBENCH_BINARY) + "' exp run " + second + " 2>&1");
  EXPECT_NE(a100.exit_code, 0);
  EXPECT_TRUE(contains(a100.output, "no baseline for machine class 'a100'; run `zkbench baseline` on an a100 machine"))
      << a100.output;
  const CliResult here = repo.zkbench("exp run " + second);
  ASSERT_EQ(here.exit_code, 0) << here.output;
  const auto after = store.list_experiments();
  ASSERT_TRUE(after && after->size() == 2U);
  EXPECT_EQ((*after)[1].baseline_id, (*baselines)[0].id);
}

TEST(SubmitE2e, several_short_forms_queue_one_job_each_in_order) {
  WorkflowRepo repo(2, "0.02");
  ASSERT_EQ(repo.zkbench("baseline").exit_code, 0);
  const std::string first = repo.experiment("Faster", "delay", "0.01\n");
  const std::string second = repo.experiment("Slower", "delay", "0.03\n");
  const CliResult submitted = repo.zkbench("submit baseline " + first + " " + second + " --class h100 --scheduler queue");
  ASSERT_EQ(submitted.exit_code, 0) << submitted.output;
  auto jobs = jobs_of(repo);
  ASSERT_EQ(jobs.size(), 3U);
  EXPECT_EQ(jobs[1]["payload"]["argv"], nlohmann::json::array({"baseline"}));
  EXPECT_EQ(jobs[2]["payload"]["argv"], nlohmann::json::array({"exp", "run", first}));
  EXPECT_EQ(jobs[3]["payload"]["argv"], nlohmann::json::array({"exp", "run", second}));
  EXPECT_EQ(jobs[3]["slurm"], nullptr); // the store's own queue
  // One unknown experiment among them: nothing is queued.
  const CliResult unknown = repo.zkbench("submit baseline 9 --class h100");
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_TRUE(contains(unknown.output, "no experiment 009")) << unknown.output;
  EXPECT_EQ(jobs_of(repo).size(), 3U);
}

TEST(SubmitE2e, queue_cancel_ends_a_queued_job_once_and_a_worker_runs_one_job_by_id) {
  WorkflowRepo repo(2, "0.02");
  ASSERT_EQ(repo.zkbench("submit --class h100 -- version").exit_code, 0);
  ASSERT_EQ(repo.zkbench("submit --class h100 -- version").exit_code, 0);
  const CliResult cancelled = repo.zkbench("queue cancel 1");
  ASSERT_EQ(cancelled.exit_code, 0) << cancelled.output;
  EXPECT_TRUE(contains(cancelled.output, "cancelled job 1\n")) << cancelled.output;
  auto jobs = jobs_of(repo);
  EXPECT_EQ(jobs[1]["status"], "failed");
  EXPECT_EQ(jobs[1]["ended"], "cancelled");
  EXPECT_TRUE(jobs[1]["started_at_us"].is_null());
  const CliResult table = repo.zkbench("queue");
  EXPECT_TRUE(contains(table.output, "cancelled")) << table.output;
  const CliResult again = repo.zkbench("queue cancel 1");
  EXPECT_NE(again.exit_code, 0);
  EXPECT_TRUE(contains(again.output, "job 1 has already ended: cancelled")) << again.output;
  EXPECT_NE(repo.zkbench("queue cancel 7").exit_code, 0);

  // A cancelled job is not run; `worker --job` runs exactly the job it names and says how it went.
  EXPECT_NE(repo.zkbench("worker --job 1 --log-dir .zkbench/worker-logs").exit_code, 0);
  const CliResult ran = repo.zkbench("worker --job 2 --log-dir .zkbench/worker-logs");
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_TRUE(contains(ran.output, "1 done, 0 failed")) << ran.output;
  jobs = jobs_of(repo);
  EXPECT_EQ(jobs[2]["status"], "done");
  EXPECT_EQ(jobs[1]["ended"], "cancelled");

  const CliResult no_class = repo.zkbench("worker");
  EXPECT_EQ(no_class.exit_code, 2) << no_class.output;
  EXPECT_TRUE(contains(no_class.output, "needs --class")) << no_class.output;
}
