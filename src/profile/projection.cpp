#include "profile/projection.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "profile/diff.hpp"
#include "profile/format.hpp"
#include "profile/names.hpp"

namespace zkbench::profile {

namespace {

// ---- YAML ------------------------------------------------------------------------------------------

Result<Range> read_range(const YAML::Node& node, std::string_view where) {
  try {
    if (node.IsSequence() && node.size() == 2) {
      Range r{node[0].as<double>(), node[1].as<double>()};
      if (r.low > r.high) {
        std::swap(r.low, r.high);
      }
      return r;
    }
    const double value = node.as<double>();
    return Range{value, value};
  } catch (const YAML::Exception&) {
    return make_error(fmt::format("{}: expected a number or [low, high]", where));
  }
}

Result<TargetSpec> read_target(const YAML::Node& node, const std::string& where) {
  if (!node.IsMap() || !node["function"]) {
    return make_error(fmt::format("{}: a target needs 'function'", where));
  }
  TargetSpec spec;
  spec.function = node["function"].as<std::string>();
  const bool has_reduction = static_cast<bool>(node["reduction"]);
  const bool has_per_call = static_cast<bool>(node["steps_per_call"]);
  if (has_reduction == has_per_call) {
    return make_error(fmt::format("{} ('{}'): give exactly one of 'reduction' and 'steps_per_call'", where,
                                  spec.function));
  }
  if (has_reduction) {
    ZKBENCH_TRY_ASSIGN(range, read_range(node["reduction"], where + ".reduction"));
    if (range->low < 0 || range->high > 1) {
      return make_error(fmt::format("{} ('{}'): reduction must be a fraction between 0 and 1", where, spec.function));
    }
    spec.reduction = *range;
  } else {
    ZKBENCH_TRY_ASSIGN(range, read_range(node["steps_per_call"], where + ".steps_per_call"));
    if (range->low < 0) {
      return make_error(fmt::format("{} ('{}'): steps_per_call must not be negative", where, spec.function));
    }
    spec.steps_per_call = *range;
  }
  return spec;
}

// ---- resolving a target name -------------------------------------------------------------------------

struct Resolved {
  const FunctionProfile* function = nullptr;
  std::string how;
};

const FunctionProfile* largest(const std::vector<const FunctionProfile*>& candidates) {
  return *std::max_element(candidates.begin(), candidates.end(), [](const auto* a, const auto* b) {
    return a->best(Metric::steps).value_or(0) < b->best(Metric::steps).value_or(0);
  });
}

Resolved resolve(const Profile& profile, const std::string& wanted) {
  const std::string wanted_norm = normalize_function_name(wanted);
  using Test = bool (*)(const FunctionProfile&, const std::string&, const std::string&);
  const std::array<std::pair<const char*, Test>, 4> passes = {{
      {"exact", [](const FunctionProfile& f, const std::string& w, const std::string&) { return f.name == w; }},
      {"truncated",
       [](const FunctionProfile& f, const std::string& w, const std::string&) {
         return is_truncation_of(f.name, w) || is_truncation_of(w, f.name);
       }},
      {"normalized",
       [](const FunctionProfile& f, const std::string&, const std::string& wn) {
         return !wn.empty() && normalize_function_name(f.name) == wn;
       }},
      {"part of the name",
       [](const FunctionProfile& f, const std::string& w, const std::string&) {
         return f.name.find(w) != std::string::npos;
       }},
  }};
  for (const auto& [how, test] : passes) {
    std::vector<const FunctionProfile*> candidates;
    for (const FunctionProfile& f : profile.functions) {
      if (test(f, wanted, wanted_norm)) {
        candidates.push_back(&f);
      }
    }
    if (candidates.empty()) {
      continue;
    }
    Resolved r{largest(candidates), fmt::format("{} match", how)};
    if (candidates.size() > 1) {
      r.how += fmt::format("; {} functions matched, used the largest", candidates.size());
    }
    return r;
  }
  return Resolved{nullptr, "not found in the baseline profile; nothing projected"};
}

// ---- arithmetic on ranges --------------------------------------------------------------------------

Range operator+(Range a, Range b) {
  return Range{a.low + b.low, a.high + b.high};
}

std::optional<Range> share_of(Range value, std::optional<std::uint64_t> total) {
  if (!total || *total == 0) {
    return std::nullopt;
  }
  const auto t = static_cast<double>(*total);
  return Range{value.low / t, value.high / t};
}

// What is left of each targeted function (per scenario), so overlapping hypotheses never save more
// than the function has.
struct Remaining {
  Range steps;
  std::optional<Range> cost;
};

TargetProjection project_target(const Profile& baseline, const TargetSpec& spec,
                                std::map<const FunctionProfile*, Remaining>& remaining) {
  TargetProjection out;
  out.requested = spec.function;
  const Resolved resolved = resolve(baseline, spec.function);
  out.note = resolved.how;
  if (resolved.function == nullptr) {
    return out;
  }
  const FunctionProfile& f = *resolved.function;
  out.function = f.name;
  const auto steps = f.best(Metric::steps);
  const auto cost = f.best(Metric::cost);
  if (!remaining.count(&f)) {
    const double s = static_cast<double>(steps.value_or(0));
    Remaining initial{Range{s, s}, std::nullopt};
    if (cost) {
      const auto c = static_cast<double>(*cost);
      initial.cost = Range{c, c};
    }
    remaining.emplace(&f, initial);
  }
  Remaining& left = remaining.at(&f);
  Range saved_steps;
  std::optional<Range> saved_cost;
  if (spec.reduction) {
    saved_steps = Range{left.steps.low * spec.reduction->low, left.steps.high * spec.reduction->high};
    if (left.cost) {
      saved_cost = Range{left.cost->low * spec.reduction->low, left.cost->high * spec.reduction->high};
    }
  } else {
    if (!f.calls) {
      out.note += "; the profile has no call count for it, so steps_per_call saves nothing";
      return out;
    }
    const auto calls = static_cast<double>(*f.calls);
    saved_steps = Range{std::min(left.steps.low, spec.steps_per_call->low * calls),
                        std::min(left.steps.high, spec.steps_per_call->high * calls)};
    if (left.cost && steps && *steps > 0) {
      // cost saved in proportion to the function's cost per step
      const double cost_per_step = static_cast<double>(*cost) / static_cast<double>(*steps);
      saved_cost = Range{std::min(left.cost->low, saved_steps.low * cost_per_step),
                         std::min(left.cost->high, saved_steps.high * cost_per_step)};
      out.note += "; cost estimated from the function's cost per step";
    }
  }
  left.steps = Range{left.steps.low - saved_steps.low, left.steps.high - saved_steps.high};
  if (left.cost && saved_cost) {
    left.cost = Range{left.cost->low - saved_cost->low, left.cost->high - saved_cost->high};
  }
  if (!steps) {
    out.note += "; the function has no steps figure";
  }
  out.steps_saved = saved_steps;
  out.cost_saved = saved_cost;
  return out;
}

} // namespace

Result<std::vector<Hypothesis>> parse_hypotheses_yaml(std::string_view text, std::string_view origin) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    return make_error(fmt::format("{}:{}: invalid YAML: {}", origin, e.mark.line + 1, e.msg));
  }
  if (root.IsMap() && root["hypotheses"]) {
    root = root["hypotheses"];
  }
  if (!root.IsSequence()) {
    return make_error(fmt::format("{}: expected a list of hypotheses (or 'hypotheses:' holding one)", origin));
  }
  std::vector<Hypothesis> hypotheses;
  try {
    for (std::size_t i = 0; i < root.size(); ++i) {
      const YAML::Node node = root[i];
      const std::string where = fmt::format("{}: hypothesis {}", origin, i + 1);
      if (!node.IsMap() || !node["name"] || !node["targets"] || !node["targets"].IsSequence()) {
        return make_error(fmt::format("{}: needs 'name' and a list 'targets'", where));
      }
      Hypothesis h;
      h.name = node["name"].as<std::string>();
      h.order = node["order"] ? node["order"].as<int>() : static_cast<int>(i + 1);
      for (std::size_t t = 0; t < node["targets"].size(); ++t) {
        ZKBENCH_TRY_ASSIGN(
            spec, read_target(node["targets"][t], fmt::format("{} ('{}') target {}", where, h.name, t + 1)));
        h.targets.push_back(std::move(*spec));
      }
      hypotheses.push_back(std::move(h));
    }
  } catch (const YAML::Exception& e) {
    return make_error(fmt::format("{}:{}: {}", origin, e.mark.line + 1, e.msg));
  }
  return hypotheses;
}

