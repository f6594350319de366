// Hostile but realistic inputs, round three (issue 20), each with real zkbench processes: symlinks
// planted in shared folders (as the unprivileged user `nobody` when the tests run as root), bytes that
// are not UTF-8, a rebased or deleted experiment branch, impossible times in imported files, a hang-up,
// the store named only in zkbench.yaml, and the smaller items (a full disk, a corrupt store or results
// record, a server facing hundreds of idle and slow sockets).
#include <pwd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "store/store.hpp"
#include "support/cli.hpp"
#include "support/env.hpp"
#include "support/fixtures.hpp"
#include "support/process.hpp"
#include "support/serve_client.hpp"
#include "support/workflow_repo.hpp"

namespace {

using zkbench::test::CliResult;
using zkbench::test::connect_loopback;
using zkbench::test::read_file;
using zkbench::test::run_shell;
using zkbench::test::TempDir;
using zkbench::test::WorkflowRepo;
using zkbench::test::write_file;

const std::string k_replacement = "\xEF\xBF\xBD"; // U+FFFD

std::string quoted(const std::filesystem::path& path) {
  return "'" + path.string() + "'";
}

/// The user a symlink attack targets: `nobody` when the tests run as root (whose own files a planted
/// symlink could not reach through protected_symlinks), else the current user. Empty: none to use.
struct Victim {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string run_prefix; // "runuser -u nobody -- " or ""
};

std::optional<Victim> victim_user() {
  if (::geteuid() != 0) {
    return Victim{::getuid(), ::getgid(), ""};
  }
  const passwd* nobody = ::getpwnam("nobody");
  if (nobody == nullptr || run_shell("command -v runuser >/dev/null").exit_code != 0) {
    return std::nullopt;
  }
  return Victim{nobody->pw_uid, nobody->pw_gid, "runuser -u nobody -- "};
}

/// Runs `zkbench <args>` as the victim with `env` (NAME=value ...) in `cwd`.
CliResult zkbench_as(const Victim& victim, const std::string& env, const std::string& args,
                     const std::filesystem::path& cwd) {
  return run_shell("cd " + quoted(cwd) + " && " + victim.run_prefix + "env " + env + " '" + ZKBENCH_BINARY + "' " +
                   args + " 2>&1 </dev/null");
}

/// A folder every user can write, as /tmp is (sticky, 1777), inside a test folder others can enter.
std::filesystem::path shared_folder(const TempDir& dir, const std::string& name) {
  ::chmod(dir.path().c_str(), 0755);
  const auto shared = dir / name;
  std::filesystem::create_directories(shared);
  ::chmod(shared.c_str(), 01777);
  return shared;
}

mode_t mode_of(const std::filesystem::path& path) {
  struct stat info {};
  return ::lstat(path.c_str(), &info) == 0 ? info.st_mode & 07777 : 0;
}

/// `zkbench exp show NUMBER --json` in `repo`: the experiment's stored status.
std::string experiment_status(const WorkflowRepo& repo, const std::string& number) {
  const CliResult shown = repo.zkbench("exp show " + number + " --json");
  EXPECT_EQ(shown.exit_code, 0) << shown.output;
  const auto parsed = nlohmann::json::parse(shown.output, nullptr, false);
  return parsed.is_object() ? parsed.value("status", "") : "(not JSON: " + shown.output + ")";
}

/// Spawns `argv` and waits for it: {exit code, peak resident memory in MiB}.
std::pair<int, double> run_measured(const std::vector<std::string>& argv, const std::filesystem::path& log) {
  const pid_t pid = zkbench::test::spawn_process(argv, log);
  int status = 0;
  rusage usage{};
  if (::wait4(pid, &status, 0, &usage) != pid) {
    return {-1, 0.0};
  }
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return {code, static_cast<double>(usage.ru_maxrss) / 1024.0};
}

} // namespace

// --- 1. Symlinks in shared folders ----------------------------------------------------------------

