#include <gtest/gtest.h>

#include "serve/paths.hpp"
#include "support/fixtures.hpp"

namespace zkbench::serve {
namespace {

class ServePaths : public ::testing::Test {
protected:
  void SetUp() override {
    std::filesystem::create_directories(m_dir / "report" / "charts");
    std::filesystem::create_directories(m_dir / "report-old");
    test::write_file(m_dir / "report" / "index.html", "<html></html>");
    test::write_file(m_dir / "report" / "charts" / "trend.svg", "<svg/>");
    test::write_file(m_dir / "secret.txt", "secret");
    test::write_file(m_dir / "report-old" / "index.html", "old");
    std::filesystem::create_symlink(m_dir / "secret.txt", m_dir / "report" / "leak.txt");
    std::filesystem::create_directory_symlink(m_dir.path(), m_dir / "report" / "up");
    std::filesystem::create_symlink("charts/trend.svg", m_dir / "report" / "inside.svg");
    m_root = std::filesystem::canonical(m_dir / "report");
  }
  test::TempDir m_dir;
  std::filesystem::path m_root;
};

TEST_F(ServePaths, maps_files_and_folders_to_index) {
  EXPECT_EQ(resolve_under(m_root, "/").value(), m_root / "index.html");
  EXPECT_EQ(resolve_under(m_root, "/index.html").value(), m_root / "index.html");
  EXPECT_EQ(resolve_under(m_root, "/charts/trend.svg").value(), m_root / "charts" / "trend.svg");
  EXPECT_EQ(resolve_under(m_root, "//charts/./trend.svg").value(), m_root / "charts" / "trend.svg");
  EXPECT_EQ(resolve_under(m_root, "/inside.svg").value(), m_root / "charts" / "trend.svg");
}

TEST_F(ServePaths, refuses_dot_dot_segments) {
  for (const char* path : {"/../secret.txt", "/charts/../../secret.txt", "/..", "/charts/..", "/../report-old/"}) {
    const auto resolved = resolve_under(m_root, path);
    ASSERT_FALSE(resolved) << path;
    EXPECT_EQ(resolved.error(), PathRefusal::forbidden) << path;
  }
}

TEST_F(ServePaths, refuses_symlinks_that_leave_the_folder) {
  EXPECT_EQ(resolve_under(m_root, "/leak.txt").error(), PathRefusal::forbidden);
  EXPECT_EQ(resolve_under(m_root, "/up/secret.txt").error(), PathRefusal::forbidden);
  EXPECT_EQ(resolve_under(m_root, "/up/report-old/index.html").error(), PathRefusal::forbidden);
}

TEST_F(ServePaths, refuses_backslashes_and_nul) {
  EXPECT_EQ(resolve_under(m_root, "/..\\secret.txt").error(), PathRefusal::forbidden);
  EXPECT_EQ(resolve_under(m_root, std::string_view("/index.html\0x", 13)).error(), PathRefusal::forbidden);
}

TEST_F(ServePaths, encoded_names_stay_literal) {
  // The server decodes once; what is still encoded names a file called "%2e%2e", which is absent.
  EXPECT_EQ(resolve_under(m_root, "/%2e%2e/secret.txt").error(), PathRefusal::not_found);
  EXPECT_EQ(resolve_under(m_root, "/absent.html").error(), PathRefusal::not_found);
  EXPECT_EQ(resolve_under(m_root, "/etc/passwd").error(), PathRefusal::not_found);
}

TEST(ServeContentTypes, by_extension) {
  EXPECT_EQ(content_type_for("a/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("chart.SVG"), "image/svg+xml");
  EXPECT_EQ(content_type_for("data.json"), "application/json");
  EXPECT_EQ(content_type_for("style.css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("blob"), "application/octet-stream");
}

} // namespace
} // namespace zkbench::serve
