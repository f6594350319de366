#pragma once
// Sampling a GPU during one run. The run loop does:
//
//   gpu::Sampler sampler(*source);              // once; source from gpu::open_best_source()
//   sampler.start();                            // just before the command starts
//   ... run the command ...
//   run.gpu = sampler.stop();                   // just after it ends; nullopt without telemetry
//
// start() reads once at once (the start temperature and energy counter), then a thread reads every
// `interval_s`; stop() reads once more, joins the thread and folds everything into core::GpuRunStats.
// The folding is RunStatsAccumulator, pure and tested on injected samples.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/run.hpp"
#include "gpu/telemetry.hpp"

namespace zkbench::gpu {

/// Folds a run's samples into its figures:
/// - utilization mean (of the samples that have it) and max; memory peak; temperature of the first
///   sample that has one, and max;
/// - energy: the difference of the total-energy counter between the first and last samples that have
///   it, when it did not go backwards; otherwise power integrated over time (trapezoids on time_s);
/// - throttled when any sample had a throttling reason (reason::throttling); the reasons seen, decoded
///   and comma-separated ("sw_power_cap,hw_thermal_slowdown"). Idle, sync boost and clock settings
///   are clock events but not throttling.
class RunStatsAccumulator {
public:
  void add(const GpuSample& sample);
  std::size_t sample_count() const { return m_samples.size(); }
  /// nullopt when no sample was added.
  std::optional<core::GpuRunStats> finish() const;

private:
  std::vector<GpuSample> m_samples;
};

struct SamplerOptions {
  double interval_s = 0.1; // 10 Hz
};

class Sampler {
public:
  /// Seconds on a steady clock; injectable so tests control the time stamps.
  using Clock = std::function<double()>;
  static double steady_now();

  explicit Sampler(TelemetrySource& source, SamplerOptions options = {}, Clock clock = &steady_now);
  ~Sampler();
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  /// Starts sampling (stopping a previous round first). Never fails: unreadable samples are skipped.
  void start();
  /// Stops, and returns the run's figures; nullopt when no sample could be read (no GPU, tool broken).
  std::optional<core::GpuRunStats> stop();
  /// The last read error of the current/last round ("" when every read worked), for a one-line note.
  std::string last_error() const;

private:
  void take_sample();
  void loop();

  TelemetrySource& m_source;
  SamplerOptions m_options;
  Clock m_clock;
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stopping = false;
  std::thread m_thread;
  RunStatsAccumulator m_accumulator;
  std::string m_last_error;
};

} // namespace zkbench::gpu
