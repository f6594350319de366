#include "gpu/sampler.hpp"

#include <algorithm>
#include <chrono>

#include "util/strings.hpp"

namespace zkbench::gpu {

void RunStatsAccumulator::add(const GpuSample& sample) {
  m_samples.push_back(sample);
}

std::optional<core::GpuRunStats> RunStatsAccumulator::finish() const {
  if (m_samples.empty()) {
    return std::nullopt;
  }
  core::GpuRunStats stats;
  double utilization_sum = 0;
  std::size_t utilization_count = 0;
  bool have_temperature = false;
  std::uint64_t throttle_mask = 0;
  const GpuSample* first_counter = nullptr;
  const GpuSample* last_counter = nullptr;
  for (const GpuSample& sample : m_samples) {
    if (sample.utilization_pct) {
      utilization_sum += *sample.utilization_pct;
      ++utilization_count;
      stats.utilization_max_pct = std::max(stats.utilization_max_pct, *sample.utilization_pct);
    }
    if (sample.memory_used_bytes) {
      stats.memory_peak_bytes = std::max(stats.memory_peak_bytes, *sample.memory_used_bytes);
    }
    if (sample.temperature_c) {
      if (!have_temperature) {
        stats.temperature_start_c = *sample.temperature_c;
        stats.temperature_max_c = *sample.temperature_c;
        have_temperature = true;
      }
      stats.temperature_max_c = std::max(stats.temperature_max_c, *sample.temperature_c);
    }
    if (sample.clock_event_reasons) {
      throttle_mask |= *sample.clock_event_reasons & reason::throttling;
    }
    if (sample.total_energy_mj) {
      first_counter = first_counter ? first_counter : &sample;
      last_counter = &sample;
    }
  }
  if (utilization_count > 0) {
    stats.utilization_mean_pct = utilization_sum / static_cast<double>(utilization_count);
  }

  // The driver's counter is exact where it exists (Volta and later); a counter that went backwards
  // means a driver reload, and then only the power readings are trustworthy.
  if (first_counter != nullptr && first_counter != last_counter &&
      *last_counter->total_energy_mj >= *first_counter->total_energy_mj) {
    stats.energy_joules = (*last_counter->total_energy_mj - *first_counter->total_energy_mj) / 1000.0;
  } else {
    const GpuSample* previous = nullptr;
    for (const GpuSample& sample : m_samples) {
      if (!sample.power_w) {
        continue;
      }
      if (previous != nullptr && sample.time_s > previous->time_s) {
        stats.energy_joules +=
            (sample.time_s - previous->time_s) * (*sample.power_w + *previous->power_w) / 2.0;
      }
      previous = &sample;
    }
  }

  stats.throttled = throttle_mask != 0;
  stats.throttle_reasons = util::join(decode_clock_event_reasons(throttle_mask), ",");
  return stats;
}

double Sampler::steady_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

Sampler::Sampler(TelemetrySource& source, SamplerOptions options, Clock clock)
    : m_source(source), m_options(options), m_clock(std::move(clock)) {}

Sampler::~Sampler() {
  stop();
}

void Sampler::start() {
  stop();
  {
    std::lock_guard lock(m_mutex);
    m_accumulator = RunStatsAccumulator();
    m_last_error.clear();
    m_stopping = false;
  }
  take_sample();
  m_thread = std::thread([this] { loop(); });
}

std::optional<core::GpuRunStats> Sampler::stop() {
  if (!m_thread.joinable()) {
    return std::nullopt;
  }
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  m_thread.join();
  take_sample();
  std::lock_guard lock(m_mutex);
  return m_accumulator.finish();
}

std::string Sampler::last_error() const {
  std::lock_guard lock(m_mutex);
  return m_last_error;
}

void Sampler::take_sample() {
  // Read outside the lock: nvidia-smi takes tens of milliseconds and stop() must not wait on it.
  auto sample = m_source.sample();
  const double now = m_clock();
  std::lock_guard lock(m_mutex);
  if (!sample) {
    m_last_error = sample.error().message;
    return;
  }
  sample->time_s = now;
  m_accumulator.add(*sample);
}

void Sampler::loop() {
  const auto interval = std::chrono::duration<double>(m_options.interval_s);
  while (true) {
    {
      std::unique_lock lock(m_mutex);
      if (m_wake.wait_for(lock, interval, [this] { return m_stopping; })) {
        return;
      }
    }
    take_sample();
  }
}

} // namespace zkbench::gpu
