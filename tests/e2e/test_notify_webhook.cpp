// Notifications over real HTTP: a cpp-httplib receiver on 127.0.0.1 gets what the webhooks send.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <memory>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "notify/dispatcher.hpp"
#include "notify/message.hpp"
#include "notify/notifier.hpp"
#include "notify/secrets.hpp"
#include "support/cli.hpp"
#include "support/fixtures.hpp"
#include "support/http_receiver.hpp"
#include "support/notify_events.hpp"
#include "support/secrets_file.hpp"

namespace zkbench {
namespace {

using namespace std::chrono_literals;
using test::HttpReceiver;
using test::ScopedSecretsFile;

notify::DeliveryPolicy quick_policy() {
  notify::DeliveryPolicy policy;
  policy.max_attempts = 3;
  policy.first_backoff = 20ms;
  return policy;
}

TEST(NotifyWebhook, slack_webhook_posts_text_json) {
  HttpReceiver receiver;
  notify::SlackWebhook slack(receiver.url());
  ASSERT_TRUE(slack.send(test::seed_experiment_event(), {}));
  ASSERT_EQ(receiver.wait_for_requests(1), 1U);
  const auto body = nlohmann::json::parse(receiver.bodies().at(0));
  ASSERT_TRUE(body.is_object());
  EXPECT_EQ(body.size(), 1U);
  EXPECT_EQ(body.at("text"), notify::format_text(test::seed_experiment_event()));
  EXPECT_NE(body.at("text").get<std::string>().find("Result: 245s (baseline: 262s)"), std::string::npos);
  EXPECT_NE(receiver.content_types().at(0).find("application/json"), std::string::npos);
}

TEST(NotifyWebhook, json_webhook_posts_event_type_and_fields) {
  HttpReceiver receiver;
  notify::JsonWebhook hook(receiver.url());
  ASSERT_TRUE(hook.send(test::seed_experiment_event(), {}));
  ASSERT_EQ(receiver.wait_for_requests(1), 1U);
  const auto body = nlohmann::json::parse(receiver.bodies().at(0));
  EXPECT_EQ(body.at("event"), "experiment_complete");
  EXPECT_EQ(body.at("experiment_id"), "001");
  EXPECT_EQ(body.at("name"), "MPT Hash Caching");
  EXPECT_DOUBLE_EQ(body.at("result").get<double>(), 245.0);
  EXPECT_DOUBLE_EQ(body.at("baseline").get<double>(), 262.0);
  EXPECT_DOUBLE_EQ(body.at("delta_pct").get<double>(), -6.5);
  EXPECT_EQ(body.at("status"), "KEEP");
  EXPECT_EQ(body.at("progress").at("done"), 3);
  EXPECT_EQ(body.at("progress").at("total"), 12);
  EXPECT_EQ(body.at("dashboard_url"), "http://ethrex-office-2:8080/");
}

TEST(NotifyWebhook, error_status_fails_without_the_url) {
  HttpReceiver receiver(500);
  notify::SlackWebhook slack(receiver.url("/services/T000/B000/SECRETTOKEN"));
  const auto sent = slack.send(test::seed_experiment_event(), {});
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().message.find("HTTP 500"), std::string::npos);
  EXPECT_EQ(sent.error().message.find("SECRETTOKEN"), std::string::npos);
  EXPECT_EQ(sent.error().message.find("127.0.0.1"), std::string::npos);
}

TEST(NotifyWebhook, connection_refused_fails_without_the_url) {
  int port = 0;
  {
    HttpReceiver closed; // learn a free port, then close it
    port = closed.port();
  }
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/services/SECRETTOKEN";
  notify::JsonWebhook hook(url);
  const auto sent = hook.send(test::seed_experiment_event(), {});
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().message.find("SECRETTOKEN"), std::string::npos);
}

TEST(NotifyWebhook, dispatcher_retries_a_500_then_gives_up) {
  HttpReceiver receiver(500);
  std::vector<std::unique_ptr<notify::Notifier>> notifiers;
  notifiers.push_back(std::make_unique<notify::SlackWebhook>(receiver.url("/SECRETTOKEN")));
  std::mutex log_mutex;
  std::vector<std::string> logs;
  notify::Dispatcher dispatcher(std::move(notifiers), quick_policy(), [&](const std::string& line) {
    std::lock_guard lock(log_mutex);
    logs.push_back(line);
  });
  ASSERT_TRUE(dispatcher.enqueue(test::seed_experiment_event()));
  ASSERT_TRUE(dispatcher.flush(30s));
  EXPECT_EQ(receiver.bodies().size(), 3U); // max_attempts, then no more
  const auto stats = dispatcher.stats();
  EXPECT_EQ(stats.failed, 1U);
  EXPECT_EQ(stats.delivered, 0U);
  std::lock_guard lock(log_mutex);
  ASSERT_EQ(logs.size(), 3U); // two "retrying", one "giving up"
  EXPECT_NE(logs.back().find("giving up after 3 attempts"), std::string::npos);
  for (const auto& line : logs) {
    EXPECT_EQ(line.find("SECRETTOKEN"), std::string::npos) << line;
  }
}

