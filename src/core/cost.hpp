#pragma once
// What a verdict cost (issue 19): the runs measured on each side, their wall time, and on a GPU the seconds
// the runs held it and the energy they used; beside it, the runs a fixed design (the configured runs per
// side on every side) would have measured. The sequential rule exists to save runs: this says how many.

#include <cstddef>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "core/run.hpp"

namespace zkbench::core {

struct VerdictCost {
  std::size_t baseline_runs = 0;  // measured runs (warmups aside) of the baseline side, every input
  std::size_t candidate_runs = 0; // ... of the candidate side
  double wall_s = 0;              // the measured runs' wall time, both sides
  std::size_t gpu_runs = 0;       // runs measured with GPU telemetry
  double gpu_s = 0;               // their wall time: the GPU-seconds the verdict took
  double energy_j = 0;            // their energy, from the telemetry
  std::size_t fixed_runs = 0;     // what a fixed design would have measured (0: not known)

  /// Adds a measured side; `fixed_per_side`: the runs a fixed design measures on it.
  void add(const Benchmark& side, bool baseline, std::size_t fixed_per_side);
  /// Adds another verdict's cost (a project's totals).
  void add(const VerdictCost& other);
  std::size_t runs() const { return baseline_runs + candidate_runs; }
  /// "24 runs (12 baseline + 12 candidate), 3.4 s of runs; GPU 3.1 s, 812 J; a fixed design: 40 runs"
  /// (the GPU part only with telemetry, the fixed part only when known).
  std::string describe() const;
};

/// {"runs", "baseline_runs", "candidate_runs", "wall_s", "gpu_runs", "gpu_s", "energy_j", "fixed_runs"}:
/// results.json's "cost" and `ab --json`'s.
void to_json(nlohmann::ordered_json& out, const VerdictCost& cost);
/// The reverse of to_json, lenient: a missing or mistyped figure reads as 0.
VerdictCost cost_from_json(const nlohmann::json& cost);

} // namespace zkbench::core