TEST(CliHostile, a_symlink_planted_where_the_lock_goes_is_refused_and_its_target_left_alone) {
  const auto victim = victim_user();
  if (!victim) {
    GTEST_SKIP() << "running as root without a user `nobody` (or runuser) to be the victim";
  }
  TempDir dir;
  const auto shared = shared_folder(dir, "tmp");
  const auto own = dir / "own";
  std::filesystem::create_directories(own);
  ASSERT_EQ(::chown(own.c_str(), victim->uid, victim->gid), 0);
  // The victim's own file; another user plants a symlink to it where the victim's lock goes.
  const auto file = own / "victim.txt";
  write_file(file, "precious\n");
  ASSERT_EQ(::chown(file.c_str(), victim->uid, victim->gid), 0);
  ::chmod(file.c_str(), 0644);
  std::filesystem::create_symlink(file, shared / "machine.lock");

  const CliResult run = zkbench_as(*victim, "ZKBENCH_LOCK_FILE=" + quoted(shared / "machine.lock"),
                                   "run --runs 1 --store " + quoted(own / "s.db") + " true", own);
  EXPECT_NE(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("is a symlink"), std::string::npos) << run.output;
  // Before: the target was truncated to 0 bytes and chmod 0600.
  EXPECT_EQ(read_file(file), "precious\n");
  EXPECT_EQ(mode_of(file), 0644U);
}

TEST(CliHostile, the_default_lock_folder_is_the_users_own_and_refused_when_someone_else_made_it) {
  const auto victim = victim_user();
  if (!victim) {
    GTEST_SKIP() << "running as root without a user `nobody` (or runuser) to be the victim";
  }
  TempDir dir;
  const auto shared = shared_folder(dir, "tmp"); // the victim's $TMPDIR
  const auto own = dir / "own";
  std::filesystem::create_directories(own);
  ASSERT_EQ(::chown(own.c_str(), victim->uid, victim->gid), 0);
  const auto folder = shared / ("zkbench-" + std::to_string(victim->uid));
  const std::string env = "ZKBENCH_LOCK_FILE= TMPDIR=" + quoted(shared);
  const std::string args = "run --runs 1 --store " + quoted(own / "s.db") + " true";

  // Made first by someone else, open to all: a symlink could be planted in it at any time.
  std::filesystem::create_directories(folder);
  ::chmod(folder.c_str(), 0777);
  const CliResult refused = zkbench_as(*victim, env, args, own);
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("the folder of the machine lock '" + folder.string() + "'"), std::string::npos)
      << refused.output;
  EXPECT_TRUE(std::filesystem::is_empty(folder)) << "nothing was created in it";

  std::filesystem::remove_all(folder);
  const CliResult fine = zkbench_as(*victim, env, args, own);
  EXPECT_EQ(fine.exit_code, 0) << fine.output;
  EXPECT_EQ(mode_of(folder), 0700U);
  struct stat info {};
  ASSERT_EQ(::lstat(folder.c_str(), &info), 0);
  EXPECT_EQ(info.st_uid, victim->uid);
  EXPECT_TRUE(std::filesystem::exists(folder / "machine.lock"));
}

TEST(CliHostile, run_logs_never_go_through_a_symlink_planted_in_a_shared_store_folder) {
  const auto victim = victim_user();
  if (!victim) {
    GTEST_SKIP() << "running as root without a user `nobody` (or runuser) to be the victim";
  }
  TempDir dir;
  const auto shared = shared_folder(dir, "tmp"); // a store in /tmp keeps its artifacts in /tmp/artifacts
  const auto elsewhere = shared_folder(dir, "elsewhere");
  std::filesystem::create_directory_symlink(elsewhere, shared / "artifacts");
  const CliResult run = zkbench_as(*victim, "ZKBENCH_LOCK_FILE=" + quoted(shared / ("lock-" + std::to_string(::getpid()))),
                                   "run --runs 1 --store " + quoted(shared / "s.db") + " 'echo some output'", shared);
  EXPECT_NE(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("artifacts' is a symlink"), std::string::npos) << run.output;
  EXPECT_TRUE(std::filesystem::is_empty(elsewhere)) << "a log was written through the symlink";
}

