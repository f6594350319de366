// experiments/NNN.html and its charts: one experiment in detail.
#include <fmt/format.h>

#include "util/strings.hpp"

#include "report/html_common.hpp"

namespace zkbench::report {

namespace {

using html::esc;

std::string unit_label(const Dashboard& dashboard) {
  const Overview& overview = dashboard.overview;
  return overview.unit.empty() ? overview.primary_metric : fmt::format("{} ({})", overview.primary_metric, overview.unit);
}

// The runs of one input as a distribution plot. Inlined in the page rather than written as a file:
// with 1,000 experiments x 5 inputs, 5,000 small files made writing the report disk-bound.
std::string input_chart(const Dashboard& dashboard, const Experiment& experiment, const InputResult& input) {
  svg::DistributionChart chart;
  chart.title = fmt::format("{} · {}: runs", experiment.number.format(), input.input);
  chart.y_label = unit_label(dashboard);
  chart.samples = {{"baseline", input.baseline_runs}, {"candidate", input.candidate_runs}};
  return svg::render_distribution(chart, {480, 320});
}
std::string stopping_chart_path(const Experiment& experiment) {
  return fmt::format("charts/{}-stopping.svg", experiment.number.format());
}
std::string profile_chart_path(const Experiment& experiment) {
  return fmt::format("charts/{}-profile.svg", experiment.number.format());
}


// The candidate's GPU figures per input (energy per proof, peak GPU memory, throttled runs); nothing when
// no input had GPU telemetry.
std::string gpu_table(const Experiment& experiment) {
  std::string rows;
  for (const InputResult& input : experiment.inputs) {
    if (input.gpu) {
      rows += fmt::format("<tr><td>{}</td><td>{:.1f} J</td><td>{}</td><td>{} of {}</td></tr>\n", esc(input.input),
                          input.gpu->energy_joules_median, util::format_bytes(input.gpu->memory_peak_bytes),
                          input.gpu->throttled_runs, input.gpu->runs);
    }
  }
  if (rows.empty()) {
    return {};
  }
  return "<section id=\"gpu\">\n<h2>GPU</h2>\n<table><thead><tr><th>input</th><th>energy per run (median)</th>"
         "<th>peak GPU memory</th><th>throttled runs</th></tr></thead>\n<tbody>\n" +
         rows + "</tbody></table>\n</section>\n";
}

std::string inputs_table(const Dashboard& dashboard, const Experiment& experiment) {
  if (experiment.inputs.empty()) {
    // REJECT (the output changed) and KILL (too slow) end an experiment before any comparison: say so.
    if (experiment.verdict == core::Outcome::reject || experiment.verdict == core::Outcome::kill) {
      return fmt::format("<p class=\"muted\">No per-input results: the experiment ended with {} before its runs "
                         "were compared (see the verdict reasoning below).</p>\n",
                         core::to_string(experiment.verdict));
    }
    return "<p class=\"muted\">No per-input results yet.</p>\n";
  }
  const std::string& unit = dashboard.overview.unit;
  std::string out = "<table class=\"sortable\" id=\"inputs-table\">\n<thead><tr><th data-type=\"text\">input</th>"
                    "<th data-type=\"number\" class=\"num\">baseline</th><th data-type=\"number\" class=\"num\">candidate</th>"
                    "<th data-type=\"number\" class=\"num\">Δ %</th><th data-type=\"text\">interval</th>"
                    "<th data-type=\"text\">verdict</th></tr></thead>\n<tbody>\n";
  for (const InputResult& input : experiment.inputs) {
    const char* direction = !input.change_pct ? "" : (*input.change_pct < 0 ? "better" : "worse");
    out += fmt::format("<tr><td>{}</td><td class=\"num\" data-value=\"{}\">{}</td><td class=\"num\" data-value=\"{}\">{}</td>"
                       "<td class=\"num {}\" data-value=\"{}\">{}</td><td>{}</td><td data-value=\"{}\">{}</td></tr>\n",
                       esc(input.input), input.baseline.mean, html::estimate_text(input.baseline, unit),
                       input.candidate.mean, html::estimate_text(input.candidate, unit), direction,
                       html::sort_value(input.change_pct), html::pct(input.change_pct),
                       html::pct_interval(input.change_ci_low_pct, input.change_ci_high_pct),
                       core::to_string(input.verdict),
                       input.verdict == core::Outcome::none
                           ? "—"
                           : fmt::format("<span class=\"{}\">{}</span>",
                                         html::verdict_class(input.verdict, report::established_regression(input.change_ci_low_pct)),
                                         core::to_string(input.verdict)));
  }
  return out + "</tbody>\n</table>\n";
}

enum class Wrap { no, yes };

// Prose (a hypothesis, a verdict's reason) wraps; code (a patch) keeps its lines and scrolls.
std::string text_block(std::string_view id, std::string_view title, const std::string& text, std::string_view empty,
                       Wrap wrap) {
  return fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n{}</section>\n", id, title,
                     text.empty() ? fmt::format("<p class=\"muted\">{}</p>\n", empty)
                                  : (wrap == Wrap::yes ? "<pre class=\"wrap\">" : "<pre>") + esc(text) + "</pre>\n");
}

} // namespace

