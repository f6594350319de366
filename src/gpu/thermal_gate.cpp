#include "gpu/thermal_gate.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>

namespace zkbench::gpu {

ThermalPolicy zkvm_thermal_policy() {
  ThermalPolicy policy;
  policy.max_start_temp_c = 50;
  policy.cooldown_s = 120;
  return policy;
}

std::string GateWait::conditions() const {
  std::string text;
  if (too_hot()) {
    text += fmt::format("GPU at {:g} °C (needs < {:g} °C)", *temperature_c, *limit_c);
  }
  if (cooldown_left_s > 0) {
    // Whole seconds for the minutes-long GPU cooldowns; a decimal for short ones, so "0 s left" never shows.
    const std::string left = cooldown_left_s >= 10 ? fmt::format("{:.0f}", cooldown_left_s)
                                                   : fmt::format("{:.1f}", cooldown_left_s);
    text += fmt::format("{}cooldown {} s left", text.empty() ? "" : ", ", left);
  }
  return text;
}

std::string GateWait::describe() const {
  return "waiting: " + conditions();
}

ThermalGate::ThermalGate(TelemetrySource* source, GateClock& clock, ThermalPolicy policy)
    : m_source(source), m_clock(clock), m_policy(policy) {}

void ThermalGate::mark_run_finished() {
  m_last_run_end_s = m_clock.now_s();
}

GateResult ThermalGate::wait_until_ready(const std::function<void(const GateWait&)>& on_wait) {
  GateResult result;
  const double begin = m_clock.now_s();
  bool use_temperature = m_policy.max_start_temp_c.has_value() && m_source != nullptr;
  const auto stop = [this, &result] {
    result.stopped = m_policy.stop_requested && m_policy.stop_requested();
    return result.stopped;
  };
  while (!stop()) {
    GateWait wait;
    const double now = m_clock.now_s();
    wait.waited_s = now - begin;
    if (m_last_run_end_s) {
      wait.cooldown_left_s = std::max(0.0, m_policy.cooldown_s - (now - *m_last_run_end_s));
    }
    if (use_temperature) {
      auto sample = m_source->sample();
      if (sample && sample->temperature_c) {
        wait.temperature_c = sample->temperature_c;
        wait.limit_c = m_policy.max_start_temp_c;
      } else {
        use_temperature = false;
        result.note = "temperature not checked: " +
                      (sample ? std::string("the GPU does not report it") : sample.error().message);
      }
    }
    result.start_temperature_c = wait.temperature_c;
    result.waited_s = wait.waited_s;
    if (!wait.too_hot() && wait.cooldown_left_s <= 0) {
      return result;
    }
    if (wait.waited_s >= m_policy.max_wait_s) {
      result.gave_up = true;
      result.note = fmt::format("gave up waiting after {:.0f} s: {}", wait.waited_s, wait.conditions());
      return result;
    }
    if (on_wait) {
      on_wait(wait);
    }
    // Sleep no longer than needed when only the cooldown is left, and never past max_wait_s.
    double pause = wait.too_hot() ? m_policy.poll_interval_s
                                  : std::min(m_policy.poll_interval_s, wait.cooldown_left_s);
    pause = std::max(std::min(pause, m_policy.max_wait_s - wait.waited_s), 0.001);
    if (!m_policy.stop_requested) {
      m_clock.sleep_for(pause);
      continue;
    }
    // In slices, so that a stop request ends the wait within k_stop_poll_s.
    for (const double until = m_clock.now_s() + pause; !stop() && m_clock.now_s() < until;) {
      m_clock.sleep_for(std::min(k_stop_poll_s, std::max(until - m_clock.now_s(), 0.001)));
    }
  }
  result.note = "stopped while waiting for the GPU";
  return result;
}

namespace {

const std::array<ProofTimeEstimate, 5> k_table = {{
    {"RTX 3090", 300, 180, 480},
    {"RTX 4090", 120, 60, 240},
    {"RTX 5090", 60, 30, 120},
    {"A100", 90, 60, 180},
    {"H100", 30, 20, 60},
}};

} // namespace

std::optional<ProofTimeEstimate> expected_proof_time(std::string_view gpu_name) {
  for (const ProofTimeEstimate& row : k_table) {
    const std::string_view model = row.model;
    for (std::size_t at = gpu_name.find(model); at != std::string_view::npos;
         at = gpu_name.find(model, at + 1)) {
      // "H100" must not match inside a longer model number, nor "A100" inside "RTXA1000".
      const std::size_t end = at + model.size();
      const bool digit_after =
          end < gpu_name.size() && std::isdigit(static_cast<unsigned char>(gpu_name[end]));
      const bool alnum_before =
          at > 0 && std::isalnum(static_cast<unsigned char>(gpu_name[at - 1]));
      if (!digit_after && !alnum_before) {
        return row;
      }
    }
  }
  return std::nullopt;
}

std::optional<double> first_run_timeout_s(std::string_view gpu_name, double multiplier) {
  const auto row = expected_proof_time(gpu_name);
  if (!row) {
    return std::nullopt;
  }
  return row->typical_s * multiplier;
}

} // namespace zkbench::gpu
