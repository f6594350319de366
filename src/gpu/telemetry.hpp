#pragma once
// GPU telemetry behind one interface. Three sources: NVML (libnvidia-ml.so.1 loaded at run time),
// `nvidia-smi` (parsed CSV), and "none" (no NVIDIA GPU or driver: every read says why, nothing crashes).
// The run loop uses `open_best_source()` once, then a `Sampler` (sampler.hpp) around each run and a
// `ThermalGate` (thermal_gate.hpp) before each run.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "measure/contention.hpp"
#include "util/error.hpp"

namespace zkbench::gpu {

/// Static facts about one GPU and its driver. Empty strings / nullopt: the source did not report it.
struct GpuInfo {
  int index = 0;
  std::string name;                 // "NVIDIA H100 80GB HBM3"
  std::string driver_version;       // "590.48.01"
  std::string cuda_version;         // "13.1" (the highest CUDA version the driver supports)
  std::string compute_capability;   // "9.0"; sm_XX is this without the dot ("sm_90")
  std::optional<double> memory_total_bytes;
};

/// One reading. Every figure is optional: "[N/A]" / "[Not Supported]" / an NVML error -> nullopt.
struct GpuSample {
  double time_s = 0;                          // steady-clock seconds when taken (set by the reader)
  std::optional<double> temperature_c;
  std::optional<double> utilization_pct;      // GPU (SM) utilization over the driver's last period
  std::optional<double> memory_used_bytes;
  std::optional<double> power_w;
  std::optional<double> sm_clock_mhz;
  std::optional<double> total_energy_mj;      // NVML's counter since the driver loaded (millijoules)
  std::optional<std::uint64_t> clock_event_reasons; // NVML clocks event (throttle) reason bitmask
};

/// NVML's clocks event reason bits (nvml.h `nvmlClocksEventReason*`, formerly ClocksThrottleReason*).
namespace reason {
inline constexpr std::uint64_t gpu_idle = 0x1;
inline constexpr std::uint64_t applications_clocks_setting = 0x2;
inline constexpr std::uint64_t sw_power_cap = 0x4;
inline constexpr std::uint64_t hw_slowdown = 0x8;
inline constexpr std::uint64_t sync_boost = 0x10;
inline constexpr std::uint64_t sw_thermal_slowdown = 0x20;
inline constexpr std::uint64_t hw_thermal_slowdown = 0x40;
inline constexpr std::uint64_t hw_power_brake_slowdown = 0x80;
inline constexpr std::uint64_t display_clock_setting = 0x100;
/// The reasons that mean "slowed down by power or heat"; idle, sync boost and clock settings are not.
inline constexpr std::uint64_t throttling = sw_power_cap | hw_slowdown | sw_thermal_slowdown |
                                            hw_thermal_slowdown | hw_power_brake_slowdown;
} // namespace reason

/// Names of the set bits, in bit order ("sw_power_cap", "hw_slowdown", "sw_thermal_slowdown", …);
/// unknown bits appear as "0x…".
std::vector<std::string> decode_clock_event_reasons(std::uint64_t mask);

/// "8.6" -> "sm_86", "12.0" -> "sm_120" (the CUDA_ARCH a prover must be built for); "" when the text
/// is not major.minor.
std::string sm_architecture(std::string_view compute_capability);

enum class SourceKind { nvml, nvidia_smi, none };
const char* to_string(SourceKind kind);

/// A reader of one GPU's telemetry. Implementations are not thread-safe; the Sampler reads from one
/// thread at a time.
class TelemetrySource {
public:
  virtual ~TelemetrySource() = default;
  virtual SourceKind kind() const = 0;
  /// The GPU this source reads. Errors: no GPU / the tool failed (message says which and why).
  virtual Result<GpuInfo> info() = 0;
  /// One reading now (time_s left for the caller to set). Errors as for info().
  virtual Result<GpuSample> sample() = 0;
  /// The compute processes on this GPU now (pid; name from /proc when the tool gives none). Errors as
  /// for info(); a source that cannot list them returns an empty list.
  virtual Result<std::vector<measure::GpuProcess>> compute_processes() { return std::vector<measure::GpuProcess>{}; }
};

/// Where to look for each source; the defaults are what users have. Tests point them elsewhere.
struct SourceOptions {
  /// dlopen name or path of NVML. Default: $ZKBENCH_NVML_LIBRARY if set, else "libnvidia-ml.so.1".
  std::string nvml_library;
  /// nvidia-smi program (looked up on PATH). Default: "nvidia-smi".
  std::string nvidia_smi = "nvidia-smi";
  double nvidia_smi_timeout_s = 10;
  int device_index = 0;
};

/// The "none" source: every read fails with `why` (e.g. "NVML: …; nvidia-smi: not found on PATH").
class NoneSource final : public TelemetrySource {
public:
  explicit NoneSource(std::string why) : m_why(std::move(why)) {}
  SourceKind kind() const override { return SourceKind::none; }
  Result<GpuInfo> info() override { return make_error(m_why); }
  Result<GpuSample> sample() override { return make_error(m_why); }
  const std::string& why() const { return m_why; }

private:
  std::string m_why;
};

/// NVML first (library loads, initialises, has the device), then nvidia-smi when it is on PATH and
/// reports the device, else a NoneSource saying why each failed. Never null, never throws.
std::unique_ptr<TelemetrySource> open_best_source(const SourceOptions& options = {});

/// The contention gate's reader of foreign GPU work: open_best_source() at the first call, then its
/// compute_processes() at each call (empty without a GPU or when the list cannot be read).
std::function<std::vector<measure::GpuProcess>()> compute_process_reader();

/// `nvidia-smi --query-compute-apps=pid,process_name --format=csv,noheader` output: one process a line.
/// Lines that do not start with a pid are skipped ("No running processes found").
std::vector<measure::GpuProcess> parse_compute_apps(std::string_view text);

} // namespace zkbench::gpu
