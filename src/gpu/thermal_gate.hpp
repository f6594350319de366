#pragma once
// The thermal gate (seed 000, "Cooldown Between Proofs"): before each run, wait until the GPU is below
// `max_start_temp_c` and at least `cooldown_s` have passed since the previous run ended, so runs start
// from the same thermal state. The run loop does:
//
//   gpu::SystemGateClock clock;
//   gpu::ThermalGate gate(source.get(), clock, gpu::zkvm_thermal_policy());
//   for each run: gate.wait_until_ready(print_what_we_wait_for); run; gate.mark_run_finished();
//
// Also: first-run timeouts by GPU model (seed 000, "Proof Timeouts by GPU") for when no baseline exists.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "gpu/telemetry.hpp"
#include "util/wait_clock.hpp"

namespace zkbench::gpu {

/// Time as the gate sees it (util/wait_clock.hpp, shared with the contention gate); tests use a fake.
using GateClock = util::WaitClock;
using SystemGateClock = util::SystemWaitClock;

struct ThermalPolicy {
  std::optional<double> max_start_temp_c; // nullopt: no temperature condition
  double cooldown_s = 0;                  // since the previous run ended (none before the first run)
  double poll_interval_s = 5;             // how often to re-read while waiting
  double max_wait_s = 1800;               // then give up waiting and run anyway (noted in the result)
  /// Polled at least every k_stop_poll_s while waiting (Ctrl-C: measure::interrupt_requested); when it
  /// returns true the wait ends at once with GateResult::stopped. Empty: the wait is never cut short.
  std::function<bool()> stop_requested;
};

/// The longest single sleep of a gate with a stop predicate: how soon a stop request is seen.
inline constexpr double k_stop_poll_s = 0.05;

/// The zkvm preset: below 50 °C, at least 120 s between runs (seed 000).
ThermalPolicy zkvm_thermal_policy();

/// What the gate is waiting for, passed to the callback at each poll.
struct GateWait {
  std::optional<double> temperature_c; // nullopt when it cannot be read
  std::optional<double> limit_c;
  double cooldown_left_s = 0;
  double waited_s = 0;
  bool too_hot() const { return temperature_c && limit_c && *temperature_c >= *limit_c; }
  /// "GPU at 63 °C (needs < 50 °C), cooldown 45 s left" (only the conditions not yet met)
  std::string conditions() const;
  /// "waiting: " + conditions()
  std::string describe() const;
};

struct GateResult {
  double waited_s = 0;
  std::optional<double> start_temperature_c; // the reading that let the run start
  bool gave_up = false;                      // max_wait_s passed; the run starts anyway
  bool stopped = false;                      // policy.stop_requested said stop while waiting
  std::string note;                          // why the temperature was not used, or why it gave up
};

class ThermalGate {
public:
  /// `source` may be null (no GPU): only the cooldown applies.
  ThermalGate(TelemetrySource* source, GateClock& clock, ThermalPolicy policy);

  /// Blocks until both conditions hold (or max_wait_s passed, or the policy's stop_requested says
  /// stop); calls `on_wait` before each pause.
  /// An unreadable temperature is not a reason to wait forever: the temperature condition is dropped
  /// for this call and the result's note says why.
  GateResult wait_until_ready(const std::function<void(const GateWait&)>& on_wait = {});
  /// Records that a run ended now (the cooldown counts from here).
  void mark_run_finished();

private:
  TelemetrySource* m_source;
  GateClock& m_clock;
  ThermalPolicy m_policy;
  std::optional<double> m_last_run_end_s;
};

/// Seed 000's table of typical proof times on a GPU model (ZisK-era figures).
struct ProofTimeEstimate {
  std::string model; // "RTX 3090", "RTX 4090", "RTX 5090", "A100", "H100"
  double typical_s = 0;
  double low_s = 0;
  double high_s = 0;
};

/// The row for `gpu_name` as NVML/nvidia-smi spell it ("NVIDIA GeForce RTX 4090", "NVIDIA A100-SXM4-
/// 80GB", "NVIDIA H100 80GB HBM3"); nullopt for models the table does not list.
std::optional<ProofTimeEstimate> expected_proof_time(std::string_view gpu_name);

/// A first-run timeout when no baseline exists: typical time × `multiplier` (the table uses 1.10; the
/// zkvm policy uses 1.15). nullopt for unknown models.
std::optional<double> first_run_timeout_s(std::string_view gpu_name, double multiplier = 1.10);

} // namespace zkbench::gpu