TEST(NotifyWebhook, dispatcher_delivers_to_a_working_receiver) {
  HttpReceiver receiver;
  std::vector<std::unique_ptr<notify::Notifier>> notifiers;
  notifiers.push_back(std::make_unique<notify::JsonWebhook>(receiver.url()));
  notify::Dispatcher dispatcher(std::move(notifiers), quick_policy());
  for (int i = 1; i <= 3; ++i) {
    auto event = test::seed_experiment_event();
    event.done = i;
    ASSERT_TRUE(dispatcher.enqueue(event));
  }
  ASSERT_TRUE(dispatcher.flush(30s));
  const auto bodies = receiver.bodies();
  ASSERT_EQ(bodies.size(), 3U);
  for (int i = 0; i < 3; ++i) { // in order
    EXPECT_EQ(nlohmann::json::parse(bodies[static_cast<std::size_t>(i)]).at("progress").at("done"), i + 1);
  }
  EXPECT_EQ(dispatcher.stats().delivered, 3U);
}

TEST(NotifyWebhook, hanging_receiver_does_not_block_the_caller) {
  HttpReceiver receiver;
  receiver.hang();
  std::vector<std::unique_ptr<notify::Notifier>> notifiers;
  notify::PostLimits limits;
  limits.total_timeout = 60s; // longer than the test: only cancellation can end the request
  notifiers.push_back(std::make_unique<notify::SlackWebhook>(receiver.url(), limits));
  auto dispatcher = std::make_unique<notify::Dispatcher>(std::move(notifiers), quick_policy());

  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(dispatcher->enqueue(test::seed_experiment_event()));
  // The request is now stuck in the receiver, which only this test can release.
  ASSERT_EQ(receiver.wait_for_requests(1), 1U);

  // The caller's "benchmark" carries on while delivery hangs: more events queue without waiting,
  // and a short flush at exit gives up instead of waiting for the webhook.
  std::atomic<int> work{0};
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(dispatcher->enqueue(test::seed_experiment_event()));
    work += i;
  }
  EXPECT_FALSE(dispatcher->flush(200ms));
  dispatcher.reset(); // cancels the hanging request through curl's progress callback
  const auto elapsed = std::chrono::steady_clock::now() - start;
  // Generous bound: the hang would last 60 s; everything above takes well under a second.
  EXPECT_LT(elapsed, 20s);
  EXPECT_EQ(work.load(), 10);
  EXPECT_EQ(receiver.bodies().size(), 1U);
}

// --- the CLI: zkbench notify test --------------------------------------------------------------

TEST(NotifyCli, notify_test_reaches_the_receiver_and_never_prints_the_url) {
  HttpReceiver receiver;
  test::TempDir dir;
  const std::string url = receiver.url("/services/T0/B0/SECRETTOKEN");
  ScopedSecretsFile secrets(dir / "secrets.env",
                            "# zkbench\nSLACK_WEBHOOK=" + url + "\nexport WEBHOOK_URL=\"" + url + "\"\n", 0600);

  const auto sent = test::run_zkbench("notify test -m 'hello from the test'");
  ASSERT_EQ(sent.exit_code, 0) << sent.output;
  EXPECT_EQ(sent.output.find("SECRETTOKEN"), std::string::npos) << sent.output;
  EXPECT_EQ(sent.output.find("127.0.0.1"), std::string::npos) << sent.output;
  ASSERT_GE(receiver.wait_for_requests(2), 2U);
  const auto bodies = receiver.bodies();
  const auto slack = nlohmann::json::parse(bodies.at(0));
  EXPECT_NE(slack.at("text").get<std::string>().find("Test Notification"), std::string::npos);
  EXPECT_NE(slack.at("text").get<std::string>().find("hello from the test"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(bodies.at(1)).at("event"), "test");
}

TEST(NotifyCli, refuses_a_0644_secrets_file_and_says_how_to_fix_it) {
  HttpReceiver receiver;
  test::TempDir dir;
  ScopedSecretsFile secrets(dir / "secrets.env", "SLACK_WEBHOOK=" + receiver.url("/SECRETTOKEN") + "\n", 0644);

  const auto refused = test::run_zkbench("notify test");
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("0644"), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("chmod 600 " + (dir / "secrets.env").string()), std::string::npos) << refused.output;
  EXPECT_EQ(refused.output.find("SECRETTOKEN"), std::string::npos) << refused.output;
  EXPECT_EQ(receiver.bodies().size(), 0U);
}

TEST(NotifyCli, failing_webhook_reports_the_status_without_the_url) {
  HttpReceiver receiver(500);
  test::TempDir dir;
  ScopedSecretsFile secrets(dir / "secrets.env", "SLACK_WEBHOOK=" + receiver.url("/SECRETTOKEN") + "\n", 0600);

  const auto failed = test::run_zkbench("notify test");
  EXPECT_EQ(failed.exit_code, 1) << failed.output;
  EXPECT_NE(failed.output.find("HTTP 500"), std::string::npos) << failed.output;
  EXPECT_EQ(failed.output.find("SECRETTOKEN"), std::string::npos) << failed.output;
}

TEST(NotifyCli, missing_secrets_file_says_how_to_create_it) {
  test::TempDir dir;
  ScopedSecretsFile secrets(dir / "absent.env");
  const auto missing = test::run_zkbench("notify test");
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_NE(missing.output.find("no secrets file"), std::string::npos) << missing.output;
  EXPECT_NE(missing.output.find("chmod 600"), std::string::npos) << missing.output;
}

} // namespace
} // namespace zkbench
