#include "cli/gpu_probes.hpp"

#include "gpu/telemetry.hpp"

namespace zkbench::cli {

workflow::GpuProbe telemetry_gpu_probe() {
  return []() -> std::optional<workflow::GpuInfo> {
    auto source = gpu::open_best_source();
    auto info = source->info();
    if (!info) {
      return std::nullopt;
    }
    workflow::GpuInfo out;
    out.name = info->name;
    out.driver = info->driver_version;
    out.cuda = info->cuda_version;
    if (info->memory_total_bytes) {
      out.memory_bytes = static_cast<std::int64_t>(*info->memory_total_bytes);
    }
    return out;
  };
}

workflow::GpuTemperatureProbe telemetry_temperature_probe() {
  return []() -> std::optional<double> {
    auto source = gpu::open_best_source();
    auto sample = source->sample();
    return sample ? sample->temperature_c : std::nullopt;
  };
}

} // namespace zkbench::cli
