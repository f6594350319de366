// Text renderings for `zkbench profile show/diff` and `zkbench project` (declared in render.hpp).
#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "profile/format.hpp"
#include "profile/render.hpp"

namespace zkbench::profile {

namespace {

constexpr std::size_t k_name_width = 100; // longer names are shown cut with "…" (full names in --json)

std::string opt_count(std::optional<std::uint64_t> value) {
  return value ? group_digits(*value) : "-";
}

std::string opt_double(std::optional<double> value) {
  return value ? group_digits(static_cast<std::uint64_t>(std::llround(*value))) : "-";
}

std::string cut(const std::string& name, std::size_t width = k_name_width) {
  if (name.size() <= width) {
    return name;
  }
  std::size_t end = width - 1;
  while (end > 0 && (static_cast<unsigned char>(name[end]) & 0xC0) == 0x80) {
    --end; // never split a UTF-8 sequence
  }
  return name.substr(0, end) + "…";
}

std::string upper(Metric metric) {
  std::string name = to_string(metric);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); });
  return name;
}

void function_table(std::string& out, const Profile& p, Metric metric, std::size_t top) {
  const bool has_excl = p.has(metric, Scope::exclusive);
  const bool has_incl = p.has(metric, Scope::inclusive);
  if (!has_excl && !has_incl) {
    return;
  }
  // Sort by the function's own figure when the source has it; the inclusive column still shows.
  const Scope sort_scope = has_excl ? Scope::exclusive : Scope::inclusive;
  const auto rows = p.top(metric, sort_scope, top);
  out += fmt::format("\nTop {} functions by {} ({})\n", rows.size(), to_string(metric),
                     has_excl ? "sorted by self; inclusive includes callees"
                              : "inclusive: a caller includes its callees; do not add rows up");
  if (has_excl && has_incl) {
    out += fmt::format("{:>16} {:>8} {:>16} {:>8} {:>12} {:>14}  {}\n", "SELF", "%", "INCLUSIVE", "%", "CALLS",
                       fmt::format("{}/CALL", upper(metric)), "FUNCTION");
  } else {
    out += fmt::format("{:>16} {:>8} {:>12} {:>14}  {}\n", upper(metric), "%", "CALLS",
                       fmt::format("{}/CALL", upper(metric)), "FUNCTION");
  }
  for (const FunctionProfile* f : rows) {
    const auto main_value = f->get(metric, sort_scope);
    const auto main_share = main_value ? p.share(*main_value, metric) : std::nullopt;
    std::string line;
    if (has_excl && has_incl) {
      const auto incl = f->get(metric, Scope::inclusive);
      line = fmt::format("{:>16} {:>8} {:>16} {:>8} ", opt_count(main_value), percent(main_share),
                         opt_count(incl), percent(incl ? p.share(*incl, metric) : std::nullopt));
    } else {
      line = fmt::format("{:>16} {:>8} ", opt_count(main_value), percent(main_share));
    }
    out += line + fmt::format("{:>12} {:>14}  {}\n", opt_count(f->calls), opt_double(f->per_call(metric, sort_scope)),
                              cut(f->name));
  }
}

// "9.3M…14.6M" for savings; a range of changes (negative = fewer) reads from the smaller change to the
// larger one, as people write it: "-1.40%…-2.20%".
std::string range_text(Range r, bool as_percent, bool signed_values = false) {
  const auto one = [&](double v) {
    if (as_percent) {
      return signed_values ? fmt::format("{:+.2f}%", v * 100.0) : fmt::format("{:.2f}%", v * 100.0);
    }
    return (signed_values && v > 0 ? "+" : "") + short_count(v);
  };
  if (std::fabs(r.low - r.high) < 1e-12 * std::max(1.0, std::fabs(r.high))) {
    return one(r.low);
  }
  if (r.high <= 0) {
    return one(r.high) + "…" + one(r.low);
  }
  return one(r.low) + "…" + one(r.high);
}

std::string change_text(const Change& c) {
  std::string text = fmt::format("{:>16} → {:<16}", opt_count(c.base), opt_count(c.current));
  if (const auto d = c.delta()) {
    text += fmt::format(" {:>15}", signed_digits(*d));
    if (const auto rel = c.relative()) {
      text += fmt::format(" ({:+.2f}%)", *rel * 100.0);
    }
  }
  return text;
}

} // namespace