Projection project(const Profile& baseline, const std::vector<Hypothesis>& hypotheses) {
  Projection projection;
  projection.baseline_steps = baseline.total(Metric::steps);
  projection.baseline_cost = baseline.total(Metric::cost);
  std::vector<const Hypothesis*> ordered;
  for (const Hypothesis& h : hypotheses) {
    ordered.push_back(&h);
  }
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto* a, const auto* b) { return a->order < b->order; });

  std::map<const FunctionProfile*, Remaining> remaining;
  Range cumulative;
  for (const Hypothesis* h : ordered) {
    HypothesisProjection row;
    row.name = h->name;
    row.order = h->order;
    for (const TargetSpec& spec : h->targets) {
      TargetProjection target = project_target(baseline, spec, remaining);
      row.steps_saved = row.steps_saved + target.steps_saved;
      if (target.cost_saved) {
        row.cost_saved = row.cost_saved.value_or(Range{}) + *target.cost_saved;
      }
      row.targets.push_back(std::move(target));
    }
    row.steps_share = share_of(row.steps_saved, projection.baseline_steps);
    if (row.cost_saved) {
      row.cost_share = share_of(*row.cost_saved, projection.baseline_cost);
    }
    cumulative = cumulative + row.steps_saved;
    row.cumulative_steps_saved = cumulative;
    if (projection.baseline_steps) {
      const auto total = static_cast<double>(*projection.baseline_steps);
      row.cumulative_steps_after = Range{total - cumulative.high, total - cumulative.low};
    }
    row.cumulative_share = share_of(cumulative, projection.baseline_steps);
    projection.rows.push_back(std::move(row));
  }
  if (remaining.size() > 1 && !baseline.has(Metric::steps, Scope::exclusive)) {
    projection.notes.push_back(
        "figures are inclusive: if one targeted function calls another, their savings overlap and the "
        "cumulative projection is an upper bound");
  }
  if (!projection.baseline_steps) {
    projection.notes.push_back("the baseline profile has no total steps: shares cannot be computed");
  }
  return projection;
}

