#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <filesystem>

#include <sys/resource.h>
#include <unistd.h>

#include <fmt/format.h>

#include "support/fixtures.hpp"
#include "util/files.hpp"
#include "util/new_files.hpp"

using namespace zkbench;

namespace {

std::vector<std::string> names_in(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

} // namespace

TEST(UtilFiles, read_text_file_returns_the_bytes) {
  const test::TempDir dir;
  test::write_file(dir / "a.bin", std::string("x\0y\n", 4));
  const auto text = util::read_text_file(dir / "a.bin");
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text, std::string("x\0y\n", 4));
}

TEST(UtilFiles, read_text_file_names_the_path_it_cannot_read) {
  const test::TempDir dir;
  const auto missing = util::read_text_file(dir / "missing.txt");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message,
            "cannot read '" + (dir / "missing.txt").string() + "': No such file or directory");
  const auto folder = util::read_text_file(dir.path());
  ASSERT_FALSE(folder);
  EXPECT_EQ(folder.error().message, "cannot read '" + dir.path().string() + "': Is a directory");
}

TEST(UtilFiles, write_file_atomically_creates_the_folder_and_leaves_only_the_file) {
  const test::TempDir dir;
  const auto path = dir.path() / "deep" / "er" / "notes.md";
  ASSERT_TRUE(util::write_file_atomically(path, "first\n"));
  EXPECT_EQ(test::read_file(path), "first\n");
  EXPECT_EQ(names_in(path.parent_path()), std::vector<std::string>{"notes.md"});
}

TEST(UtilFiles, write_file_atomically_replaces_an_existing_file_without_a_temporary_left) {
  const test::TempDir dir;
  const auto path = dir / "status.json";
  test::write_file(path, "an older and longer content\n");
  const auto written = util::write_file_atomically(path, "{}\n");
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(test::read_file(path), "{}\n");
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"status.json"});
}

TEST(UtilFiles, write_file_atomically_names_the_path_it_cannot_write) {
  const test::TempDir dir;
  test::write_file(dir / "plain", "a file, not a folder\n");
  const auto path = dir.path() / "plain" / "out.txt";
  const auto written = util::write_file_atomically(path, "text");
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().message, "cannot write '" + path.string() + "': Not a directory");
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"plain"});
}

TEST(UtilFiles, write_file_atomically_refuses_to_replace_a_folder_and_removes_its_temporary) {
  const test::TempDir dir;
  std::filesystem::create_directories(dir / "taken" / "inside");
  const auto written = util::write_file_atomically(dir / "taken", "text");
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().message.rfind("cannot write '" + (dir / "taken").string() + "': ", 0), 0u)
      << written.error().message;
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"taken"});
  EXPECT_TRUE(std::filesystem::is_directory(dir / "taken" / "inside"));
}

TEST(UtilFiles, a_full_disk_is_named_in_the_error) {
  // /dev/full answers every write with ENOSPC, as a full disk does (issue 20: the reason was missing).
  const auto full = util::write_file("/dev/full", "text");
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().message, "cannot write '/dev/full': No space left on device");
  // A file size limit stands in for a full disk where the atomic writer writes (its temporary file).
  const test::TempDir dir;
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = saved;
  small.rlim_cur = 4;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  const auto written = util::write_file_atomically(dir / "small.json", "more than four bytes");
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, old_handler);
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().message, "cannot write '" + (dir / "small.json").string() + "': File too large");
  EXPECT_TRUE(names_in(dir.path()).empty()) << "the temporary file is removed";
}

TEST(UtilFiles, writes_never_go_through_a_symlink_planted_in_the_folder) {
  const test::TempDir dir;
  test::write_file(dir / "victim", "precious\n");
  // A symlink where the atomic writer's temporary goes, and one where a new file goes.
  std::filesystem::create_symlink(dir / "victim", dir.path() / fmt::format("out.txt.tmp.{}", ::getpid()));
  ASSERT_TRUE(util::write_file_atomically(dir / "out.txt", "text"));
  EXPECT_EQ(test::read_file(dir / "out.txt"), "text");
  std::filesystem::create_symlink(dir / "victim", dir / "new.log");
  const int fd = util::open_new_file(dir / "new.log", 0644);
  ASSERT_GE(fd, 0);
  ::close(fd);
  EXPECT_FALSE(std::filesystem::is_symlink(dir / "new.log"));
  EXPECT_EQ(test::read_file(dir / "victim"), "precious\n");
}

TEST(UtilFiles, create_directories_below_refuses_a_symlinked_folder) {
  const test::TempDir dir;
  std::filesystem::create_directories(dir / "elsewhere");
  std::filesystem::create_directories(dir / "artifacts");
  std::filesystem::create_directory_symlink(dir / "elsewhere", dir / "artifacts" / "logs");
  const auto made = util::create_directories_below(dir / "artifacts", std::filesystem::path("logs") / "7");
  ASSERT_FALSE(made);
  EXPECT_NE(made.error().message.find("logs' is a symlink"), std::string::npos) << made.error().message;
  EXPECT_TRUE(std::filesystem::is_empty(dir / "elsewhere"));
  const auto fine = util::create_directories_below(dir / "artifacts", std::filesystem::path("runs") / "7");
  ASSERT_TRUE(fine) << fine.error().message;
  EXPECT_EQ(*fine, dir / "artifacts" / "runs" / "7");
  EXPECT_TRUE(std::filesystem::is_directory(*fine));
}

TEST(UtilFiles, numbered_subfolders_are_the_folders_named_by_so_many_digits_sorted) {
  test::TempDir dir;
  for (const char* name : {"010", "002", "ab1", "0003", "7"}) {
    std::filesystem::create_directories(dir / name);
  }
  test::write_file(dir / "005", "a file, not a folder");
  const auto found = util::numbered_subfolders(dir.path(), 3);
  ASSERT_EQ(found.size(), 2U);
  EXPECT_EQ(found[0], dir / "002");
  EXPECT_EQ(found[1], dir / "010");
  EXPECT_TRUE(util::numbered_subfolders(dir / "missing", 3).empty());
}
