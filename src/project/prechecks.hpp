#pragma once
// The pre-benchmark checks of seed 002 §3.1: load average, other heavy processes (naming the top CPU
// consumers), free memory, GPU temperature. They return warnings with the figures; they never stop a run
// (the caller prints them and goes on).

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "measure/proc_load.hpp"

namespace zkbench::project {

struct LoadAverage {
  double one = 0;
  double five = 0;
  double fifteen = 0;
};

/// One process from /proc/<pid>/stat (measure/proc_load.hpp reads and parses them).
using measure::ProcSample;
using measure::parse_proc_stat;

struct CpuConsumer {
  int pid = 0;
  std::string name;
  double cpu_percent = 0;    // of one core: 200 = two cores busy
};

/// What the checks look at. Every field may be missing (not Linux, no GPU).
struct SystemSnapshot {
  std::optional<LoadAverage> load;
  int cores = 0;
  std::optional<std::int64_t> memory_total_bytes;
  std::optional<std::int64_t> memory_available_bytes;
  std::vector<CpuConsumer> consumers; // busiest first, other than zkbench itself
  std::optional<double> gpu_temperature_c;
};

struct PrecheckLimits {
  double load_per_core = 0.5;            // warn when the 1-minute load exceeds this × cores
  double consumer_percent = 10;          // name processes above this share of one core
  double min_available_fraction = 0.10;  // warn below this share of memory available
  std::int64_t min_available_bytes = 1LL << 30;
  double max_gpu_temperature_c = 50;     // seed 000: below 50 °C before a proof
};

/// The warnings for `snapshot`, each one line with the figures ("load average 9.62 on 2 cores ...").
/// Pure: no I/O.
std::vector<std::string> evaluate_prechecks(const SystemSnapshot& snapshot, const PrecheckLimits& limits);

/// How the GPU temperature is read; the GPU telemetry module may supply an NVML-based one.
using GpuTemperatureProbe = std::function<std::optional<double>()>;
/// GPU 0's temperature through gpu::open_best_source() (NVML, else nvidia-smi); nullopt without a GPU.
std::optional<double> probe_gpu_temperature();

struct SnapshotOptions {
  std::chrono::milliseconds sample_interval{200}; // between the two readings of /proc/*/stat
  std::set<int> exclude_pids;                      // besides zkbench itself and its children
  std::size_t max_consumers = 3;
  double consumer_percent = 10;
  GpuTemperatureProbe gpu_temperature = probe_gpu_temperature;
};

/// Reads /proc/loadavg, /proc/meminfo, /proc/*/stat twice `sample_interval` apart, and the GPU.
SystemSnapshot take_system_snapshot(const SnapshotOptions& options);

// Parsers, pure so they are tested on fixed text.
std::optional<LoadAverage> parse_loadavg(std::string_view text);
/// The processes that used more than `min_percent` of a core between the two samples, busiest first,
/// at most `limit`, leaving out `exclude` and the children of the excluded.
std::vector<CpuConsumer> top_cpu_consumers(const std::vector<ProcSample>& before, const std::vector<ProcSample>& after,
                                           double elapsed_s, long ticks_per_second, const std::set<int>& exclude,
                                           double min_percent, std::size_t limit);
/// The highest temperature among the lines of `nvidia-smi --query-gpu=temperature.gpu --format=csv,noheader`.
std::optional<double> parse_gpu_temperatures(std::string_view text);

} // namespace zkbench::project
