#include <gtest/gtest.h>

#include "support/fixtures.hpp"
#include "util/subprocess.hpp"

using namespace zkbench;

TEST(UtilSubprocess, captures_stdout_and_stderr_with_the_exit_code) {
  const auto r = util::capture_output({"sh", "-c", "echo out; echo err >&2; exit 3"}, 10.0);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_FALSE(r->timed_out);
  EXPECT_EQ(r->output, "out\nerr\n");
}

TEST(UtilSubprocess, keeps_only_the_head_up_to_the_limit) {
  const auto r = util::capture_output({"sh", "-c", "printf 0123456789"}, 10.0, 4);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->output, "0123");
}

TEST(UtilSubprocess, a_hung_tool_is_killed_with_its_children_after_the_timeout) {
  // The grandchild holds the pipe too: only killing the process group ends the read.
  const auto r = util::capture_output({"sh", "-c", "sleep 30 & sleep 30"}, 0.2);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->timed_out);
  EXPECT_FALSE(r->exit_code);
}

TEST(UtilSubprocess, runs_in_the_given_folder) {
  test::TempDir dir;
  const auto r = util::capture_output({"pwd"}, 10.0, 1024, dir.path());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->output, std::filesystem::canonical(dir.path()).string() + "\n");
}

TEST(UtilSubprocess, missing_program_or_folder_is_an_error_naming_it) {
  const auto missing = util::capture_output({"zkbench-no-such-tool"}, 1.0);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("'zkbench-no-such-tool' not found on PATH"), std::string::npos);
  const auto bad_dir = util::capture_output({"true"}, 1.0, 1024, "/nonexistent-zkbench-dir");
  ASSERT_FALSE(bad_dir);
  EXPECT_NE(bad_dir.error().message.find("/nonexistent-zkbench-dir"), std::string::npos) << bad_dir.error().message;
}

TEST(UtilSubprocess, find_program_searches_path_and_accepts_paths_with_a_slash) {
  const auto sh = util::find_program("sh");
  ASSERT_TRUE(sh);
  EXPECT_TRUE(sh->is_absolute());
  EXPECT_EQ(util::find_program("/bin/sh"), std::filesystem::path("/bin/sh"));
  EXPECT_FALSE(util::find_program("zkbench-no-such-tool"));
  EXPECT_FALSE(util::find_program(""));
}
