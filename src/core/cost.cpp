#include "core/cost.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/json_fields.hpp"

namespace zkbench::core {

void VerdictCost::add(const Benchmark& side, bool baseline, std::size_t fixed_per_side) {
  (baseline ? baseline_runs : candidate_runs) += side.runs.size();
  for (const Run& run : side.runs) {
    wall_s += run.wall_s;
    if (run.gpu) {
      ++gpu_runs;
      gpu_s += run.wall_s;
      energy_j += run.gpu->energy_joules;
    }
  }
  fixed_runs += fixed_per_side;
}

void VerdictCost::add(const VerdictCost& other) {
  baseline_runs += other.baseline_runs;
  candidate_runs += other.candidate_runs;
  wall_s += other.wall_s;
  gpu_runs += other.gpu_runs;
  gpu_s += other.gpu_s;
  energy_j += other.energy_j;
  fixed_runs += other.fixed_runs;
}

std::string VerdictCost::describe() const {
  std::string text = fmt::format("{} runs ({} baseline + {} candidate), {:.1f} s of runs", runs(), baseline_runs,
                                 candidate_runs, wall_s);
  if (gpu_runs > 0) {
    text += fmt::format("; GPU {:.1f} s, {:.0f} J", gpu_s, energy_j);
  }
  if (fixed_runs > 0) {
    text += fmt::format("; a fixed design: {} runs", fixed_runs);
  }
  return text;
}

void to_json(nlohmann::ordered_json& out, const VerdictCost& c) {
  out = {{"runs", c.runs()},       {"baseline_runs", c.baseline_runs}, {"candidate_runs", c.candidate_runs},
         {"wall_s", c.wall_s},     {"gpu_runs", c.gpu_runs},           {"gpu_s", c.gpu_s},
         {"energy_j", c.energy_j}, {"fixed_runs", c.fixed_runs}};
}

VerdictCost cost_from_json(const nlohmann::json& j) {
  using json_fields::count_at;
  using json_fields::number_at;
  VerdictCost c;
  c.baseline_runs = count_at(j, "baseline_runs");
  c.candidate_runs = count_at(j, "candidate_runs");
  c.wall_s = number_at(j, "wall_s").value_or(0);
  c.gpu_runs = count_at(j, "gpu_runs");
  c.gpu_s = number_at(j, "gpu_s").value_or(0);
  c.energy_j = number_at(j, "energy_j").value_or(0);
  c.fixed_runs = count_at(j, "fixed_runs");
  return c;
}

} // namespace zkbench::core