// --- 2. Bytes that are not UTF-8 ------------------------------------------------------------------

TEST(CliHostile, an_experiment_name_that_is_not_utf8_leaves_every_view_working) {
  WorkflowRepo repo(2, "0.01");
  ASSERT_EQ(repo.zkbench("baseline").exit_code, 0);
  // `caf\xe9 cache` (Latin-1): printf's octal escape, since /bin/sh has no $'...'.
  const CliResult created = repo.zkbench("exp new \"$(printf 'caf\\351 cache')\" --hypothesis t --expected 10%");
  ASSERT_EQ(created.exit_code, 0) << created.output;

  const CliResult list = repo.zkbench("exp list --json");
  ASSERT_EQ(list.exit_code, 0) << list.output; // before: error: internal: [json.exception.type_error.316]
  const auto listed = nlohmann::json::parse(list.output, nullptr, false);
  ASSERT_TRUE(listed.is_array()) << list.output;
  EXPECT_EQ(listed[0]["name"], "caf" + k_replacement + " cache");
  EXPECT_EQ(experiment_status(repo, "001"), "planned");
  const CliResult report = repo.zkbench("report");
  EXPECT_EQ(report.exit_code, 0) << report.output;
  EXPECT_NE(read_file(repo.dir() / "benchmarks" / "report" / "data.json").find("caf" + k_replacement), std::string::npos);

  zkbench::test::Background server(repo.dir(), "serve --port 0", repo.dir() / "serve.log");
  const int port = zkbench::test::served_port(server);
  ASSERT_GT(port, 0) << server.output();
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(20, 0);
  const auto status = client.Get("/api/status");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status, 200) << status->body;
  const auto experiment = client.Get("/api/experiments/1");
  ASSERT_TRUE(experiment);
  EXPECT_EQ(experiment->status, 200) << experiment->body;
}

TEST(CliHostile, a_command_line_that_is_not_utf8_runs_as_typed_and_is_stored_and_exported_as_utf8) {
  TempDir dir;
  zkbench::test::ScopedEnv env;
  env.set("ZKBENCH_LOCK_FILE", (dir / "machine.lock").string());
  const auto db = dir / "s.db";
  const auto exported = dir / "out.json";
  // The command writes its own bytes: what runs is what the user typed.
  const CliResult run = zkbench::test::run_zkbench("run --runs 1 --store " + quoted(db) + " --export-json " +
                                                       quoted(exported) + " \"$(printf 'echo caf\\351 > bytes.txt')\"",
                                                   dir.path().string());
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(read_file(dir / "bytes.txt"), "caf\xe9\n");
  const auto json = nlohmann::json::parse(read_file(exported), nullptr, false); // before: an empty file
  ASSERT_TRUE(json.is_object());
  EXPECT_EQ(json["results"][0]["command"], "echo caf" + k_replacement + " > bytes.txt");
  const CliResult history = zkbench::test::run_zkbench("history --json --store " + quoted(db), dir.path().string());
  ASSERT_EQ(history.exit_code, 0) << history.output;
  EXPECT_TRUE(nlohmann::json::parse(history.output, nullptr, false).is_object()) << history.output;
}

