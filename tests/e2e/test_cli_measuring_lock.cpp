// `zkbench run` and `zkbench ab` take the machine lock (cli/measuring_lock): a second measuring zkbench
// waits and says who holds the machine, `--no-lock` skips it, Ctrl-C while waiting exits 130. Real
// zkbench processes; each step is decided on what they write (files, log lines), not on sleeps.

#include <csignal>
#include <string>

#include <gtest/gtest.h>

#include "support/env.hpp"
#include "support/fixtures.hpp"
#include "support/process.hpp"

namespace {

using zkbench::test::read_file;
using zkbench::test::spawn_process;
using zkbench::test::TempDir;
using zkbench::test::wait_process;
using zkbench::test::wait_until;

bool file_exists(const std::filesystem::path& path) {
  return std::filesystem::exists(path);
}

/// `zkbench run` of one run that touches `started`, then waits until `release` exists: it holds the
/// machine lock for as long as the test wants.
pid_t start_holder(const TempDir& dir) {
  const std::string command = "touch '" + (dir / "started").string() + "'; while [ ! -e '" +
                              (dir / "release").string() + "' ]; do sleep 0.02; done";
  const pid_t pid = spawn_process({ZKBENCH_BINARY, "run", "--runs", "1", "--store", (dir / "holder.db").string(), command},
                                  dir / "holder.log");
  EXPECT_TRUE(wait_until([&] { return file_exists(dir / "started"); })) << read_file(dir / "holder.log");
  return pid;
}

class MeasuringLock : public ::testing::Test {
protected:
  void SetUp() override { m_env.set("ZKBENCH_LOCK_FILE", (m_dir / "machine.lock").string()); }
  TempDir m_dir;
  zkbench::test::ScopedEnv m_env;
};

TEST_F(MeasuringLock, run_waits_for_the_holder_and_names_it_then_measures) {
  const pid_t holder = start_holder(m_dir);
  const pid_t waiter = spawn_process({ZKBENCH_BINARY, "run", "--runs", "1", "--store", (m_dir / "waiter.db").string(),
                                      "touch '" + (m_dir / "second").string() + "'"},
                                     m_dir / "waiter.log");
  const std::string expected = "waiting for the machine: zkbench run (pid " + std::to_string(holder) + ") holds it";
  ASSERT_TRUE(wait_until([&] { return read_file(m_dir / "waiter.log").find(expected) != std::string::npos; }))
      << read_file(m_dir / "waiter.log");
  EXPECT_FALSE(file_exists(m_dir / "second")) << "the second run measured while the first held the machine";
  zkbench::test::write_file(m_dir / "release", "");
  EXPECT_EQ(wait_process(holder), 0) << read_file(m_dir / "holder.log");
  EXPECT_EQ(wait_process(waiter), 0) << read_file(m_dir / "waiter.log");
  EXPECT_TRUE(file_exists(m_dir / "second"));
}

TEST_F(MeasuringLock, ab_waits_too_and_no_lock_measures_at_once) {
  const pid_t holder = start_holder(m_dir);
  const pid_t ab = spawn_process({ZKBENCH_BINARY, "ab", "--runs", "2", "--store", (m_dir / "ab.db").string(), "true", "true"},
                                 m_dir / "ab.log");
  ASSERT_TRUE(wait_until([&] { return read_file(m_dir / "ab.log").find("waiting for the machine: zkbench run (pid") !=
                                      std::string::npos; }))
      << read_file(m_dir / "ab.log");
  // --no-lock: measured and finished while the holder still holds the machine.
  const pid_t free_run = spawn_process({ZKBENCH_BINARY, "run", "--no-lock", "--runs", "1", "--store",
                                        (m_dir / "free.db").string(), "touch '" + (m_dir / "free").string() + "'"},
                                       m_dir / "free.log");
  EXPECT_EQ(wait_process(free_run), 0) << read_file(m_dir / "free.log");
  EXPECT_TRUE(file_exists(m_dir / "free"));
  EXPECT_EQ(read_file(m_dir / "free.log").find("waiting for the machine"), std::string::npos);
  zkbench::test::write_file(m_dir / "release", "");
  EXPECT_EQ(wait_process(holder), 0);
  EXPECT_EQ(wait_process(ab), 0) << read_file(m_dir / "ab.log");
}

TEST_F(MeasuringLock, ctrl_c_while_waiting_for_the_machine_exits_130) {
  const pid_t holder = start_holder(m_dir);
  const pid_t waiter = spawn_process({ZKBENCH_BINARY, "run", "--runs", "1", "--store", (m_dir / "waiter.db").string(),
                                      "touch '" + (m_dir / "second").string() + "'"},
                                     m_dir / "waiter.log");
  ASSERT_TRUE(wait_until([&] { return read_file(m_dir / "waiter.log").find("waiting for the machine") != std::string::npos; }));
  ASSERT_EQ(::kill(waiter, SIGINT), 0);
  EXPECT_EQ(wait_process(waiter), 130) << read_file(m_dir / "waiter.log");
  EXPECT_NE(read_file(m_dir / "waiter.log").find("stopped while waiting for the machine"), std::string::npos)
      << read_file(m_dir / "waiter.log");
  EXPECT_FALSE(file_exists(m_dir / "second"));
  zkbench::test::write_file(m_dir / "release", "");
  EXPECT_EQ(wait_process(holder), 0);
}

} // namespace