std::vector<ReportFile> experiment_charts(const Experiment& experiment) {
  std::vector<ReportFile> charts;
  const std::string id = experiment.number.format();
  if (!experiment.stopping.empty()) {
    svg::StoppingChart chart;
    chart.title = fmt::format("{}: sequential stopping trace", id);
    for (const StoppingPoint& point : experiment.stopping) {
      chart.steps.push_back({point.pairs, point.estimate_pct, point.low_pct, point.high_pct});
    }
    chart.stopped_at = experiment.stopped_at;
    charts.push_back({stopping_chart_path(experiment), svg::render_stopping(chart, {720, 320})});
  }
  if (!experiment.profile_up.empty() || !experiment.profile_down.empty()) {
    svg::BarChart chart;
    chart.title = fmt::format("{}: functions that changed most", id);
    chart.x_label = "Δ (%)";
    for (const FunctionChange& function : experiment.profile_up) {
      chart.bars.push_back({function.function, function.change_pct});
    }
    for (const FunctionChange& function : experiment.profile_down) {
      chart.bars.push_back({function.function, function.change_pct});
    }
    charts.push_back({profile_chart_path(experiment), svg::render_bars(chart, {720, 240})});
  }
  return charts;
}

std::string render_experiment_page(const Dashboard& dashboard, const Experiment& experiment, AutoRefresh refresh) {
  const std::string id = experiment.number.format();
  std::string out = html::page_head(fmt::format("{} {} — zkbench", id, experiment.name), "../", refresh);
  out += fmt::format("<header><nav><a href=\"../index.html\">← dashboard</a></nav><h1>{} · {}</h1>"
                     "<div>{} Δ <strong class=\"{}\">{}</strong> {} · status {} · {} runs{}</div></header>\n<main>\n",
                     id, esc(experiment.name),
                     html::verdict_badge(experiment.verdict, report::established_regression(experiment.change_ci_low_pct),
                            experiment.status),
                     !experiment.change_pct ? "" : (*experiment.change_pct < 0 ? "better" : "worse"),
                     html::pct(experiment.change_pct),
                     html::pct_interval(experiment.change_ci_low_pct, experiment.change_ci_high_pct),
                     core::to_string(experiment.status), experiment.runs_used,
                     experiment.branch.empty() ? "" : " · branch <code>" + esc(experiment.branch) + "</code>");
  if (experiment.cost) {
    out += "<p id=\"cost\" class=\"muted\">Cost of the verdict: " + esc(experiment.cost->describe()) + "</p>\n";
  }
  out += text_block("hypothesis", "Hypothesis", experiment.hypothesis, "No hypothesis recorded.", Wrap::yes);
  out += "<section id=\"inputs\">\n<h2>Per input</h2>\n" + inputs_table(dashboard, experiment) + "</section>\n";
  out += gpu_table(experiment);

  out += "<section id=\"charts\">\n<h2>Runs</h2>\n<div class=\"charts\">\n";
  bool any = false;
  for (const InputResult& input : experiment.inputs) {
    if (input.baseline_runs.empty() && input.candidate_runs.empty()) {
      continue;
    }
    any = true;
    out += "<div class=\"chart\">" + input_chart(dashboard, experiment, input) + "</div>\n";
  }
  out += any ? "</div>\n" : "</div>\n<p class=\"muted\">No runs yet.</p>\n";
  out += "</section>\n";
  if (!experiment.stopping.empty()) {
    out += fmt::format("<section id=\"stopping\">\n<h2>Stopping trace</h2>\n<img class=\"chart\" src=\"../{}\" "
                       "alt=\"sequential stopping trace\" width=\"720\" height=\"320\">\n</section>\n",
                       stopping_chart_path(experiment));
  }
  if (!experiment.profile_up.empty() || !experiment.profile_down.empty()) {
    out += fmt::format("<section id=\"profile\">\n<h2>Profile diff</h2>\n<img class=\"chart\" src=\"../{}\" "
                       "alt=\"functions that grew and shrank\">\n</section>\n",
                       profile_chart_path(experiment));
  }
  out += text_block("reasoning", "Verdict reasoning", experiment.reasoning, "No verdict yet.", Wrap::yes);
  out += text_block("patch", "Patch", experiment.patch, "No patch recorded.", Wrap::no);
  out += "</main>\n";
  return out + html::page_tail();
}

} // namespace zkbench::report