// Before: `submit` with such a command line failed with "error: internal: [json.exception.type_error.316]"
// and queued nothing. The job's payload keeps the bytes (hex), the queue shows them as U+FFFD, and the
// worker runs exactly what was typed.
TEST(CliHostile, a_submitted_command_line_that_is_not_utf8_is_queued_shown_and_run_as_typed) {
  TempDir dir;
  zkbench::test::ScopedEnv env;
  env.set("ZKBENCH_LOCK_FILE", (dir / "machine.lock").string());
  const std::string store = quoted(dir / "q.db");
  const CliResult submitted = zkbench::test::run_zkbench(
      "submit --store " + store + " -- run --runs 1 --no-lock --store " + store +
          " \"$(printf 'echo caf\\351 > bytes.txt')\"",
      dir.path().string());
  ASSERT_EQ(submitted.exit_code, 0) << submitted.output;
  EXPECT_NE(submitted.output.find("queued job 1"), std::string::npos) << submitted.output;
  const CliResult listed = zkbench::test::run_zkbench("queue --json --store " + store, dir.path().string());
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  const auto jobs = nlohmann::json::parse(listed.output, nullptr, false);
  ASSERT_TRUE(jobs.is_object()) << listed.output;
  const CliResult table = zkbench::test::run_zkbench("queue --store " + store, dir.path().string());
  EXPECT_NE(table.output.find("echo caf" + k_replacement + " > bytes.txt"), std::string::npos) << table.output;
  const CliResult worked = zkbench::test::run_zkbench(
      "worker --store " + store + " --class default --once --lock-file " + quoted(dir / "worker.lock"),
      dir.path().string());
  ASSERT_EQ(worked.exit_code, 0) << worked.output;
  EXPECT_NE(worked.output.find("job 1: done"), std::string::npos) << worked.output;
  EXPECT_EQ(read_file(dir / "bytes.txt"), "caf\xe9\n");
}

// --- 3. A rebased or deleted experiment branch ----------------------------------------------------

TEST(CliHostile, a_rebased_experiment_branch_is_refused_and_a_deleted_one_leaves_the_experiment_planned) {
  WorkflowRepo repo(2, "0.01");
  repo.decide_on_steps("1000");
  const CliResult baseline = repo.zkbench("baseline");
  ASSERT_EQ(baseline.exit_code, 0) << baseline.output;
  const std::string program = read_file(repo.dir() / "prog.sh");
  const std::string comment = repo.experiment("Comment only", "prog.sh", program + "# a comment\n");
  const std::string gone = repo.experiment("Gone", "prog.sh", program + "# another\n");
  // A speed-up lands on the main branch; the experiment's branch is rebased onto it.
  write_file(repo.dir() / "steps", "580\n");
  ASSERT_EQ(repo.git("commit -qam 'speed up hashing' && M=$(git symbolic-ref --short HEAD) && git rebase -q HEAD bench/" +
                     comment + "-comment-only && git checkout -q $M"),
            0);
  const CliResult rebased = repo.zkbench("exp run " + comment);
  EXPECT_EQ(rebased.exit_code, 1) << rebased.output; // before: KEEP -42% for a comment
  EXPECT_NE(rebased.output.find("no longer starts at its baseline commit"), std::string::npos) << rebased.output;
  EXPECT_NE(rebased.output.find("\"speed up hashing\""), std::string::npos) << rebased.output;
  EXPECT_EQ(experiment_status(repo, comment), "planned");

  ASSERT_EQ(repo.git("branch -q -D bench/" + gone + "-gone"), 0);
  const CliResult deleted = repo.zkbench("exp run " + gone);
  EXPECT_EQ(deleted.exit_code, 1) << deleted.output;
  EXPECT_NE(deleted.output.find("the branch bench/" + gone + "-gone of experiment " + gone + " does not exist"),
            std::string::npos)
      << deleted.output; // before: git's "fatal: invalid reference", and "running" forever
  EXPECT_EQ(experiment_status(repo, gone), "planned");
}

// --- 4. Impossible data in imported files ---------------------------------------------------------

