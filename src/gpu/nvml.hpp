#pragma once
// NVML loaded at run time with dlopen, so zkbench builds and runs on machines without the NVIDIA
// driver. The few declarations NVML needs are written in nvml.cpp (from nvml.h, API version 13); the
// symbol names are those exported by libnvidia-ml.so.1 590.48 (fixture nvidia/…h100…txt, "nvml-symbols").

#include <memory>
#include <string>

#include "gpu/telemetry.hpp"
#include "util/error.hpp"

namespace zkbench::gpu {

/// Loads `library` (a dlopen name or a path), initialises NVML and opens device `device_index`.
/// Errors (never a crash): the library is absent, a required symbol is missing, nvmlInit fails
/// (no driver loaded), there is no device with that index. The message says which, e.g.
/// "NVML: cannot load libnvidia-ml.so.1: libnvidia-ml.so.1: cannot open shared object file…".
/// Figures a device does not support (NVML_ERROR_NOT_SUPPORTED) read as nullopt in its samples.
/// The source calls nvmlShutdown and dlclose when destroyed.
Result<std::unique_ptr<TelemetrySource>> open_nvml(const std::string& library, int device_index = 0);

/// "13.1" from nvmlSystemGetCudaDriverVersion's integer (1000 * major + 10 * minor, e.g. 13010).
std::string format_cuda_driver_version(int version);

} // namespace zkbench::gpu