namespace {

std::string assess(Range projected, std::optional<double> actual) {
  if (!actual) {
    return "NOT MEASURED";
  }
  const double expected = (projected.low + projected.high) / 2.0; // negative = a saving
  if (expected == 0.0) {
    return *actual == 0.0 ? "AS PROJECTED" : fmt::format("UNEXPECTED CHANGE ({})",
                                                         signed_digits(static_cast<std::int64_t>(*actual)));
  }
  if (*actual == 0.0) {
    return "NO CHANGE MEASURED";
  }
  if ((*actual > 0) != (expected > 0)) {
    return expected < 0 ? "OPPOSITE: projected fewer steps, measured more"
                        : "OPPOSITE: projected more steps, measured fewer";
  }
  // Inside the projected range (with the range's ends as bounds) is as projected.
  const double lo = std::min(projected.low, projected.high);
  const double hi = std::max(projected.low, projected.high);
  const double slack = 0.1 * std::fabs(expected);
  if (*actual >= lo - slack && *actual <= hi + slack) {
    return "AS PROJECTED";
  }
  const double achieved = *actual / expected;
  if (achieved < 1.0) {
    return fmt::format("SHORTFALL ({:.0f}% of projected)", achieved * 100.0);
  }
  return fmt::format("EXCEEDED ({:.0f}% of projected)", achieved * 100.0);
}

} // namespace

std::vector<GapRow> compare_with_actual(const Projection& projection, const Profile& baseline, const Profile& actual) {
  const ProfileDiff diff = diff_profiles(baseline, actual);
  std::map<std::string, Range> per_function; // projected saving per resolved function, all hypotheses
  std::vector<std::string> order;
  for (const auto& row : projection.rows) {
    for (const auto& target : row.targets) {
      if (target.function.empty()) {
        continue;
      }
      if (!per_function.count(target.function)) {
        order.push_back(target.function);
      }
      per_function[target.function] = per_function[target.function] + target.steps_saved;
    }
  }
  const auto base_steps = baseline.total(Metric::steps);
  std::vector<GapRow> rows;
  for (const std::string& name : order) {
    const Range saved = per_function[name];
    GapRow row;
    row.label = name;
    row.projected_delta = Range{-saved.high, -saved.low};
    bool gone = false;
    for (const FunctionChange& change : diff.functions) {
      if (change.base_name == name) {
        if (change.steps.delta()) {
          row.actual_delta = static_cast<double>(*change.steps.delta());
        }
        gone = change.match == MatchKind::removed;
        break;
      }
    }
    row.projected_share = share_of(row.projected_delta, base_steps);
    if (row.actual_delta && base_steps && *base_steps > 0) {
      row.actual_share = *row.actual_delta / static_cast<double>(*base_steps);
    }
    row.assessment = gone ? "NOT IN CURRENT PROFILE (removed, renamed, inlined or below the table's cut)"
                          : assess(row.projected_delta, row.actual_delta);
    rows.push_back(std::move(row));
  }
  GapRow total;
  total.label = "TOTAL";
  const Range cumulative = projection.rows.empty() ? Range{} : projection.rows.back().cumulative_steps_saved;
  total.projected_delta = Range{-cumulative.high, -cumulative.low};
  total.projected_share = share_of(total.projected_delta, base_steps);
  if (const auto delta = diff.total_steps.delta()) {
    total.actual_delta = static_cast<double>(*delta);
    total.actual_share = diff.total_steps.relative();
  }
  total.assessment = assess(total.projected_delta, total.actual_delta);
  rows.push_back(std::move(total));
  return rows;
}

} // namespace zkbench::profile
