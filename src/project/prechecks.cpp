#include "project/prechecks.hpp"

#include "gpu/telemetry.hpp"
#include "measure/proc_load.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <thread>

#include <unistd.h>

#include <fmt/format.h>

#include "project/environment.hpp"
#include "project/probe.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"

namespace zkbench::project {

std::optional<LoadAverage> parse_loadavg(std::string_view text) {
  const auto fields = util::split(util::trim(text), ' ');
  if (fields.size() < 3) {
    return std::nullopt;
  }
  const auto one = util::parse_number(fields[0]);
  const auto five = util::parse_number(fields[1]);
  const auto fifteen = util::parse_number(fields[2]);
  if (!one || !five || !fifteen) {
    return std::nullopt;
  }
  return LoadAverage{*one, *five, *fifteen};
}


std::vector<CpuConsumer> top_cpu_consumers(const std::vector<ProcSample>& before, const std::vector<ProcSample>& after,
                                           double elapsed_s, long ticks_per_second, const std::set<int>& exclude,
                                           double min_percent, std::size_t limit) {
  std::map<int, std::uint64_t> ticks_before;
  for (const ProcSample& s : before) {
    ticks_before[s.pid] = s.cpu_ticks;
  }
  std::vector<CpuConsumer> consumers;
  if (elapsed_s <= 0 || ticks_per_second <= 0) {
    return consumers;
  }
  for (const ProcSample& s : after) {
    if (exclude.count(s.pid) > 0 || exclude.count(s.ppid) > 0) {
      continue;
    }
    const auto it = ticks_before.find(s.pid);
    if (it == ticks_before.end() || s.cpu_ticks < it->second) {
      continue; // new or reused pid: no rate to compute
    }
    const double seconds = static_cast<double>(s.cpu_ticks - it->second) / static_cast<double>(ticks_per_second);
    const double percent = 100.0 * seconds / elapsed_s;
    if (percent > min_percent) {
      consumers.push_back({s.pid, s.name, percent});
    }
  }
  std::sort(consumers.begin(), consumers.end(),
            [](const CpuConsumer& a, const CpuConsumer& b) { return a.cpu_percent > b.cpu_percent; });
  if (consumers.size() > limit) {
    consumers.resize(limit);
  }
  return consumers;
}

std::optional<double> parse_gpu_temperatures(std::string_view text) {
  std::optional<double> hottest;
  for (const std::string& line : util::split(text, '\n')) {
    if (const auto value = util::parse_number(line)) {
      hottest = hottest ? std::max(*hottest, *value) : *value;
    }
  }
  return hottest;
}

std::optional<double> probe_gpu_temperature() {
  auto sample = gpu::open_best_source()->sample();
  return sample ? sample->temperature_c : std::nullopt;
}

std::vector<std::string> evaluate_prechecks(const SystemSnapshot& snapshot, const PrecheckLimits& limits) {
  std::vector<std::string> warnings;
  if (snapshot.load && snapshot.cores > 0 &&
      snapshot.load->one > limits.load_per_core * static_cast<double>(snapshot.cores)) {
    warnings.push_back(fmt::format("load average {:.2f} {:.2f} {:.2f} on {} cores: other work will slow the runs "
                                   "and widen their spread",
                                   snapshot.load->one, snapshot.load->five, snapshot.load->fifteen, snapshot.cores));
  }
  if (!snapshot.consumers.empty()) {
    std::vector<std::string> named;
    for (const CpuConsumer& c : snapshot.consumers) {
      named.push_back(fmt::format("{} (pid {}, {:.0f}% CPU)", c.name, c.pid, c.cpu_percent));
    }
    warnings.push_back("other processes are using the CPU: " + util::join(named, ", "));
  }
  if (snapshot.memory_available_bytes && snapshot.memory_total_bytes && *snapshot.memory_total_bytes > 0) {
    const double fraction =
        static_cast<double>(*snapshot.memory_available_bytes) / static_cast<double>(*snapshot.memory_total_bytes);
    if (fraction < limits.min_available_fraction || *snapshot.memory_available_bytes < limits.min_available_bytes) {
      warnings.push_back(fmt::format("only {} of {} memory available ({:.0f}%): swapping or the page cache would "
                                     "distort the runs",
                                     util::format_bytes(static_cast<double>(*snapshot.memory_available_bytes)),
                                     util::format_bytes(static_cast<double>(*snapshot.memory_total_bytes)),
                                     100.0 * fraction));
    }
  }
  if (snapshot.gpu_temperature_c && *snapshot.gpu_temperature_c > limits.max_gpu_temperature_c) {
    warnings.push_back(fmt::format("GPU at {:.0f} °C (above {:.0f} °C): a warm GPU throttles; wait for it to cool",
                                   *snapshot.gpu_temperature_c, limits.max_gpu_temperature_c));
  }
  return warnings;
}

SystemSnapshot take_system_snapshot(const SnapshotOptions& options) {
  SystemSnapshot snapshot;
  snapshot.load = parse_loadavg(util::read_text_file("/proc/loadavg").value_or(""));
  const long cores = ::sysconf(_SC_NPROCESSORS_ONLN);
  snapshot.cores = cores > 0 ? static_cast<int>(cores) : 0;
  const std::string meminfo = util::read_text_file("/proc/meminfo").value_or("");
  snapshot.memory_total_bytes = parse_meminfo_bytes(meminfo, "MemTotal");
  snapshot.memory_available_bytes = parse_meminfo_bytes(meminfo, "MemAvailable");

  std::set<int> exclude = options.exclude_pids;
  exclude.insert(static_cast<int>(::getpid()));
  const auto started = std::chrono::steady_clock::now();
  const auto before = measure::read_all_proc_stats();
  std::this_thread::sleep_for(options.sample_interval);
  const auto after = measure::read_all_proc_stats();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  snapshot.consumers = top_cpu_consumers(before, after, elapsed, measure::ticks_per_second(), exclude,
                                         options.consumer_percent, options.max_consumers);
  if (options.gpu_temperature) {
    snapshot.gpu_temperature_c = options.gpu_temperature();
  }
  return snapshot;
}

} // namespace zkbench::project
