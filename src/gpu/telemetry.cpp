#include "gpu/telemetry.hpp"

#include <fstream>

#include <array>
#include <cctype>
#include <cstdlib>

#include <fmt/format.h>

#include "gpu/nvidia_smi.hpp"
#include "gpu/nvml.hpp"
#include "util/strings.hpp"

namespace zkbench::gpu {

std::vector<std::string> decode_clock_event_reasons(std::uint64_t mask) {
  static constexpr std::array<std::pair<std::uint64_t, const char*>, 9> k_names = {{
      {reason::gpu_idle, "gpu_idle"},
      {reason::applications_clocks_setting, "applications_clocks_setting"},
      {reason::sw_power_cap, "sw_power_cap"},
      {reason::hw_slowdown, "hw_slowdown"},
      {reason::sync_boost, "sync_boost"},
      {reason::sw_thermal_slowdown, "sw_thermal_slowdown"},
      {reason::hw_thermal_slowdown, "hw_thermal_slowdown"},
      {reason::hw_power_brake_slowdown, "hw_power_brake_slowdown"},
      {reason::display_clock_setting, "display_clock_setting"},
  }};
  std::vector<std::string> names;
  std::uint64_t known = 0;
  for (const auto& [bit, name] : k_names) {
    known |= bit;
    if ((mask & bit) != 0) {
      names.emplace_back(name);
    }
  }
  if ((mask & ~known) != 0) {
    names.push_back(fmt::format("{:#x}", mask & ~known));
  }
  return names;
}

std::string sm_architecture(std::string_view compute_capability) {
  const std::string_view cc = util::trim(compute_capability);
  const std::size_t dot = cc.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 >= cc.size()) {
    return {};
  }
  std::string digits;
  for (const char c : cc) {
    if (c == '.') {
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return {};
    }
    digits.push_back(c);
  }
  return "sm_" + digits;
}

const char* to_string(SourceKind kind) {
  switch (kind) {
  case SourceKind::nvml:
    return "NVML";
  case SourceKind::nvidia_smi:
    return "nvidia-smi";
  case SourceKind::none:
    return "none";
  }
  return "unknown";
}

std::unique_ptr<TelemetrySource> open_best_source(const SourceOptions& options) {
  std::string library = options.nvml_library;
  if (library.empty()) {
    const char* env = std::getenv("ZKBENCH_NVML_LIBRARY");
    library = env != nullptr && *env != '\0' ? env : "libnvidia-ml.so.1";
  }
  auto nvml = open_nvml(library, options.device_index);
  if (nvml) {
    return std::move(*nvml);
  }
  auto smi = open_nvidia_smi(options.nvidia_smi, options.nvidia_smi_timeout_s, options.device_index);
  if (smi) {
    return std::move(*smi);
  }
  return std::make_unique<NoneSource>(
      fmt::format("no GPU telemetry: {}; {}", nvml.error().message, smi.error().message));
}

std::function<std::vector<measure::GpuProcess>()> compute_process_reader() {
  // Opened at the first call, so that a command that never measures does not load NVML twice.
  auto source = std::make_shared<std::unique_ptr<TelemetrySource>>();
  return [source] {
    if (!*source) {
      *source = open_best_source();
    }
    if ((*source)->kind() == SourceKind::none) {
      return std::vector<measure::GpuProcess>{};
    }
    auto processes = (*source)->compute_processes();
    if (!processes) {
      return std::vector<measure::GpuProcess>{};
    }
    for (measure::GpuProcess& p : *processes) {
      if (p.name.empty()) { // NVML gives pids only
        std::ifstream comm("/proc/" + std::to_string(p.pid) + "/comm");
        std::getline(comm, p.name);
      }
    }
    return std::move(*processes);
  };
}

std::vector<measure::GpuProcess> parse_compute_apps(std::string_view text) {
  std::vector<measure::GpuProcess> processes;
  for (const std::string& line : util::split(text, '\n')) {
    const auto fields = util::split(line, ',');
    const auto pid = fields.empty() ? std::nullopt : util::parse_int(util::trim(fields[0]));
    if (!pid || *pid <= 0) {
      continue;
    }
    measure::GpuProcess p;
    p.pid = static_cast<int>(*pid);
    if (fields.size() > 1) {
      // nvidia-smi prints the full path of the executable; the gate names processes as /proc's comm does.
      const std::string path(util::trim(fields[1]));
      p.name = std::filesystem::path(path).filename().string();
    }
    processes.push_back(std::move(p));
  }
  return processes;
}

} // namespace zkbench::gpu
