#pragma once
// Wall-clock time as stored everywhere in zkbench: microseconds since the Unix epoch.

#include <chrono>
#include <cstdint>

namespace zkbench::util {

/// The current time in microseconds since the Unix epoch (system clock).
inline std::int64_t unix_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

} // namespace zkbench::util
