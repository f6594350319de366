#include "gpu/describe.hpp"

#include <fmt/format.h>

#include "util/strings.hpp"

namespace zkbench::gpu {

namespace {

std::string figure(const std::optional<double>& value, const char* format) {
  return value ? fmt::format(fmt::runtime(format), *value) : std::string("-");
}

} // namespace

std::string describe_info(const GpuInfo& info) {
  std::vector<std::string> parts;
  if (!info.driver_version.empty()) {
    parts.push_back("driver " + info.driver_version);
  }
  if (!info.cuda_version.empty()) {
    parts.push_back("CUDA " + info.cuda_version);
  }
  if (!info.compute_capability.empty()) {
    const std::string sm = sm_architecture(info.compute_capability);
    parts.push_back(sm.empty() ? "compute capability " + info.compute_capability
                               : fmt::format("compute capability {} ({})", info.compute_capability, sm));
  }
  if (info.memory_total_bytes) {
    parts.push_back(util::format_bytes(*info.memory_total_bytes));
  }
  return util::join(parts, ", ");
}

std::string describe_clock_events(std::uint64_t mask) {
  if (mask == 0) {
    return "none";
  }
  std::vector<std::string> names = decode_clock_event_reasons(mask);
  const std::vector<std::string> throttling = decode_clock_event_reasons(mask & reason::throttling);
  for (std::string& name : names) {
    for (const std::string& t : throttling) {
      if (name == t) {
        name += " (throttling)";
      }
    }
  }
  return util::join(names, ", ");
}

std::string describe_sample(const GpuSample& sample) {
  const std::string memory =
      sample.memory_used_bytes ? util::format_bytes(*sample.memory_used_bytes) : std::string("-");
  const std::string clocks =
      sample.clock_event_reasons ? describe_clock_events(*sample.clock_event_reasons) : "-";
  return fmt::format("{} °C  {} %  {}  {} W  {} MHz  clocks: {}",
                     figure(sample.temperature_c, "{:g}"), figure(sample.utilization_pct, "{:g}"),
                     memory, figure(sample.power_w, "{:.2f}"), figure(sample.sm_clock_mhz, "{:g}"),
                     clocks);
}

} // namespace zkbench::gpu
