#include "notify/dispatcher.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace zkbench::notify {

std::chrono::milliseconds backoff_after(const DeliveryPolicy& policy, int attempt) {
  auto wait = policy.first_backoff;
  for (int i = 1; i < attempt && wait < policy.max_backoff; ++i) {
    wait *= 2;
  }
  return std::min(wait, policy.max_backoff);
}

Dispatcher::Dispatcher(std::vector<std::unique_ptr<Notifier>> notifiers, DeliveryPolicy policy, Log log)
    : m_notifiers(std::move(notifiers)), m_policy(policy), m_log(std::move(log)) {
  m_policy.max_attempts = std::max(1, m_policy.max_attempts);
  m_policy.queue_capacity = std::max<std::size_t>(1, m_policy.queue_capacity);
  if (!m_notifiers.empty()) {
    m_worker = std::jthread([this](std::stop_token stop) { run(stop); });
  }
}

Dispatcher::~Dispatcher() {
  if (m_worker.joinable()) {
    m_worker.request_stop(); // wakes m_wake waits and aborts curl through its progress callback
    m_worker.join();
  }
  std::lock_guard lock(m_mutex);
  m_stats.dropped += m_queue.size() * m_notifiers.size();
}

bool Dispatcher::enqueue(Event event) {
  if (m_notifiers.empty()) {
    return false;
  }
  {
    std::lock_guard lock(m_mutex);
    if (m_queue.size() >= m_policy.queue_capacity) {
      m_stats.dropped += m_notifiers.size();
      return false;
    }
    m_queue.push_back(std::move(event));
  }
  m_wake.notify_all();
  return true;
}

bool Dispatcher::flush(std::chrono::milliseconds deadline) {
  std::unique_lock lock(m_mutex);
  return m_idle.wait_for(lock, deadline, [this] { return m_queue.empty() && !m_busy; });
}

DeliveryStats Dispatcher::stats() const {
  std::lock_guard lock(m_mutex);
  return m_stats;
}

void Dispatcher::log(const std::string& message) const {
  if (m_log) {
    m_log(message);
  }
}

void Dispatcher::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    Event event;
    {
      std::unique_lock lock(m_mutex);
      if (!m_wake.wait(lock, stop, [this] { return !m_queue.empty(); })) {
        return; // stop requested
      }
      event = std::move(m_queue.front());
      m_queue.pop_front();
      m_busy = true;
    }
    deliver(event, stop);
    {
      std::lock_guard lock(m_mutex);
      m_busy = false;
    }
    m_idle.notify_all();
  }
}

void Dispatcher::deliver(const Event& event, std::stop_token stop) {
  for (const auto& notifier : m_notifiers) {
    for (int attempt = 1;; ++attempt) {
      const Result<void> sent = notifier->send(event, stop);
      if (sent) {
        std::lock_guard lock(m_mutex);
        ++m_stats.delivered;
        break;
      }
      if (stop.stop_requested()) {
        std::lock_guard lock(m_mutex);
        ++m_stats.dropped;
        return;
      }
      if (attempt >= m_policy.max_attempts) {
        log(fmt::format("{}: giving up after {} attempts: {}", notifier->name(), attempt, sent.error().message));
        std::lock_guard lock(m_mutex);
        ++m_stats.failed;
        break;
      }
      const auto wait = backoff_after(m_policy, attempt);
      log(fmt::format("{}: attempt {}/{} failed: {}; retrying in {} ms", notifier->name(), attempt,
                      m_policy.max_attempts, sent.error().message, wait.count()));
      // Sleep on the condition variable rather than this_thread::sleep_for so that shutdown
      // interrupts the backoff; new events do not (the predicate only looks at stop).
      std::unique_lock lock(m_mutex);
      if (m_wake.wait_for(lock, stop, wait, [] { return false; }); stop.stop_requested()) {
        ++m_stats.dropped;
        return;
      }
    }
  }
}

} // namespace zkbench::notify
