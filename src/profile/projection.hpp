#pragma once
// Projections (seed 003): what a set of hypotheses should save, computed from a baseline profile, and
// how that compares with what an experiment measured. Pure: the YAML is given as text.
//
// A hypothesis targets functions with an expected reduction: a fraction of the function's figures
// (`reduction: 0.8` or a range `[0.3, 0.5]`) or steps saved per call (`steps_per_call: 600`, × calls).
// Hypotheses are applied in attack order (`order`, then file order). The same function targeted twice is
// never saved beyond what is left of it: a later fraction applies to what remains.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "profile/profile.hpp"
#include "util/error.hpp"

namespace zkbench::profile {

/// A low..high pair (equal when the hypothesis gives one number).
struct Range {
  double low = 0;
  double high = 0;
};

struct TargetSpec {
  std::string function;               // as the user wrote it: full, truncated or a unique part of a name
  std::optional<Range> reduction;     // fraction 0..1 of the function's steps and cost
  std::optional<Range> steps_per_call; // steps saved per call
};

struct Hypothesis {
  std::string name;
  std::vector<TargetSpec> targets;
  int order = 0;                      // attack order; ties keep file order
};

/// Reads `[{name, order, targets: [{function, reduction | steps_per_call}]}]` (or `{hypotheses: [...]}`).
/// Errors name `origin` and the entry: missing name/targets/function, both or neither of reduction and
/// steps_per_call, a reduction outside 0..1, negative steps_per_call, YAML syntax errors (with line).
Result<std::vector<Hypothesis>> parse_hypotheses_yaml(std::string_view text, std::string_view origin);

struct TargetProjection {
  std::string requested;              // TargetSpec::function
  std::string function;               // the baseline function it resolved to; empty when not found
  Range steps_saved;
  std::optional<Range> cost_saved;    // absent when the function has no cost figure
  std::string note;                   // how it was resolved / why nothing is saved
};

struct HypothesisProjection {
  std::string name;
  int order = 0;
  std::vector<TargetProjection> targets;
  Range steps_saved;
  std::optional<Range> cost_saved;
  std::optional<Range> steps_share;   // steps_saved / baseline total steps
  std::optional<Range> cost_share;
  Range cumulative_steps_saved;       // this and every earlier hypothesis
  std::optional<Range> cumulative_steps_after; // baseline total minus the cumulative saving
  std::optional<Range> cumulative_share;
};

struct Projection {
  std::optional<std::uint64_t> baseline_steps;
  std::optional<std::uint64_t> baseline_cost;
  std::vector<HypothesisProjection> rows; // attack order
  std::vector<std::string> notes;
};

/// Projects `hypotheses` onto `baseline`. Targets are resolved like profile diff (exact, truncated,
/// normalised), then by unique substring; an unresolved target saves nothing and says so.
Projection project(const Profile& baseline, const std::vector<Hypothesis>& hypotheses);

/// One line of the projected-versus-measured table.
struct GapRow {
  std::string label;                  // a target function, or "TOTAL"
  Range projected_delta;              // negative = fewer steps (low is the larger saving)
  std::optional<double> actual_delta; // measured change of steps; nullopt when not in the actual profile
  std::optional<Range> projected_share;
  std::optional<double> actual_share;
  std::string assessment;             // "AS PROJECTED", "SHORTFALL (31% of projected)", "OPPOSITE: …", …
};

/// Sets the projection beside the measured change from `baseline` to `actual`: one row per resolved
/// target function and a TOTAL row (all hypotheses together against the total change).
std::vector<GapRow> compare_with_actual(const Projection& projection, const Profile& baseline, const Profile& actual);

} // namespace zkbench::profile
