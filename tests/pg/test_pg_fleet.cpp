// The fleet end to end on a real PostgreSQL server: zkbench worker processes, zkbench submit from
// several processes, a worker killed mid-job, and store copy SQLite -> PostgreSQL -> SQLite.

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "store/sqlite_store.hpp"
#include "support/cli.hpp"
#include "support/fixtures.hpp"
#include "support/pg_fleet.hpp"
#include "project/machine_lock.hpp"

using zkbench::test::pg_store_url;
using zkbench::test::read_file;
using zkbench::test::run_zkbench;
using zkbench::test::spawn_process;
using zkbench::test::TempDir;
using zkbench::test::wait_process;
using zkbench::test::write_file;
using zkbench::test::wait_until;

namespace {

std::vector<std::string> lines_of(const std::filesystem::path& path) {
  std::vector<std::string> lines;
  std::istringstream in(read_file(path));
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

/// A job program: records "start <job> <attempt>", sleeps `first_attempt_sleep` on attempt 1 (and
/// 0.05 s otherwise), then records "done <job> <attempt>".
std::filesystem::path write_job_program(const TempDir& dir, const std::string& first_attempt_sleep) {
  const auto path = dir / "job.sh";
  write_file(path, "#!/bin/sh\n"
                   "echo \"start $ZKBENCH_JOB_ID $ZKBENCH_JOB_ATTEMPT $ZKBENCH_MACHINE_CLASS\" >> '" +
                       (dir / "starts").string() +
                       "'\n"
                       "if [ \"$ZKBENCH_JOB_ATTEMPT\" = 1 ]; then sleep " +
                       first_attempt_sleep +
                       "; else sleep 0.05; fi\n"
                       "echo \"done $ZKBENCH_JOB_ID $ZKBENCH_JOB_ATTEMPT\" >> '" +
                       (dir / "dones").string() + "'\n");
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  return path;
}

std::vector<std::string> worker_argv(const std::string& url, const TempDir& dir, const std::string& name,
                                     std::vector<std::string> extra) {
  std::vector<std::string> argv = {ZKBENCH_BINARY, "worker",      "--store",     url,
                                   "--class",      "h100",        "--name",      name,
                                   "--program",    (dir / "job.sh").string(),   "--lock-file",
                                   (dir / ("lock-" + name)).string(), "--log-dir", (dir / "logs").string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

nlohmann::json queue_json(const std::string& url) {
  const auto listed = run_zkbench("queue --json --limit 100000 --store '" + url + "'");
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  return nlohmann::json::parse(listed.output, nullptr, false);
}

} // namespace

TEST(PgFleet, three_workers_run_every_job_exactly_once) {
  TempDir dir;
  const std::string url = pg_store_url(dir.path());
  write_job_program(dir, "0.05");
  constexpr int k_jobs = 30;
  for (int i = 0; i < k_jobs; ++i) {
    const auto submitted = run_zkbench("submit --class h100 --store '" + url + "' -- version");
    ASSERT_EQ(submitted.exit_code, 0) << submitted.output;
  }
  std::vector<pid_t> workers;
  for (const char* name : {"w1", "w2", "w3"}) {
    workers.push_back(spawn_process(worker_argv(url, dir, name, {"--until-empty"}), dir / (std::string(name) + ".log")));
  }
  for (const pid_t pid : workers) {
    EXPECT_EQ(wait_process(pid), 0);
  }
  const auto dones = lines_of(dir / "dones");
  EXPECT_EQ(dones.size(), static_cast<std::size_t>(k_jobs));
  EXPECT_EQ(std::set<std::string>(dones.begin(), dones.end()).size(), static_cast<std::size_t>(k_jobs));
  const auto jobs = queue_json(url)["jobs"];
  ASSERT_EQ(jobs.size(), static_cast<std::size_t>(k_jobs));
  std::set<std::string> workers_used;
  for (const auto& job : jobs) {
    EXPECT_EQ(job["status"], "done") << job.dump();
    EXPECT_EQ(job["attempts"], 1) << job.dump();
    EXPECT_EQ(job["result"]["exit_code"], 0);
    workers_used.insert(job["worker"].get<std::string>());
  }
  EXPECT_EQ(lines_of(dir / "starts").front().substr(lines_of(dir / "starts").front().rfind(' ') + 1), "h100");
  EXPECT_GE(workers_used.size(), 2U) << "the jobs were not shared between workers";
}

TEST(PgFleet, a_job_whose_worker_was_killed_reruns_exactly_once_after_its_lease) {
  TempDir dir;
  const std::string url = pg_store_url(dir.path());
  write_job_program(dir, "30");
  const auto submitted = run_zkbench("submit --class h100 --store '" + url + "' -- version");
  ASSERT_EQ(submitted.exit_code, 0) << submitted.output;

  const pid_t doomed = spawn_process(worker_argv(url, dir, "doomed", {"--once", "--lease", "2", "--heartbeat", "0.5"}),
                                     dir / "doomed.log");
  // Kill it mid-job: once its job has started (and heartbeated at least once).
  for (int i = 0; i < 200 && lines_of(dir / "starts").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(lines_of(dir / "starts").size(), 1U) << read_file(dir / "doomed.log");
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  ASSERT_EQ(::kill(doomed, SIGKILL), 0);
  EXPECT_EQ(wait_process(doomed), 128 + SIGKILL);

  // Before the lease expires nobody may take the job; after, exactly one worker re-runs it.
  const auto early = run_zkbench("queue --json --store '" + url + "'");
  EXPECT_NE(early.output.find("\"running\""), std::string::npos) << early.output;
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  std::vector<pid_t> rescuers;
  for (const char* name : {"r1", "r2"}) {
    rescuers.push_back(spawn_process(worker_argv(url, dir, name, {"--until-empty", "--lease", "2"}),
                                     dir / (std::string(name) + ".log")));
  }
  for (const pid_t pid : rescuers) {
    EXPECT_EQ(wait_process(pid), 0);
  }
  const auto starts = lines_of(dir / "starts");
  const auto dones = lines_of(dir / "dones");
  ASSERT_EQ(starts.size(), 2U);
  ASSERT_EQ(dones.size(), 1U) << "the killed worker's command finished anyway, or the job ran twice";
  EXPECT_EQ(dones[0].substr(dones[0].rfind(' ') + 1), "2");
  const auto jobs = queue_json(url)["jobs"];
  ASSERT_EQ(jobs.size(), 1U);
  EXPECT_EQ(jobs[0]["status"], "done");
  EXPECT_EQ(jobs[0]["attempts"], 2);
  EXPECT_EQ(jobs[0]["result"]["attempt"], 2);
}

TEST(PgFleet, concurrent_submits_each_get_their_own_job) {
  TempDir dir;
  const std::string url = pg_store_url(dir.path());
  std::vector<pid_t> submitters;
  constexpr int k_processes = 4;
  constexpr int k_each = 15;
  for (int p = 0; p < k_processes; ++p) {
    const std::string script = "for i in $(seq " + std::to_string(k_each) + "); do '" + ZKBENCH_BINARY +
                               "' submit --class h100 --experiment p" + std::to_string(p) + " --store '" + url +
                               "' -- version || exit 1; done";
    submitters.push_back(spawn_process({"/bin/sh", "-c", script}, dir / ("submit" + std::to_string(p) + ".log")));
  }
  for (const pid_t pid : submitters) {
    EXPECT_EQ(wait_process(pid), 0);
  }
  const auto jobs = queue_json(url)["jobs"];
  ASSERT_EQ(jobs.size(), static_cast<std::size_t>(k_processes * k_each));
  std::set<std::int64_t> ids;
  std::map<std::string, int> per_experiment;
  for (const auto& job : jobs) {
    ids.insert(job["id"].get<std::int64_t>());
    ++per_experiment[job["payload"]["experiment"].get<std::string>()];
    EXPECT_EQ(job["status"], "queued");
  }
  EXPECT_EQ(ids.size(), jobs.size());
  for (const auto& [experiment, count] : per_experiment) {
    EXPECT_EQ(count, k_each) << experiment;
  }
}

TEST(PgFleet, task_protocol_hands_out_a_task_and_records_its_result_once) {
  TempDir dir;
  const std::string url = pg_store_url(dir.path());
  write_file(dir / "task.yaml", "task:\n  id: 001\n  name: \"MPT Hash Caching\"\n  hypothesis: \"Caching helps\"\n"
                                "  baseline: 262s\n  timeout: 288s\n");
  ASSERT_EQ(run_zkbench("task add task.yaml --class h100 --store '" + url + "'", dir.path().string()).exit_code, 0);
  const auto other = run_zkbench("task next --class rtx3090 --yaml --store '" + url + "'");
  EXPECT_EQ(other.exit_code, 0);
  EXPECT_EQ(other.output.find("task:"), std::string::npos) << other.output;
  const auto next = run_zkbench("task next --class h100 --yaml --store '" + url + "'");
  ASSERT_EQ(next.exit_code, 0) << next.output;
  EXPECT_NE(next.output.find("id: \"001\""), std::string::npos) << next.output;
  EXPECT_NE(next.output.find("timeout: \"288s\""), std::string::npos) << next.output;
  write_file(dir / "result.yaml", "result:\n  id: 001\n  status: success\n  time: 245s\n  improvement: -6.5%\n"
                                  "  profile: path/to/profile.txt\n  patch: path/to/changes.patch\n");
  const auto done = run_zkbench("task done result.yaml --store '" + url + "'", dir.path().string());
  ASSERT_EQ(done.exit_code, 0) << done.output;
  const auto again = run_zkbench("task done result.yaml --store '" + url + "'", dir.path().string());
  EXPECT_NE(again.exit_code, 0) << again.output;
  write_file(dir / "bad.yaml", "result:\n  id: 001\n  status: great\n");
  const auto bad = run_zkbench("task done bad.yaml --store '" + url + "'", dir.path().string());
  EXPECT_NE(bad.output.find("is not one of success, failed, timeout, error"), std::string::npos) << bad.output;
  const auto jobs = queue_json(url)["jobs"];
  ASSERT_EQ(jobs.size(), 1U);
  EXPECT_EQ(jobs[0]["status"], "done");
  EXPECT_EQ(jobs[0]["result"]["improvement"], "-6.5%");
  EXPECT_EQ(jobs[0]["result"]["time"], "245s");
}

// kill -9 of a worker while its job (`zkbench run` of a shell whose child sleeps) measures: the job's
// whole tree goes (the sleep, a grandchild of the job, included), and the machine lock is free only
// once it is gone.
TEST(PgFleet, a_killed_workers_job_tree_is_gone_before_the_machine_lock_is_free) {
  TempDir dir;
  const std::string url = pg_store_url(dir.path());
  const std::string seconds = "31." + std::to_string(::getpid());
  const std::string measured = "touch '" + (dir / "started").string() + "'; sleep " + seconds + "; echo done";
  const auto submitted = run_zkbench("submit --class h100 --store '" + url + "' -- run --runs 1 --store '" +
                                     (dir / "job.db").string() + "' \"" + measured + "\"");
  ASSERT_EQ(submitted.exit_code, 0) << submitted.output;
  const auto lock = dir / "machine.lock";
  const pid_t worker = spawn_process({ZKBENCH_BINARY, "worker", "--store", url, "--class", "h100", "--once",
                                      "--lock-file", lock.string(), "--log-dir", (dir / "logs").string()},
                                     dir / "worker.log");
  ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(dir / "started") && zkbench::test::sleep_running(seconds); }))
      << read_file(dir / "worker.log");
  ASSERT_EQ(::kill(worker, SIGKILL), 0);
  EXPECT_EQ(wait_process(worker), 128 + SIGKILL);
  // From now on, whenever the lock is seen free, the sleep must be gone already.
  bool sleep_seen_with_lock_free = false;
  const bool freed = wait_until([&] {
    const bool free = !zkbench::project::current_lock_holder(lock).has_value();
    const bool sleeping = zkbench::test::sleep_running(seconds);
    sleep_seen_with_lock_free = sleep_seen_with_lock_free || (free && sleeping);
    return free && !sleeping;
  });
  EXPECT_TRUE(freed) << "the job's tree outlived its worker (or kept the lock) for 60 s";
  EXPECT_FALSE(sleep_seen_with_lock_free) << "the machine lock was free while the job's sleep still ran";
  EXPECT_FALSE(zkbench::test::sleep_running(seconds));
}
