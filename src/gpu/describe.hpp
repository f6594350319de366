#pragma once
// Text for people about a GPU and a reading (used by `zkbench gpu` and `zkbench doctor`). Returns
// strings; printing is the caller's business.

#include <string>

#include "gpu/telemetry.hpp"

namespace zkbench::gpu {

/// "driver 590.48.01, CUDA 13.1, compute capability 9.0 (sm_90), 79.6 GiB" (parts left out when
/// unknown).
std::string describe_info(const GpuInfo& info);

/// One line: "59 °C  100 %  19.4 GiB  631.95 W  1980 MHz  clocks: none" ("-" for a missing figure;
/// clock events decoded, "none" when no reason is active).
std::string describe_sample(const GpuSample& sample);

/// "none", or the decoded reasons joined by ", " with "(throttling)" after throttling ones.
std::string describe_clock_events(std::uint64_t mask);

} // namespace zkbench::gpu