TEST(CliHostile, compare_refuses_impossible_times_naming_the_file) {
  TempDir dir;
  write_file(dir / "a.json", R"({"results":[{"command":"a","times":[0.10,0.11,0.12]}]})");
  write_file(dir / "negative.json", R"({"results":[{"command":"a","times":[0.10,-1.2,0.12]}]})");
  write_file(dir / "huge.json", R"({"results":[{"command":"a","times":[1e308,1.7e308,0.1]}]})");
  write_file(dir / "overflow.json", R"({"results":[{"command":"a","times":[1e999]}]})");
  const auto compare = [&](const std::string& candidate) {
    return zkbench::test::run_zkbench("compare a.json " + candidate, dir.path().string());
  };
  const CliResult negative = compare("negative.json"); // before: MAYBE -1255.12%, exit 0
  EXPECT_EQ(negative.exit_code, 1) << negative.output;
  EXPECT_NE(negative.output.find("negative.json: results[0].times[1]: -1.2 is not a time"), std::string::npos)
      << negative.output;
  const CliResult huge = compare("huge.json"); // before: DISCARD -nan% (p=nan), exit 0
  EXPECT_EQ(huge.exit_code, 1) << huge.output;
  EXPECT_NE(huge.output.find("huge.json: results[0].times[0]"), std::string::npos) << huge.output;
  const CliResult overflow = compare("overflow.json"); // before: error: internal: ... number overflow
  EXPECT_EQ(overflow.exit_code, 1) << overflow.output;
  EXPECT_NE(overflow.output.find("error: overflow.json: invalid JSON"), std::string::npos) << overflow.output;
  EXPECT_EQ(overflow.output.find("internal"), std::string::npos) << overflow.output;
}

TEST(CliHostile, a_100_mb_file_of_nested_arrays_is_refused_without_gigabytes) {
  TempDir dir;
  write_file(dir / "a.json", R"({"results":[{"command":"a","times":[0.10,0.11,0.12]}]})");
  {
    std::ofstream deep(dir / "deep.json", std::ios::binary);
    const std::string chunk(1 << 20, '[');
    for (int i = 0; i < 100; ++i) {
      deep << chunk;
    }
  }
  const auto [code, peak_mib] =
      run_measured({ZKBENCH_BINARY, "compare", (dir / "a.json").string(), (dir / "deep.json").string()}, dir / "log");
  EXPECT_EQ(code, 1) << read_file(dir / "log");
  EXPECT_NE(read_file(dir / "log").find("deep.json: nested more than 32 levels deep"), std::string::npos)
      << read_file(dir / "log");
  std::printf("a 100 MiB file of '[': exit %d, peak memory %.0f MiB (before: 3.7 GB)\n", code, peak_mib);
  EXPECT_LT(peak_mib, 1024.0); // the text itself is 100 MiB; the parsed nesting took 3.7 GB
  std::filesystem::remove(dir / "deep.json");
}

// --- 5. A hang-up -----------------------------------------------------------------------------------

TEST(CliHostile, sighup_stops_a_baseline_as_interrupted_with_129_and_nothing_left_running) {
  WorkflowRepo repo(100, "0.05"); // 200 runs of 50 ms: the baseline is measuring when the hang-up comes
  const auto db = repo.dir() / ".zkbench" / "zkbench.db";
  const auto measuring = [&db] {
    if (!std::filesystem::exists(db)) {
      return false;
    }
    auto store = zkbench::store::open_store(db.string(), zkbench::store::OpenMode::existing);
    if (!store) {
      return false;
    }
    const auto sessions = (*store)->list_sessions(1);
    return sessions && !sessions->empty() && sessions->front().run_count > 0;
  };
  const pid_t baseline = zkbench::test::spawn_process(
      {ZKBENCH_BINARY, "baseline", "--config", (repo.dir() / "zkbench.yaml").string()}, repo.dir() / "baseline.log");
  ASSERT_TRUE(zkbench::test::wait_until(measuring)) << read_file(repo.dir() / "baseline.log");
  ASSERT_EQ(::kill(baseline, SIGHUP), 0); // an ssh disconnect
  EXPECT_EQ(zkbench::test::wait_process(baseline), 129) << read_file(repo.dir() / "baseline.log");
  const CliResult history = repo.zkbench("history --json");
  ASSERT_EQ(history.exit_code, 0) << history.output;
  const auto sessions = nlohmann::json::parse(history.output, nullptr, false)["sessions"];
  ASSERT_FALSE(sessions.empty()) << history.output;
  for (const auto& session : sessions) {
    EXPECT_NE(session["status"], "running") << history.output; // before: "running" until the next baseline
  }
  EXPECT_EQ(sessions[0]["status"], "interrupted") << history.output;
}

