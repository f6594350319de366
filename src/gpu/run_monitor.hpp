#pragma once
// The run loop's RunMonitor for GPU machines: the thermal gate before each measured run, and GPU telemetry
// sampled in a thread during it (NVML, else nvidia-smi). Without a GPU only the cooldown applies and runs
// carry no GPU figures.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "gpu/sampler.hpp"
#include "gpu/telemetry.hpp"
#include "gpu/thermal_gate.hpp"
#include "measure/run_loop.hpp"

namespace zkbench::gpu {

class GpuRunMonitor final : public measure::RunMonitor {
public:
  /// `source` from open_best_source() (a NoneSource when there is no GPU). `say` shows what the gate
  /// waits for (one line each time it re-reads the temperature).
  GpuRunMonitor(std::unique_ptr<TelemetrySource> source, ThermalPolicy policy,
                std::function<void(const std::string&)> say);

  void before_run(const std::function<bool()>& stop_requested) override;
  std::optional<core::GpuRunStats> after_run() override;

  /// "GPU: NVIDIA H100 80GB HBM3 (NVML)" or "GPU: none (…why…)", for the start of a benchmark.
  std::string describe();
  /// Replaces where the gate's waiting lines go (the workflow's progress, a terminal).
  void set_say(std::function<void(const std::string&)> say) { m_say = std::move(say); }

private:
  bool has_gpu() const { return m_source->kind() != SourceKind::none; }
  bool gated() const { return m_policy.max_start_temp_c.has_value() || m_policy.cooldown_s > 0; }

  std::unique_ptr<TelemetrySource> m_source;
  ThermalPolicy m_policy;
  SystemGateClock m_clock;
  ThermalGate m_gate;
  Sampler m_sampler;
  std::function<void(const std::string&)> m_say;
};

} // namespace zkbench::gpu