std::string render_profile(const Profile& p, const std::vector<TargetFinding>& targets, std::size_t top) {
  std::string out = fmt::format("Profile: {} ({}{})\n", p.source.origin.empty() ? "-" : p.source.origin,
                                to_string(p.source.kind), p.source.version.empty() ? "" : " " + p.source.version);
  out += "\nTotals\n";
  if (p.totals.figures.empty()) {
    out += "  (this report carries no totals; shares are not shown)\n";
  }
  for (Metric metric : {Metric::steps, Metric::cost, Metric::cycles}) {
    if (const auto value = p.total(metric)) {
      out += fmt::format("  {:<12} {:>18}\n", to_string(metric), group_digits(*value));
    }
  }
  for (const NamedValue& other : p.totals.other) {
    out += fmt::format("  {:<12} {:>18}\n", other.name, group_digits(other.value));
  }
  if (!p.totals.cost_distribution.empty()) {
    out += "\nCost distribution\n";
    for (const NamedValue& row : p.totals.cost_distribution) {
      out += fmt::format("  {:<12} {:>18} {:>8}\n", row.name, group_digits(row.value),
                         percent(p.share(row.value, Metric::cost)));
    }
  }
  for (Metric metric : {Metric::steps, Metric::cost, Metric::cycles}) {
    function_table(out, p, metric, top);
  }
  if (!p.opcodes.empty()) {
    std::vector<const OpcodeCost*> ops;
    for (const auto& op : p.opcodes) {
      ops.push_back(&op);
    }
    std::stable_sort(ops.begin(), ops.end(), [](const auto* a, const auto* b) { return a->cost > b->cost; });
    if (top != 0 && ops.size() > top) {
      ops.resize(top);
    }
    out += fmt::format("\nOpcode costs (top {} by cost)\n", ops.size());
    out += fmt::format("  {:<18} {:>14} {:>18} {:>8}  {}\n", "OPCODE", "COUNT", "COST", "%", "KIND");
    for (const OpcodeCost* op : ops) {
      out += fmt::format("  {:<18} {:>14} {:>18} {:>8}  {}\n", op->name, opt_count(op->count), group_digits(op->cost),
                         percent(p.share(op->cost, Metric::cost)), op->is_precompile() ? "precompile" : "");
    }
  }
  for (const FunctionProfile& f : p.functions) {
    if (f.opcodes.empty() && f.callers.empty()) {
      continue;
    }
    out += fmt::format("\nDetail: {}\n", cut(f.name));
    for (const OpcodeCost& op : f.opcodes) {
      const auto share = f.inclusive.cost && *f.inclusive.cost > 0
                             ? std::optional<double>(static_cast<double>(op.cost) / static_cast<double>(*f.inclusive.cost))
                             : std::nullopt;
      out += fmt::format("  OP {:<16} {:>14} {:>18} {:>8} of the function's cost\n", op.name, opt_count(op.count),
                         group_digits(op.cost), percent(share));
    }
    for (const Caller& c : f.callers) {
      out += fmt::format("  caller {:>12} calls {:>16} steps  {}\n", opt_count(c.calls), opt_count(c.figures.steps),
                         cut(c.name));
    }
  }
  if (!p.tags.empty()) {
    out += "\nProfile tags\n";
    for (const ProfileTag& tag : p.tags) {
      out += fmt::format("  {:<24} steps {:>16}  cost {:>18}  calls {:>10}\n", tag.name, opt_count(tag.figures.steps),
                         opt_count(tag.figures.cost), opt_count(tag.calls));
    }
  }
  out += "\nKnown optimization targets\n";
  if (targets.empty()) {
    out += "  none of the known targets (memcpy, deserialization, allocation, software crypto) appear\n";
  }
  for (const TargetFinding& t : targets) {
    const std::string share = t.low == t.high || !t.high_share
                                  ? percent(t.low_share)
                                  : fmt::format("{}…{}", percent(t.low_share), percent(t.high_share));
    out += fmt::format("  {} {}: {} of {} ({})\n", t.flagged ? "!" : "-", t.title, share, to_string(t.metric),
                       t.functions.empty() ? "" : cut(t.functions.front()) +
                                                      (t.functions.size() > 1 ? fmt::format(" and {} more", t.functions.size() - 1) : ""));
    if (t.flagged) {
      out += fmt::format("      check: {}\n", t.check);
    }
  }
  if (!p.notes.empty()) {
    out += "\nNotes\n";
    for (const std::string& note : p.notes) {
      out += "  " + note + "\n";
    }
  }
  return out;
}

