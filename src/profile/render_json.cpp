// JSON renderings for `--json` (declared in render.hpp). Absent figures are null, never 0.
#include "profile/render.hpp"

namespace zkbench::profile {

namespace {

using nlohmann::json;

json opt(const std::optional<std::uint64_t>& value) {
  return value ? json(*value) : json(nullptr);
}

json opt(const std::optional<double>& value) {
  return value ? json(*value) : json(nullptr);
}

json opt(const std::optional<std::int64_t>& value) {
  return value ? json(*value) : json(nullptr);
}

json figures(const Figures& f) {
  return json{{"steps", opt(f.steps)}, {"cost", opt(f.cost)}, {"cycles", opt(f.cycles)}};
}

json opcode(const OpcodeCost& op) {
  return json{{"name", op.name},       {"count", opt(op.count)},
              {"cost", op.cost},       {"rank", op.rank ? json(*op.rank) : json(nullptr)},
              {"hit", opt(op.hit_fraction)}, {"precompile", op.is_precompile()}};
}

json change(const Change& c) {
  return json{{"base", opt(c.base)}, {"current", opt(c.current)}, {"delta", opt(c.delta())},
              {"relative", opt(c.relative())}};
}

json range(const Range& r) {
  return json{{"low", r.low}, {"high", r.high}};
}

json opt_range(const std::optional<Range>& r) {
  return r ? range(*r) : json(nullptr);
}

} // namespace

json to_json(const Profile& p, const std::vector<TargetFinding>& targets) {
  json out;
  out["source"] = {{"kind", to_string(p.source.kind)}, {"version", p.source.version}, {"origin", p.source.origin}};
  json categories = json::array();
  for (const auto& row : p.totals.cost_distribution) {
    categories.push_back({{"name", row.name}, {"cost", row.value}, {"share", opt(p.share(row.value, Metric::cost))}});
  }
  json other = json::object();
  for (const auto& row : p.totals.other) {
    other[row.name] = row.value;
  }
  out["totals"] = {{"figures", figures(p.totals.figures)}, {"cost_distribution", categories}, {"other", other}};
  json functions = json::array();
  for (const FunctionProfile& f : p.functions) { // all of them, in source order
    json callers = json::array();
    for (const Caller& c : f.callers) {
      callers.push_back({{"name", c.name}, {"calls", opt(c.calls)}, {"figures", figures(c.figures)}});
    }
    json ops = json::array();
    for (const auto& op : f.opcodes) {
      ops.push_back(opcode(op));
    }
    functions.push_back({{"name", f.name},
                         {"inclusive", figures(f.inclusive)},
                         {"exclusive", figures(f.exclusive)},
                         {"calls", opt(f.calls)},
                         {"steps_per_call", opt(f.per_call(Metric::steps, f.inclusive.steps ? Scope::inclusive : Scope::exclusive))},
                         {"cost_per_call", opt(f.per_call(Metric::cost, f.inclusive.cost ? Scope::inclusive : Scope::exclusive))},
                         {"opcodes", ops},
                         {"callers", callers}});
  }
  out["functions"] = functions;
  json ops = json::array();
  for (const auto& op : p.opcodes) {
    ops.push_back(opcode(op));
  }
  out["opcodes"] = ops;
  json frops = json::array();
  for (const auto& op : p.frops) {
    frops.push_back(opcode(op));
  }
  out["frops"] = frops;
  json tags = json::array();
  for (const auto& tag : p.tags) {
    tags.push_back({{"name", tag.name}, {"figures", figures(tag.figures)}, {"calls", opt(tag.calls)}});
  }
  out["tags"] = tags;
  json found = json::array();
  for (const auto& t : targets) {
    found.push_back({{"id", t.id},
                     {"title", t.title},
                     {"metric", to_string(t.metric)},
                     {"low", t.low},
                     {"high", t.high},
                     {"low_share", opt(t.low_share)},
                     {"high_share", opt(t.high_share)},
                     {"functions", t.functions},
                     {"flagged", t.flagged},
                     {"check", t.check}});
  }
  out["targets"] = found;
  out["public_outputs"] = p.public_outputs;
  out["notes"] = p.notes;
  return out;
}

json to_json(const ProfileDiff& diff, std::size_t top) {
  json out;
  out["totals"] = {{"steps", change(diff.total_steps)}, {"cost", change(diff.total_cost)},
                   {"cycles", change(diff.total_cycles)}};
  json categories = json::array();
  for (const auto& [name, c] : diff.categories) {
    json row = change(c);
    row["name"] = name;
    categories.push_back(row);
  }
  out["cost_distribution"] = categories;
  const auto function_json = [](const FunctionChange& f) {
    return json{{"name", f.name},
                {"base_name", f.base_name},
                {"match", to_string(f.match)},
                {"scope", f.scope == Scope::inclusive ? "inclusive" : "exclusive"},
                {"steps", change(f.steps)},
                {"cost", change(f.cost)},
                {"cycles", change(f.cycles)},
                {"calls", change(f.calls)},
                {"steps_per_call", {{"base", opt(f.base_per_call(Metric::steps))},
                                    {"current", opt(f.current_per_call(Metric::steps))}}},
                {"cost_per_call", {{"base", opt(f.base_per_call(Metric::cost))},
                                   {"current", opt(f.current_per_call(Metric::cost))}}}};
  };
  json functions = json::array();
  for (std::size_t i = 0; i < diff.functions.size() && (top == 0 || i < top); ++i) {
    functions.push_back(function_json(diff.functions[i]));
  }
  out["functions"] = functions;
  out["memcpy"] = diff.memcpy ? function_json(*diff.memcpy) : json(nullptr);
  out["notes"] = diff.notes;
  const auto metric = headline_metric(diff);
  out["headline_metric"] = metric ? json(to_string(*metric)) : json(nullptr);
  out["closing_line"] = closing_line(diff);
  return out;
}

json to_json(const Projection& projection, const std::vector<GapRow>& gaps) {
  json out;
  out["baseline"] = {{"steps", opt(projection.baseline_steps)}, {"cost", opt(projection.baseline_cost)}};
  json rows = json::array();
  for (const auto& row : projection.rows) {
    json targets = json::array();
    for (const auto& t : row.targets) {
      targets.push_back({{"requested", t.requested},
                         {"function", t.function},
                         {"steps_saved", range(t.steps_saved)},
                         {"cost_saved", opt_range(t.cost_saved)},
                         {"note", t.note}});
    }
    rows.push_back({{"name", row.name},
                    {"order", row.order},
                    {"targets", targets},
                    {"steps_saved", range(row.steps_saved)},
                    {"cost_saved", opt_range(row.cost_saved)},
                    {"steps_share", opt_range(row.steps_share)},
                    {"cost_share", opt_range(row.cost_share)},
                    {"cumulative_steps_saved", range(row.cumulative_steps_saved)},
                    {"cumulative_steps_after", opt_range(row.cumulative_steps_after)},
                    {"cumulative_share", opt_range(row.cumulative_share)}});
  }
  out["hypotheses"] = rows;
  json gap_rows = json::array();
  for (const auto& g : gaps) {
    gap_rows.push_back({{"label", g.label},
                        {"projected_delta", range(g.projected_delta)},
                        {"actual_delta", opt(g.actual_delta)},
                        {"projected_share", opt_range(g.projected_share)},
                        {"actual_share", opt(g.actual_share)},
                        {"assessment", g.assessment}});
  }
  out["projected_vs_measured"] = gap_rows;
  out["notes"] = projection.notes;
  return out;
}

} // namespace zkbench::profile
