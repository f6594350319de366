#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include "support/env.hpp"
#include "support/fixtures.hpp"
#include "project/lock_folder.hpp"
#include "project/machine_lock.hpp"

using namespace zkbench::project;
using zkbench::test::TempDir;

TEST(WorkflowMachineLock, holder_text_round_trips_and_reads_well) {
  const LockHolder holder{1234, "zkbench exp run 001", "experiment 001, input typical", "2026-01-16T10:00:00Z"};
  const auto back = parse_lock_holder(format_lock_holder(holder));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->pid, 1234);
  EXPECT_EQ(back->command, "zkbench exp run 001");
  EXPECT_EQ(back->purpose, "experiment 001, input typical");
  EXPECT_EQ(describe(*back),
            "pid 1234 (zkbench exp run 001), measuring experiment 001, input typical, since 2026-01-16T10:00:00Z");
  EXPECT_FALSE(parse_lock_holder(""));
  EXPECT_EQ(parse_lock_holder(format_lock_holder({1, "a\nb", "x", "t"}))->command, "a b");
}

TEST(WorkflowMachineLock, second_acquirer_is_told_who_holds_it_and_gives_up_after_the_timeout) {
  TempDir dir;
  LockOptions options;
  options.path = dir / "zkbench.lock";
  auto first = MachineLock::acquire("baseline, input light", options);
  ASSERT_TRUE(first) << first.error().message;
  const auto holder = current_lock_holder(options.path);
  ASSERT_TRUE(holder);
  EXPECT_EQ(holder->pid, static_cast<int>(::getpid()));
  EXPECT_EQ(holder->purpose, "baseline, input light");

  std::vector<LockHolder> seen;
  LockOptions waiting = options;
  waiting.timeout = std::chrono::milliseconds(300);
  waiting.poll_interval = std::chrono::milliseconds(20);
  waiting.on_wait = [&](const LockHolder& h, std::chrono::milliseconds) { seen.push_back(h); };
  const auto second = MachineLock::acquire("experiment 002", waiting);
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find("the machine is busy: pid " + std::to_string(::getpid())), std::string::npos)
      << second.error().message;
  EXPECT_NE(second.error().message.find("measuring baseline, input light"), std::string::npos);
  EXPECT_NE(second.error().message.find("waiting to measure experiment 002"), std::string::npos);
  ASSERT_EQ(seen.size(), 1u); // told once: the holder did not change
  EXPECT_EQ(seen[0].purpose, "baseline, input light");

  first->release();
  EXPECT_FALSE(current_lock_holder(options.path));
  const auto third = MachineLock::acquire("experiment 002", waiting);
  ASSERT_TRUE(third) << third.error().message;
}

TEST(WorkflowMachineLock, moved_lock_is_released_once) {
  TempDir dir;
  LockOptions options;
  options.path = dir / "zkbench.lock";
  {
    auto lock = MachineLock::acquire("a", options);
    ASSERT_TRUE(lock);
    MachineLock moved = std::move(*lock);
    EXPECT_TRUE(current_lock_holder(options.path));
  }
  EXPECT_FALSE(current_lock_holder(options.path));
}

TEST(WorkflowMachineLock, unopenable_lock_file_is_an_error) {
  LockOptions options;
  options.path = "/nonexistent-dir/zkbench.lock";
  const auto lock = MachineLock::acquire("a", options);
  ASSERT_FALSE(lock);
  EXPECT_NE(lock.error().message.find("cannot open the machine lock '/nonexistent-dir/zkbench.lock'"), std::string::npos);
}

TEST(WorkflowMachineLock, default_path_honours_the_environment) {
  zkbench::test::ScopedEnv env;
  env.set("ZKBENCH_LOCK_FILE", "/tmp/custom.lock");
  EXPECT_EQ(default_lock_path(), "/tmp/custom.lock");
  env.set("ZKBENCH_LOCK_FILE", "");
  env.set("TMPDIR", "");
  EXPECT_EQ(default_lock_path(), "/tmp/zkbench-" + std::to_string(::getuid()) + "/machine.lock");
}

TEST(WorkflowMachineLock, a_symlink_where_the_lock_goes_is_refused_and_its_target_left_alone) {
  TempDir dir;
  const auto victim = dir / "victim.txt";
  zkbench::test::write_file(victim, "precious\n");
  ::chmod(victim.c_str(), 0644);
  std::filesystem::create_symlink(victim, dir / "zkbench.lock");
  LockOptions options;
  options.path = dir / "zkbench.lock";
  const auto lock = MachineLock::acquire("a", options);
  ASSERT_FALSE(lock);
  EXPECT_NE(lock.error().message.find("is a symlink"), std::string::npos) << lock.error().message;
  EXPECT_EQ(zkbench::test::read_file(victim), "precious\n");
  EXPECT_EQ(std::filesystem::status(victim).permissions() & std::filesystem::perms::all,
            std::filesystem::perms(0644));
  EXPECT_FALSE(current_lock_holder(dir / "zkbench.lock"));
}

TEST(WorkflowMachineLock, the_default_folder_is_made_0700_and_refused_when_open_to_others_or_a_symlink) {
  TempDir dir;
  zkbench::test::ScopedEnv env;
  env.set("TMPDIR", dir.path().string());
  env.set("ZKBENCH_LOCK_FILE", ""); // empty: the default
  const auto folder = lock_folder();
  EXPECT_EQ(folder, dir / ("zkbench-" + std::to_string(::getuid())));
  LockOptions options; // the default path, in `folder`
  EXPECT_EQ(options.path, folder / "machine.lock");
  {
    auto lock = MachineLock::acquire("a", options);
    ASSERT_TRUE(lock) << lock.error().message;
    struct stat info {};
    ASSERT_EQ(::lstat(folder.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 07777, 0700U);
  }
  ::chmod(folder.c_str(), 0777); // as if another user had made it first, open to all
  auto open_to_all = MachineLock::acquire("a", options);
  ASSERT_FALSE(open_to_all);
  EXPECT_NE(open_to_all.error().message.find("mode 0777"), std::string::npos) << open_to_all.error().message;
  std::filesystem::remove_all(folder);
  std::filesystem::create_directory(dir / "elsewhere");
  std::filesystem::create_directory_symlink(dir / "elsewhere", folder);
  auto through_symlink = MachineLock::acquire("a", options);
  ASSERT_FALSE(through_symlink);
  EXPECT_NE(through_symlink.error().message.find("is a symlink"), std::string::npos) << through_symlink.error().message;
  EXPECT_TRUE(std::filesystem::is_empty(dir / "elsewhere"));
}
