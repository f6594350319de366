// `zkbench notify test`: sends one test notification to every webhook in the secrets file, now and
// in the foreground, so a person setting up Slack sees at once whether it works.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "notify/message.hpp"
#include "notify/notifier.hpp"
#include "notify/secrets.hpp"
#include "util/error.hpp"

namespace zkbench::cli {

namespace {

struct NotifyTestOptions {
  std::string message = "zkbench can reach this channel.";
  std::string project = "zkbench";
  double timeout_s = 10.0;
};

int run_notify_test(const NotifyTestOptions& options) {
  const std::filesystem::path path = notify::secrets_path();
  notify::PostLimits limits;
  limits.total_timeout = std::chrono::milliseconds(static_cast<long>(options.timeout_s * 1000.0));
  limits.connect_timeout = std::min(limits.connect_timeout, limits.total_timeout);

  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw Fatal(fmt::format("no secrets file at '{}'", path.string()),
                fmt::format("create it with: mkdir -p '{}' && echo 'SLACK_WEBHOOK=https://hooks.slack.com/...' "
                            "> '{}' && chmod 600 '{}'",
                            path.parent_path().string(), path.string(), path.string()));
  }
  auto notifiers = value_or_fatal(notify::load_notifiers(notify::MissingSecrets::error, limits));
  if (notifiers.empty()) {
    throw Fatal(fmt::format("secrets file '{}' configures no webhook", path.string()),
                "add a line SLACK_WEBHOOK=https://hooks.slack.com/... (Slack) or WEBHOOK_URL=https://... "
                "(generic JSON)");
  }

  notify::Event event;
  event.kind = notify::EventKind::test;
  event.project = options.project;
  event.detail = options.message;

  int failures = 0;
  for (const auto& notifier : notifiers) {
    const Result<void> sent = notifier->send(event, {});
    if (sent) {
      fmt::print("sent a test notification through the {}\n", notifier->name());
    } else {
      ++failures;
      fmt::print(stderr, "error: {}\n", sent.error().message);
    }
  }
  return failures == 0 ? static_cast<int>(ExitCode::success) : static_cast<int>(ExitCode::error);
}

} // namespace

CommandMain setup_notify(CLI::App& sub) {
  auto options = std::make_shared<NotifyTestOptions>();
  sub.require_subcommand(1);
  CLI::App* test = sub.add_subcommand("test", "Send one test notification to the webhooks in the secrets file "
                                              "($ZKBENCH_SECRETS_FILE or ~/.config/zkbench/secrets.env)");
  test->add_option("-m,--message", options->message, "Text of the test notification");
  test->add_option("--project", options->project, "Label in the title ([zkbench])");
  test->add_option("--timeout", options->timeout_s, "Seconds to wait for each webhook")
      ->check(CLI::Range(0.1, 300.0));
  return [options, test] {
    if (test->parsed()) {
      return run_notify_test(*options);
    }
    return static_cast<int>(ExitCode::usage);
  };
}

} // namespace zkbench::cli
