#pragma once
// A machine's load for the contention gate's tests: time passes only when the gate sleeps (or a test
// advances it), and CPU ticks accumulate from a scripted foreign load, so a wait of minutes takes none.

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "measure/contention.hpp"

namespace zkbench::test {

class FakeLoad final : public measure::LoadSource, public util::WaitClock {
public:
  static constexpr long k_tps = 100;
  static constexpr int k_self = 100;

  /// Foreign processes: `count` processes named `name` busy at `cores` in total while `active(t)`.
  struct Load {
    std::string name;
    int count = 1;
    double cores = 1;
    std::function<bool(double)> active;
    int first_pid = 500;
    int ppid = 1;
  };

  // --- util::WaitClock: sleeping is the machine running on
  double now_s() override { return now; }
  void sleep_for(double seconds) override { advance(seconds); }

  // --- measure::LoadSource
  std::optional<std::uint64_t> busy_ticks() override { return static_cast<std::uint64_t>(std::floor(busy)); }
  long ticks_per_second() override { return k_tps; }
  double own_cpu_s() override { return own; }
  std::vector<measure::ProcSample> processes() override {
    ++scans;
    ticks.resize(loads.size(), 0);
    std::vector<measure::ProcSample> out{{k_self, 1, "zkbench", static_cast<std::uint64_t>(own * k_tps)}};
    for (std::size_t i = 0; i < loads.size(); ++i) {
      for (int k = 0; k < loads[i].count; ++k) {
        out.push_back({loads[i].first_pid + k, loads[i].ppid, loads[i].name,
                       static_cast<std::uint64_t>(ticks[i] / loads[i].count)});
      }
    }
    return out;
  }
  int self_pid() override { return k_self; }
  std::vector<measure::GpuProcess> gpu_processes() override { return gpu; }

  /// Time passes: the foreign loads add their ticks; zkbench adds `own_cores` (a run: its child).
  void advance(double seconds, double own_cores = 0) {
    // In small steps, so that a load switching on or off mid-way is counted for its share.
    const double step = 0.01;
    for (double done = 0; done < seconds - 1e-12;) {
      const double dt = std::min(step, seconds - done);
      ticks.resize(loads.size(), 0);
      for (std::size_t i = 0; i < loads.size(); ++i) {
        if (!loads[i].active || loads[i].active(now)) {
          ticks[i] += loads[i].cores * dt * k_tps;
          busy += loads[i].cores * dt * k_tps;
        }
      }
      own += own_cores * dt;
      busy += own_cores * dt * k_tps;
      now += dt;
      done += dt;
    }
  }

  double now = 1000;
  double busy = 0;
  double own = 0;
  int scans = 0;
  std::vector<Load> loads;
  std::vector<double> ticks;
  std::vector<measure::GpuProcess> gpu;
};

} // namespace zkbench::test
