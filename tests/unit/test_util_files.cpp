#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "support/fixtures.hpp"
#include "util/files.hpp"

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
  const auto text = read_text_file(dir / "a.bin");
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text, std::string("x\0y\n", 4));
}

TEST(UtilFiles, read_text_file_names_the_path_it_cannot_read) {
  const test::TempDir dir;
  const auto missing = read_text_file(dir / "missing.txt");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message,
            "cannot read '" + (dir / "missing.txt").string() + "': No such file or directory");
  const auto folder = read_text_file(dir.path());
  ASSERT_FALSE(folder);
  EXPECT_EQ(folder.error().message, "cannot read '" + dir.path().string() + "': Is a directory");
}

TEST(UtilFiles, write_file_atomically_creates_the_folder_and_leaves_only_the_file) {
  const test::TempDir dir;
  const auto path = dir.path() / "deep" / "er" / "notes.md";
  ASSERT_TRUE(write_file_atomically(path, "first\n"));
  EXPECT_EQ(test::read_file(path), "first\n");
  EXPECT_EQ(names_in(path.parent_path()), std::vector<std::string>{"notes.md"});
}

TEST(UtilFiles, write_file_atomically_replaces_an_existing_file_without_a_temporary_left) {
  const test::TempDir dir;
  const auto path = dir / "status.json";
  test::write_file(path, "an older and longer content\n");
  const auto written = write_file_atomically(path, "{}\n");
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(test::read_file(path), "{}\n");
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"status.json"});
}

TEST(UtilFiles, write_file_atomically_names_the_path_it_cannot_write) {
  const test::TempDir dir;
  test::write_file(dir / "plain", "a file, not a folder\n");
  const auto path = dir.path() / "plain" / "out.txt";
  const auto written = write_file_atomically(path, "text");
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().message, "cannot write '" + path.string() + "'");
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"plain"});
}

TEST(UtilFiles, write_file_atomically_refuses_to_replace_a_folder_and_removes_its_temporary) {
  const test::TempDir dir;
  std::filesystem::create_directories(dir / "taken" / "inside");
  const auto written = write_file_atomically(dir / "taken", "text");
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().message.rfind("cannot write '" + (dir / "taken").string() + "': ", 0), 0u)
      << written.error().message;
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"taken"});
  EXPECT_TRUE(std::filesystem::is_directory(dir / "taken" / "inside"));
}
