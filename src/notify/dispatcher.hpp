#pragma once
// Background delivery of notifications, so that a failing or hanging webhook never fails or delays a
// benchmark: enqueue() only copies the event into a bounded queue; one worker thread delivers it to
// every notifier, retrying with exponential backoff; flush() waits, up to a deadline, at exit.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "notify/event.hpp"
#include "notify/notifier.hpp"

namespace zkbench::notify {

struct DeliveryPolicy {
  std::size_t queue_capacity = 64;         // events waiting beyond this are dropped (and counted)
  int max_attempts = 4;                    // per event and notifier, the first try included
  std::chrono::milliseconds first_backoff{1000}; // wait before the 2nd attempt; doubles each time
  std::chrono::milliseconds max_backoff{30000};
};

/// The wait before attempt `attempt` + 1 after attempt `attempt` (1-based) failed:
/// first_backoff × 2^(attempt-1), capped at max_backoff.
std::chrono::milliseconds backoff_after(const DeliveryPolicy& policy, int attempt);

/// Counters since construction. Each event counts once per notifier.
struct DeliveryStats {
  std::size_t delivered = 0; // accepted by the notifier
  std::size_t failed = 0;    // given up after max_attempts
  std::size_t dropped = 0;   // not queued (queue full) or abandoned at shutdown
};

class Dispatcher {
public:
  /// Messages about failed attempts, retries and give-ups ("Slack webhook: attempt 1/4 failed: the
  /// server answered HTTP 500; retrying in 1000 ms"). Called on the worker thread; never holds a URL.
  using Log = std::function<void(const std::string&)>;

  /// Starts the worker. With no notifiers, every enqueue() is a no-op that returns false.
  explicit Dispatcher(std::vector<std::unique_ptr<Notifier>> notifiers, DeliveryPolicy policy = {}, Log log = {});
  /// Stops the worker at once: the request in flight and any backoff are cancelled, queued events
  /// are dropped. Call flush() first to give them a chance.
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  /// Queues `event` without waiting for delivery (takes one short lock). Returns false when it was
  /// not queued: no notifiers, or the queue is full (then it counts as dropped).
  bool enqueue(Event event);

  /// Waits until every queued event has been delivered or given up, or `deadline` has passed.
  /// Returns true when nothing is left to do.
  bool flush(std::chrono::milliseconds deadline);

  DeliveryStats stats() const;
  bool has_notifiers() const { return !m_notifiers.empty(); }

private:
  void run(std::stop_token stop);
  void deliver(const Event& event, std::stop_token stop);
  void log(const std::string& message) const;

  std::vector<std::unique_ptr<Notifier>> m_notifiers;
  DeliveryPolicy m_policy;
  Log m_log;

  mutable std::mutex m_mutex;
  std::condition_variable_any m_wake; // the worker waits here for events (and for backoffs)
  std::condition_variable m_idle;     // flush() waits here
  std::deque<Event> m_queue;
  bool m_busy = false;
  DeliveryStats m_stats;

  std::jthread m_worker; // last: started after everything above exists, joined first
};

} // namespace zkbench::notify
