#include "gpu/run_monitor.hpp"

#include <utility>

#include <fmt/format.h>

namespace zkbench::gpu {

GpuRunMonitor::GpuRunMonitor(std::unique_ptr<TelemetrySource> source, ThermalPolicy policy,
                             std::function<void(const std::string&)> say)
    : m_source(std::move(source)), m_policy(policy),
      // Without a GPU the gate gets no source: only the cooldown applies.
      m_gate(m_source->kind() != SourceKind::none ? m_source.get() : nullptr, m_clock, m_policy),
      m_sampler(*m_source), m_say(std::move(say)) {}

void GpuRunMonitor::before_run(const std::function<bool()>& /*stop_requested*/) {
  if (gated()) {
    const GateResult result = m_gate.wait_until_ready([this](const GateWait& wait) {
      if (m_say) {
        m_say(wait.describe());
      }
    });
    if (!result.note.empty() && m_say) {
      m_say(result.note);
    }
  }
  if (has_gpu()) {
    m_sampler.start();
  }
}

std::optional<core::GpuRunStats> GpuRunMonitor::after_run() {
  std::optional<core::GpuRunStats> stats;
  if (has_gpu()) {
    stats = m_sampler.stop();
  }
  m_gate.mark_run_finished();
  return stats;
}

std::string GpuRunMonitor::describe() {
  if (!has_gpu()) {
    return "GPU: none";
  }
  auto info = m_source->info();
  if (!info) {
    return fmt::format("GPU: unreadable ({})", info.error().message);
  }
  return fmt::format("GPU: {} ({})", info->name, to_string(m_source->kind()));
}

} // namespace zkbench::gpu