// --- 6. One store for every command ---------------------------------------------------------------

TEST(CliHostile, team_commands_use_the_store_named_in_zkbench_yaml) {
  WorkflowRepo repo(2, "0.01");
  const std::string config = read_file(repo.dir() / "zkbench.yaml");
  write_file(repo.dir() / "zkbench.yaml", config + "store: team/shared.db\n");
  std::filesystem::create_directories(repo.dir() / "team");
  ASSERT_EQ(repo.git("add -A && git commit -qm store"), 0);
  zkbench::test::ScopedEnv env;
  env.set("ZKBENCH_STORE", ""); // unset for the commands: zkbench.yaml alone names the store
  const CliResult baseline = repo.zkbench("baseline");
  ASSERT_EQ(baseline.exit_code, 0) << baseline.output;
  const CliResult created = repo.zkbench("exp new 'Shared' --hypothesis t --expected 10%");
  ASSERT_EQ(created.exit_code, 0) << created.output;
  const CliResult submitted = repo.zkbench("submit 001 --scheduler queue");
  EXPECT_EQ(submitted.exit_code, 0) << submitted.output; // before: error: no experiment 001
  const CliResult queue = repo.zkbench("queue --json");
  ASSERT_EQ(queue.exit_code, 0) << queue.output;
  EXPECT_EQ(nlohmann::json::parse(queue.output, nullptr, false)["jobs"].size(), 1U) << queue.output;
  const CliResult store = repo.zkbench("store migrate");
  EXPECT_EQ(store.exit_code, 0) << store.output;
  EXPECT_TRUE(std::filesystem::exists(repo.dir() / "team" / "shared.db"));
  EXPECT_FALSE(std::filesystem::exists(repo.dir() / ".zkbench" / "zkbench.db")) << "a second store was made";
}

// --- 7. The smaller items ---------------------------------------------------------------------------

TEST(CliHostile, a_full_disk_is_named_in_the_error) {
  TempDir dir;
  zkbench::test::ScopedEnv env;
  env.set("ZKBENCH_LOCK_FILE", (dir / "machine.lock").string());
  const CliResult run = zkbench::test::run_zkbench("run --runs 1 --store " + quoted(dir / "s.db") +
                                                       " --export-json /dev/full true",
                                                   dir.path().string());
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("cannot write '/dev/full': No space left on device"), std::string::npos)
      << run.output; // before: "write failed"
}

TEST(CliHostile, a_corrupt_store_is_named_without_its_sql_and_without_the_first_run_hint) {
  TempDir dir;
  std::filesystem::create_directories(dir / ".zkbench");
  write_file(dir / ".zkbench" / "zkbench.db", std::string(8192, 'x'));
  const CliResult history = zkbench::test::run_zkbench("history", dir.path().string());
  EXPECT_EQ(history.exit_code, 1) << history.output;
  EXPECT_NE(history.output.find("zkbench.db"), std::string::npos) << history.output;
  EXPECT_EQ(history.output.find("run a measuring command here first"), std::string::npos) << history.output;
  for (const char* sql : {"WHERE", "COALESCE", "VALUES", "CREATE TABLE", "journal_mode="}) {
    EXPECT_EQ(history.output.find(sql), std::string::npos) << "SQL text in: " << history.output;
  }
  TempDir empty;
  const CliResult missing = zkbench::test::run_zkbench("history", empty.path().string());
  EXPECT_NE(missing.output.find("run a measuring command here first"), std::string::npos) << missing.output;
}

