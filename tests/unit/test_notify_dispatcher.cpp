// The dispatcher with a fake Notifier: retries, backoff, the bounded queue. Real HTTP delivery is
// tested in tests/e2e/test_notify_webhook.cpp.
#include <atomic>
#include <chrono>
#include <mutex>

#include <gtest/gtest.h>

#include "notify/dispatcher.hpp"

namespace zkbench::notify {
namespace {

using namespace std::chrono_literals;

/// Fails its first `failures` sends, then succeeds; can block until released.
class FakeNotifier : public Notifier {
public:
  explicit FakeNotifier(int failures) : m_failures(failures) {}
  std::string name() const override { return "fake"; }
  Result<void> send(const Event& event, std::stop_token stop) override {
    std::unique_lock lock(m_mutex);
    ++m_calls;
    m_seen.push_back(event.experiment_id);
    m_changed.notify_all();
    m_changed.wait(lock, stop, [this] { return !m_blocked; });
    if (m_calls <= m_failures) {
      return make_error("fake: refused");
    }
    return {};
  }
  void block() {
    std::lock_guard lock(m_mutex);
    m_blocked = true;
  }
  void wait_for_calls(int count) {
    std::unique_lock lock(m_mutex);
    m_changed.wait_for(lock, 20s, [&] { return m_calls >= count; });
  }
  int calls() const {
    std::lock_guard lock(m_mutex);
    return m_calls;
  }

private:
  int m_failures;
  int m_calls = 0;
  bool m_blocked = false;
  std::vector<std::string> m_seen;
  mutable std::mutex m_mutex;
  std::condition_variable_any m_changed;
};

DeliveryPolicy fast_policy(int attempts) {
  DeliveryPolicy policy;
  policy.max_attempts = attempts;
  policy.first_backoff = 1ms;
  policy.max_backoff = 4ms;
  return policy;
}

TEST(NotifyDispatcher, backoff_doubles_up_to_the_cap) {
  DeliveryPolicy policy;
  policy.first_backoff = 1000ms;
  policy.max_backoff = 5000ms;
  EXPECT_EQ(backoff_after(policy, 1), 1000ms);
  EXPECT_EQ(backoff_after(policy, 2), 2000ms);
  EXPECT_EQ(backoff_after(policy, 3), 4000ms);
  EXPECT_EQ(backoff_after(policy, 4), 5000ms);
  EXPECT_EQ(backoff_after(policy, 40), 5000ms);
}

TEST(NotifyDispatcher, retries_until_success) {
  auto fake = std::make_unique<FakeNotifier>(2);
  FakeNotifier* observer = fake.get();
  std::vector<std::unique_ptr<Notifier>> notifiers;
  notifiers.push_back(std::move(fake));
  Dispatcher dispatcher(std::move(notifiers), fast_policy(5));
  ASSERT_TRUE(dispatcher.enqueue(Event{}));
  ASSERT_TRUE(dispatcher.flush(20s));
  EXPECT_EQ(observer->calls(), 3);
  EXPECT_EQ(dispatcher.stats().delivered, 1U);
  EXPECT_EQ(dispatcher.stats().failed, 0U);
}

TEST(NotifyDispatcher, gives_up_after_max_attempts_and_logs_why) {
  auto fake = std::make_unique<FakeNotifier>(100);
  FakeNotifier* observer = fake.get();
  std::vector<std::unique_ptr<Notifier>> notifiers;
  notifiers.push_back(std::move(fake));
  std::vector<std::string> logs;
  std::mutex logs_mutex;
  Dispatcher dispatcher(std::move(notifiers), fast_policy(4), [&](const std::string& line) {
    std::lock_guard lock(logs_mutex);
    logs.push_back(line);
  });
  ASSERT_TRUE(dispatcher.enqueue(Event{}));
  ASSERT_TRUE(dispatcher.flush(20s));
  EXPECT_EQ(observer->calls(), 4);
  EXPECT_EQ(dispatcher.stats().failed, 1U);
  std::lock_guard lock(logs_mutex);
  ASSERT_EQ(logs.size(), 4U);
  EXPECT_EQ(logs.front(), "fake: attempt 1/4 failed: fake: refused; retrying in 1 ms");
  EXPECT_EQ(logs.back(), "fake: giving up after 4 attempts: fake: refused");
}

TEST(NotifyDispatcher, full_queue_drops_instead_of_blocking) {
  auto fake = std::make_unique<FakeNotifier>(0);
  FakeNotifier* observer = fake.get();
  observer->block();
  std::vector<std::unique_ptr<Notifier>> notifiers;
  notifiers.push_back(std::move(fake));
  DeliveryPolicy policy = fast_policy(1);
  policy.queue_capacity = 2;
  Dispatcher dispatcher(std::move(notifiers), policy);
  ASSERT_TRUE(dispatcher.enqueue(Event{}));
  observer->wait_for_calls(1); // the worker holds the first event; the queue is empty again
  EXPECT_TRUE(dispatcher.enqueue(Event{}));
  EXPECT_TRUE(dispatcher.enqueue(Event{}));
  EXPECT_FALSE(dispatcher.enqueue(Event{}));
  EXPECT_EQ(dispatcher.stats().dropped, 1U);
  EXPECT_FALSE(dispatcher.flush(10ms));
} // the destructor cancels the blocked send through its stop_token

TEST(NotifyDispatcher, without_notifiers_enqueue_is_a_no_op) {
  Dispatcher dispatcher({});
  EXPECT_FALSE(dispatcher.has_notifiers());
  EXPECT_FALSE(dispatcher.enqueue(Event{}));
  EXPECT_TRUE(dispatcher.flush(0ms));
}

} // namespace
} // namespace zkbench::notify