std::string render_diff(const ProfileDiff& diff, std::string_view base_label, std::string_view current_label,
                        std::size_t top) {
  std::string out = fmt::format("Profile diff: {} → {}\n\nTotals\n", base_label, current_label);
  for (Metric metric : {Metric::steps, Metric::cost, Metric::cycles}) {
    const Change& c = diff.total(metric);
    if (c.base || c.current) {
      out += fmt::format("  {:<12} {}\n", to_string(metric), change_text(c));
    }
  }
  if (!diff.categories.empty()) {
    out += "\nCost distribution\n";
    for (const auto& [name, change] : diff.categories) {
      out += fmt::format("  {:<12} {}\n", name, change_text(change));
    }
  }
  const std::size_t shown = top == 0 ? diff.functions.size() : std::min(top, diff.functions.size());
  out += fmt::format("\nFunction changes (largest {} of {}; figures are per function and overlap: do not add them up)\n",
                     shown, diff.functions.size());
  out += fmt::format("{:>15} {:>9} {:>15} {:>15} {:>21} {:>23} {:<10}  {}\n", "Δ STEPS", "Δ%", "Δ COST", "STEPS",
                     "CALLS", "STEPS/CALL", "MATCH", "FUNCTION");
  for (std::size_t i = 0; i < shown; ++i) {
    const FunctionChange& f = diff.functions[i];
    const auto d_steps = f.steps.delta();
    const auto d_cost = f.cost.delta();
    const auto rel = f.steps.relative();
    out += fmt::format("{:>15} {:>9} {:>15} {:>15} {:>21} {:>23} {:<10}  {}\n",
                       d_steps ? signed_digits(*d_steps) : "-", rel ? fmt::format("{:+.2f}%", *rel * 100.0) : "-",
                       d_cost ? signed_digits(*d_cost) : "-",
                       opt_count(f.steps.current ? f.steps.current : f.steps.base),
                       fmt::format("{}→{}", opt_count(f.calls.base), opt_count(f.calls.current)),
                       fmt::format("{}→{}", opt_double(f.base_per_call(Metric::steps)),
                                   opt_double(f.current_per_call(Metric::steps))),
                       to_string(f.match), cut(f.name));
  }
  if (diff.memcpy) {
    const FunctionChange& m = *diff.memcpy;
    out += "\nmemcpy\n";
    out += fmt::format("  {:<12} {}\n", "calls", change_text(m.calls));
    out += fmt::format("  {:<12} {}\n", "steps", change_text(m.steps));
    out += fmt::format("  {:<12} {}\n", "cost", change_text(m.cost));
  }
  if (!diff.notes.empty()) {
    out += "\nNotes\n";
    for (const std::string& note : diff.notes) {
      out += "  " + note + "\n";
    }
  }
  out += "\n" + closing_line(diff) + "\n";
  return out;
}

std::string render_projection(const Projection& projection, const std::vector<GapRow>& gaps) {
  std::string out = fmt::format("Projection from the baseline ({} steps, {} cost)\n\n",
                                opt_count(projection.baseline_steps), opt_count(projection.baseline_cost));
  out += fmt::format("{:>5}  {:<36} {:>18} {:>18} {:>18} {:>18}\n", "ORDER", "HYPOTHESIS", "STEPS SAVED",
                     "% STEPS SAVED", "COST SAVED", "% COST SAVED");
  for (const auto& row : projection.rows) {
    out += fmt::format("{:>5}  {:<36} {:>18} {:>18} {:>18} {:>18}\n", row.order, row.name,
                       range_text(row.steps_saved, false),
                       row.steps_share ? range_text(*row.steps_share, true) : "-",
                       row.cost_saved ? range_text(*row.cost_saved, false) : "-",
                       row.cost_share ? range_text(*row.cost_share, true) : "-");
  }
  out += "\nCumulative projection (attack order)\n";
  out += fmt::format("  {:<38} {:>18} {:>18} {:>18}\n", "OPTIMIZATION", "STEPS SAVED", "NEW TOTAL", "CUMULATIVE %");
  out += fmt::format("  {:<38} {:>18} {:>18} {:>18}\n", "Baseline", "—",
                     projection.baseline_steps ? short_count(static_cast<double>(*projection.baseline_steps)) : "-",
                     "0%");
  for (const auto& row : projection.rows) {
    std::optional<Range> share;
    if (row.cumulative_share) {
      share = Range{-row.cumulative_share->high, -row.cumulative_share->low};
    }
    out += fmt::format("  {:<38} {:>18} {:>18} {:>18}\n", "+ " + row.name,
                       range_text(Range{-row.steps_saved.high, -row.steps_saved.low}, false, true),
                       row.cumulative_steps_after ? range_text(*row.cumulative_steps_after, false) : "-",
                       share ? range_text(*share, true, true) : "-");
  }
  out += "\nTargets\n";
  for (const auto& row : projection.rows) {
    for (const auto& t : row.targets) {
      out += fmt::format("  {}: '{}' → {} ({})\n", row.name, t.requested, t.function.empty() ? "-" : cut(t.function),
                         t.note);
    }
  }
  if (!gaps.empty()) {
    out += "\nProjected vs measured (steps)\n";
    out += fmt::format("  {:<60} {:>22} {:>14} {:>18} {:>10}  {}\n", "TARGET", "PROJECTED", "MEASURED",
                       "PROJECTED %", "MEASURED %", "ASSESSMENT");
    for (const GapRow& g : gaps) {
      out += fmt::format("  {:<60} {:>22} {:>14} {:>18} {:>10}  {}\n", cut(g.label, 60),
                         range_text(g.projected_delta, false, true),
                         g.actual_delta ? (*g.actual_delta > 0 ? "+" : "") + short_count(*g.actual_delta) : "-",
                         g.projected_share ? range_text(*g.projected_share, true, true) : "-",
                         g.actual_share ? fmt::format("{:+.2f}%", *g.actual_share * 100.0) : "-", g.assessment);
    }
  }
  if (!projection.notes.empty()) {
    out += "\nNotes\n";
    for (const std::string& note : projection.notes) {
      out += "  " + note + "\n";
    }
  }
  return out;
}

} // namespace zkbench::profile
