#pragma once
// Time as a waiting gate sees it (the thermal gate, the contention gate): a steady "now" and a sleep.
// Tests put a fake behind it that advances on sleep_for, so a wait of minutes takes no real time.

#include <chrono>
#include <thread>

namespace zkbench::util {

class WaitClock {
public:
  virtual ~WaitClock() = default;
  /// Seconds on a steady clock (only differences mean anything).
  virtual double now_s() = 0;
  virtual void sleep_for(double seconds) = 0;
};

/// std::chrono::steady_clock and std::this_thread::sleep_for.
class SystemWaitClock final : public WaitClock {
public:
  double now_s() override {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  }
  void sleep_for(double seconds) override { std::this_thread::sleep_for(std::chrono::duration<double>(seconds)); }
};

} // namespace zkbench::util
