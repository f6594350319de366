// A PostgreSQL password given on the command line (`--store postgresql://user:PASSWORD@…`) is never
// stored (sessions.argv), shown (history, history --json, status) or written (the machine lock file,
// which is 0600). Real zkbench processes against the real test server (trust authentication accepts
// any password, so the URL with one works).

#include <string>

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "store/store.hpp"
#include "support/cli.hpp"
#include "support/env.hpp"
#include "support/fixtures.hpp"
#include "support/pg_fleet.hpp"

namespace {

using zkbench::test::read_file;
using zkbench::test::run_zkbench;
using zkbench::test::spawn_process;
using zkbench::test::TempDir;
using zkbench::test::wait_process;
using zkbench::test::wait_until;

constexpr const char* k_password = "Pw-0f-the-Test";

/// The test server's URL (schema of its own for `dir`) with user:password in it.
std::string url_with_password(const TempDir& dir) {
  std::string url = zkbench::test::pg_store_url(dir.path());
  const auto user_end = url.find('@');
  EXPECT_NE(user_end, std::string::npos) << url;
  url.insert(user_end, std::string(":") + k_password);
  return url;
}

/// A command that touches `started`, then waits until `release` exists.
std::string held_command(const TempDir& dir) {
  return "touch '" + (dir / "started").string() + "'; while [ ! -e '" + (dir / "release").string() +
         "' ]; do sleep 0.02; done";
}

unsigned mode_of(const std::filesystem::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 0777U;
}

void expect_no_password(const std::string& text, const std::string& where) {
  EXPECT_EQ(text.find(k_password), std::string::npos) << where << ":\n" << text;
}

/// While something measures: the lock file (owner-only) holds `expected` and `status` says the
/// machine is busy, neither with the password.
void expect_lock_and_status_without_password(const TempDir& dir, const std::string& expected) {
  const std::string lock_text = read_file(dir / "machine.lock");
  EXPECT_NE(lock_text.find(expected), std::string::npos) << lock_text;
  expect_no_password(lock_text, "lock file");
  EXPECT_EQ(mode_of(dir / "machine.lock"), 0600U);
  const auto status = run_zkbench("status", dir.path().string());
  EXPECT_NE(status.output.find("machine: busy"), std::string::npos) << status.output;
  expect_no_password(status.output, "status");
}

} // namespace

TEST(PgSecrets, run_keeps_the_password_out_of_sessions_history_status_and_the_lock_file) {
  TempDir dir;
  zkbench::test::ScopedEnv env;
  env.set("ZKBENCH_LOCK_FILE", (dir / "machine.lock").string());
  const std::string url = url_with_password(dir);
  const pid_t run = spawn_process({ZKBENCH_BINARY, "run", "--runs", "1", "--store", url, held_command(dir)}, dir / "run.log");
  ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(dir / "started"); })) << read_file(dir / "run.log");

  expect_lock_and_status_without_password(dir, "postgresql://zkbench:***@");

  zkbench::test::write_file(dir / "release", "");
  ASSERT_EQ(wait_process(run), 0) << read_file(dir / "run.log");
  expect_no_password(read_file(dir / "run.log"), "run's output");

  // Stored: sessions.argv as the database holds it.
  auto store = zkbench::store::open_store(url, zkbench::store::OpenMode::existing);
  ASSERT_TRUE(store) << store.error().message;
  const auto sessions = (*store)->list_sessions(10);
  ASSERT_TRUE(sessions && sessions->size() == 1U);
  EXPECT_NE(sessions->front().info.argv.find(":***@"), std::string::npos) << sessions->front().info.argv;
  expect_no_password(sessions->front().info.argv, "sessions.argv");

  // Shown: history, history --json, one session.
  const std::string show = "history show " + std::to_string(sessions->front().id);
  for (const std::string& args : {std::string("history"), std::string("history --json"), show, show + " --json"}) {
    const auto shown = run_zkbench(args + " --store '" + url + "'");
    EXPECT_EQ(shown.exit_code, 0) << args << ": " << shown.output;
    EXPECT_NE(shown.output.find(":***@"), std::string::npos) << args << ": " << shown.output;
    expect_no_password(shown.output, args);
  }
}

TEST(PgSecrets, a_worker_writes_no_password_in_its_lock_file_or_status) {
  TempDir dir;
  zkbench::test::ScopedEnv env;
  env.set("ZKBENCH_LOCK_FILE", (dir / "machine.lock").string());
  const std::string url = url_with_password(dir);
  const auto submitted = run_zkbench("submit --class h100 --store '" + url + "' -- run --runs 1 --store '" +
                                     (dir / "job.db").string() + "' \"" + held_command(dir) + "\"");
  ASSERT_EQ(submitted.exit_code, 0) << submitted.output;
  const pid_t worker = spawn_process({ZKBENCH_BINARY, "worker", "--store", url, "--class", "h100", "--once",
                                      "--log-dir", (dir / "logs").string()},
                                     dir / "worker.log");
  ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(dir / "started"); })) << read_file(dir / "worker.log");
  expect_lock_and_status_without_password(dir, "worker --store 'postgresql://zkbench:***@");
  zkbench::test::write_file(dir / "release", "");
  EXPECT_EQ(wait_process(worker), 0) << read_file(dir / "worker.log");
  expect_no_password(read_file(dir / "worker.log"), "worker's output");
}
