#include <cstdlib>
#include <string>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "notify/notifier.hpp"
#include "notify/secrets.hpp"
#include "support/fixtures.hpp"

namespace zkbench::notify {
namespace {

std::filesystem::path write_secrets(const test::TempDir& dir, const std::string& text, mode_t mode) {
  const auto path = dir / "secrets.env";
  test::write_file(path, text);
  ::chmod(path.c_str(), mode);
  return path;
}

TEST(NotifySecrets, reads_keys_comments_quotes_and_export) {
  test::TempDir dir;
  const auto path = write_secrets(dir,
                                  "# webhooks\n\nSLACK_WEBHOOK=https://hooks.slack.com/services/T/B/X\n"
                                  "export WEBHOOK_URL=\"http://127.0.0.1:9/hook\"\n  OTHER = 'a b'  \n",
                                  0600);
  const auto secrets = read_secrets(path);
  ASSERT_TRUE(secrets) << secrets.error().message;
  EXPECT_EQ(secrets->at("SLACK_WEBHOOK"), "https://hooks.slack.com/services/T/B/X");
  EXPECT_EQ(secrets->at("WEBHOOK_URL"), "http://127.0.0.1:9/hook");
  EXPECT_EQ(secrets->at("OTHER"), "a b");
  EXPECT_EQ(notifiers_from_secrets(*secrets).size(), 2U);
}

TEST(NotifySecrets, refuses_a_file_others_can_read_and_says_chmod_600) {
  test::TempDir dir;
  for (const mode_t mode : {0644, 0640, 0604, 0660}) {
    const auto path = write_secrets(dir, "SLACK_WEBHOOK=https://hooks.slack.com/services/SECRET\n", mode);
    const auto secrets = read_secrets(path);
    ASSERT_FALSE(secrets) << "mode " << mode;
    EXPECT_NE(secrets.error().message.find("chmod 600 " + path.string()), std::string::npos)
        << secrets.error().message;
    EXPECT_EQ(secrets.error().message.find("SECRET"), std::string::npos) << secrets.error().message;
  }
}

TEST(NotifySecrets, accepts_0400) {
  test::TempDir dir;
  const auto path = write_secrets(dir, "SLACK_WEBHOOK=x\n", 0400);
  EXPECT_TRUE(read_secrets(path));
}

TEST(NotifySecrets, bad_line_names_the_line_not_its_content) {
  test::TempDir dir;
  const auto path = write_secrets(dir, "SLACK_WEBHOOK=ok\nhttps://hooks.slack.com/SECRET\n", 0600);
  const auto secrets = read_secrets(path);
  ASSERT_FALSE(secrets);
  EXPECT_NE(secrets.error().message.find("line 2"), std::string::npos) << secrets.error().message;
  EXPECT_EQ(secrets.error().message.find("SECRET"), std::string::npos) << secrets.error().message;
}

TEST(NotifySecrets, missing_file_and_folder_are_errors) {
  test::TempDir dir;
  EXPECT_FALSE(read_secrets(dir / "absent.env"));
  EXPECT_FALSE(read_secrets(dir.path()));
}

TEST(NotifySecrets, path_prefers_override_then_xdg_then_home) {
  const char* home = std::getenv("HOME");
  const std::string saved_home = home == nullptr ? "" : home;
  ::setenv(k_secrets_file_env, "/tmp/override.env", 1);
  ::setenv("XDG_CONFIG_HOME", "/tmp/xdg", 1);
  EXPECT_EQ(secrets_path(), "/tmp/override.env");
  ::unsetenv(k_secrets_file_env);
  EXPECT_EQ(secrets_path(), "/tmp/xdg/zkbench/secrets.env");
  ::unsetenv("XDG_CONFIG_HOME");
  ::setenv("HOME", "/home/someone", 1);
  EXPECT_EQ(secrets_path(), "/home/someone/.config/zkbench/secrets.env");
  ::setenv("HOME", saved_home.c_str(), 1);
}

TEST(NotifySecrets, redact_replaces_every_occurrence) {
  EXPECT_EQ(redact("a URL b URL", "URL"), "a <redacted> b <redacted>");
  EXPECT_EQ(redact("nothing", ""), "nothing");
}

} // namespace
} // namespace zkbench::notify