TEST(CliHostile, a_corrupt_results_record_is_a_warning_of_the_report) {
  WorkflowRepo repo(2, "0.01");
  ASSERT_EQ(repo.zkbench("baseline").exit_code, 0);
  ASSERT_EQ(repo.zkbench("exp new 'Broken' --hypothesis t --expected 10%").exit_code, 0);
  {
    auto store = zkbench::store::open_store((repo.dir() / ".zkbench" / "zkbench.db").string(),
                                            zkbench::store::OpenMode::existing);
    ASSERT_TRUE(store) << store.error().message;
    auto e = (*store)->get_experiment(zkbench::core::ExperimentNumber(1));
    ASSERT_TRUE(e && *e);
    zkbench::store::ExperimentRecord record = **e;
    record.status = "done";
    record.verdict = "KEEP";
    record.details_json = R"({"inputs": [{"input": "a", "sequ)"; // cut short
    ASSERT_TRUE((*store)->update_experiment(record));
  }
  const CliResult report = repo.zkbench("report");
  EXPECT_EQ(report.exit_code, 0) << report.output;
  EXPECT_NE(report.output.find("warning: experiment 001: its stored results cannot be read"), std::string::npos)
      << report.output; // before: the per-input figures vanished without a word
}

TEST(CliHostile, serve_answers_a_normal_client_promptly_beside_300_idle_and_300_slowloris_sockets) {
  WorkflowRepo repo(2, "0.01");
  zkbench::test::Background server(repo.dir(), "serve --port 0", repo.dir() / "serve.log");
  const int port = zkbench::test::served_port(server);
  ASSERT_GT(port, 0) << server.output();
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  if (files.rlim_cur < 700 && files.rlim_max >= 700) {
    files.rlim_cur = 700;
    ::setrlimit(RLIMIT_NOFILE, &files);
  }
  constexpr int k_sockets = 300;
  std::vector<int> idle;
  std::vector<int> slow;
  for (int i = 0; i < k_sockets; ++i) {
    idle.push_back(connect_loopback(port)); // connects, says nothing
    const int fd = connect_loopback(port);
    const std::string start = "GET /api/status HTTP/1.1\r\nHost: slow\r\n";
    (void)::send(fd, start.data(), start.size(), MSG_NOSIGNAL);
    slow.push_back(fd);
  }
  ASSERT_EQ(std::count(idle.begin(), idle.end(), -1) + std::count(slow.begin(), slow.end(), -1), 0);
  std::atomic<bool> done{false};
  std::thread drip([&] { // one header line every 2 s on each slow socket, under the read timeout
    for (int line = 0; !done; ++line) {
      for (const int fd : slow) {
        const std::string header = "X-Drip-" + std::to_string(line) + ": x\r\n";
        (void)::send(fd, header.data(), header.size(), MSG_NOSIGNAL);
      }
      for (int i = 0; i < 20 && !done; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  });
  std::vector<double> waits;
  for (int probe = 0; probe < 8; ++probe) {
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(3, 0);
    client.set_read_timeout(3, 0); // the bound; before, a probe waited 4.5 s or timed out
    const auto started = std::chrono::steady_clock::now();
    const auto response = client.Get("/api/status");
    const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    waits.push_back(response && response->status == 200 ? waited : 99.0);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  done = true;
  drip.join();
  for (const int fd : idle) {
    ::close(fd);
  }
  for (const int fd : slow) {
    ::close(fd);
  }
  std::sort(waits.begin(), waits.end());
  std::printf("beside %d idle and %d slowloris sockets: median answer %.3f s, slowest %.3f s\n", k_sockets,
              k_sockets, waits[waits.size() / 2], waits.back());
  EXPECT_LT(waits.back(), 3.0) << "a probe was not answered within 3 s";
}
