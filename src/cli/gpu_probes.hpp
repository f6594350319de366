#pragma once
// The GPU telemetry (gpu/) behind workflow's probe hooks, so `zkbench env` and the pre-benchmark checks
// read the GPU through NVML first and nvidia-smi second, like `zkbench gpu` and `zkbench doctor`.

#include "workflow/environment.hpp"
#include "workflow/prechecks.hpp"

namespace zkbench::cli {

/// name, total memory, driver and CUDA version of GPU 0 through gpu::open_best_source(); nullopt
/// without a GPU.
workflow::GpuProbe telemetry_gpu_probe();

/// GPU 0's temperature through gpu::open_best_source(); nullopt without a GPU or a reading.
workflow::GpuTemperatureProbe telemetry_temperature_probe();

} // namespace zkbench::cli
