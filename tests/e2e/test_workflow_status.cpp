// `zkbench status` when the measuring zkbench was killed: its pid may still exist as a zombie (killed, not
// yet reaped by its parent) while the machine lock is already free; it is not running, it was interrupted.
#include <csignal>
#include <filesystem>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "support/cli.hpp"
#include "support/fixtures.hpp"
#include "project/status_file.hpp"

namespace {

using zkbench::test::read_file;
using zkbench::test::TempDir;

// The state letter of /proc/PID/stat ("R", "S", "Z", ...).
char state_of(pid_t pid) {
  const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  const std::size_t paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size() ? '?' : stat[paren + 2];
}

TEST(WorkflowStatusE2e, a_killed_measuring_command_is_interrupted_not_running_even_as_a_zombie) {
  TempDir dir;
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::pause();
    ::_exit(0);
  }
  ::kill(child, SIGKILL);
  while (state_of(child) != 'Z') { // deterministic: the kernel makes it a zombie once it has died
    ::usleep(1000);
  }
  zkbench::project::StatusInfo info;
  info.command = "baseline";
  info.phase = "measure";
  std::filesystem::create_directories(dir / ".zkbench");
  zkbench::project::StatusFile status(zkbench::project::status_path(dir.path()), info);
  status.info().pid = child; // the killed measuring command's
  status.write();

  EXPECT_FALSE(zkbench::project::process_alive(child));
  const auto r = zkbench::test::run_zkbench("status", dir.path().string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("interrupted: zkbench baseline (pid " + std::to_string(child) + ")"), std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("running:"), std::string::npos) << r.output;
  int wstatus = 0;
  ::waitpid(child, &wstatus, 0);
  EXPECT_TRUE(zkbench::project::process_alive(::getpid()));
}

} // namespace
