// index.html: the dashboard's main page (seed 002 §6.2).
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "report/figures.hpp"
#include "report/html_common.hpp"

namespace zkbench::report {

namespace {

using html::esc;

std::string card(std::string_view label, const std::string& value_html, std::string_view id) {
  return fmt::format("<div class=\"card\" id=\"{}\"><div class=\"label\">{}</div><div class=\"value\">{}</div></div>\n",
                     id, label, value_html);
}

std::string overview_section(const Dashboard& dashboard) {
  const Overview& overview = dashboard.overview;
  std::string best = "—";
  if (overview.best_change_pct && overview.best_experiment) {
    best = fmt::format("<span class=\"better\">{}</span> <a href=\"experiments/{}.html\">#{}</a>",
                       html::pct(overview.best_change_pct), core::ExperimentNumber(*overview.best_experiment).format(),
                       core::ExperimentNumber(*overview.best_experiment).format());
  }
  std::string out = "<section id=\"overview\">\n<h2>Overview</h2>\n<div class=\"cards\">\n";
  out += card("Status", overview.running ? "<span class=\"verdict verdict-running\">running</span>"
                                         : "<span class=\"verdict verdict-keep\">complete</span>",
              "status");
  out += card("Progress", fmt::format("{}/{} experiments", overview.experiments_done, overview.experiments_total),
              "progress");
  out += card("Best improvement", best, "best");
  out += card("Time elapsed", esc(html::duration_text(overview.elapsed_s)), "elapsed");
  out += "</div>\n</section>\n";
  return out;
}

std::string current_section(const Dashboard& dashboard) {
  if (!dashboard.current) {
    return "";
  }
  const CurrentRun& current = *dashboard.current;
  // Experiment 0 is the baseline, or another job a scheduler runs (`run …`, `compound 1 2`): its name.
  const bool baseline = current.name.empty() || current.name.rfind("baseline", 0) == 0;
  const std::string what = current.experiment == 0
                               ? (baseline ? std::string("baseline") : esc(current.name))
                               : fmt::format("experiment {} — {}", core::ExperimentNumber(current.experiment),
                                             esc(current.name));
  std::string log;
  for (const std::string& line : current.log_tail) {
    log += esc(line) + "\n";
  }
  const std::string scheduler =
      current.scheduler_job.empty()
          ? std::string()
          : fmt::format("<p class=\"scheduler\">{}{}: {}</p>\n", esc(current.scheduler_job),
                        current.node.empty() ? std::string() : " on " + esc(current.node), esc(current.state));
  // The contention gate holds the next round until the machine is quiet: say so above the progress.
  const std::string waiting =
      current.waiting.empty() ? std::string() : fmt::format("<p class=\"waiting\">{}</p>\n", esc(current.waiting));
  return fmt::format("<section id=\"current\">\n<h2>Current run</h2>\n{}{}<p>{}: run {} of {} "
                     "<progress max=\"{}\" value=\"{}\"></progress></p>\n<pre class=\"log\">{}</pre>\n</section>\n",
                     scheduler, waiting, what, current.runs_done, current.runs_total, std::max(current.runs_total, 1),
                     current.runs_done, log);
}

std::string baseline_section(const Dashboard& dashboard) {
  std::string out = "<section id=\"baseline\">\n<h2>Baseline</h2>\n";
  if (!dashboard.baseline) {
    return out + "<p class=\"muted\">No baseline yet (<code>zkbench baseline</code>).</p>\n</section>\n";
  }
  const BaselineSection& baseline = *dashboard.baseline;
  if (!baseline.commit.empty()) {
    out += fmt::format("<p>Commit <code>{}</code></p>\n", esc(baseline.commit));
  }
  out += "<dl class=\"env\">\n";
  for (const auto& [key, value] : baseline.environment) {
    out += fmt::format("<dt>{}</dt><dd>{}</dd>\n", esc(key), esc(value));
  }
  out += "</dl>\n<table id=\"baseline-table\">\n<thead><tr><th>input</th><th>metric</th><th class=\"num\">median</th>"
         "<th class=\"num\">mean</th><th class=\"num\">95 % CI</th><th class=\"num\">runs</th></tr></thead>\n"
         "<tbody>\n";
  for (const BaselineSection::Input& input : baseline.inputs) {
    for (const MetricEstimate& metric : input.metrics) {
      const Estimate& e = metric.estimate;
      const auto figure = [&](double value) { return esc(format_metric(metric.metric, value, metric.unit)); };
      const std::string ci = e.ci_low && e.ci_high ? fmt::format("[{}, {}]", figure(*e.ci_low), figure(*e.ci_high)) : "—";
      out += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                         "<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                         esc(input.input), esc(metric.metric), e.median ? figure(*e.median) : "—", figure(e.mean),
                         ci, e.n);
    }
  }
  return out + "</tbody>\n</table>\n</section>\n";
}

std::string trend_section(const Dashboard& dashboard) {
  return "<section id=\"trend\">\n<h2>Trend</h2>\n<div class=\"chart\">\n" +
         svg::render_trend(trend_chart(dashboard), {900, 380}) +
         "</div>\n<p class=\"muted\">Also as <a href=\"charts/trend.svg\">charts/trend.svg</a>.</p>\n</section>\n";
}

std::string experiments_section(const Dashboard& dashboard) {
  std::string out = "<section id=\"experiments\">\n<h2>Experiments</h2>\n";
  if (dashboard.experiments.empty()) {
    return out + "<p class=\"muted\">No experiments yet (<code>zkbench exp new</code>).</p>\n</section>\n";
  }
  out += "<table class=\"sortable\" id=\"experiments-table\">\n<thead><tr>"
         "<th data-type=\"number\" class=\"num\">#</th><th data-type=\"text\">name</th>"
         "<th data-type=\"text\">status</th><th data-type=\"number\" class=\"num\">Δ %</th>"
         "<th data-type=\"text\">interval</th><th data-type=\"text\">verdict</th>"
         "<th data-type=\"number\" class=\"num\">runs</th></tr></thead>\n<tbody>\n";
  for (const Experiment& experiment : dashboard.experiments) {
    const std::string id = experiment.number.format();
    const char* direction = !experiment.change_pct ? "" : (*experiment.change_pct < 0 ? "better" : "worse");
    out += fmt::format(
        "<tr><td class=\"num\" data-value=\"{}\"><a href=\"experiments/{}.html\">{}</a></td>"
        "<td data-value=\"{}\">{}</td><td data-value=\"{}\">{}</td><td class=\"num {}\" data-value=\"{}\">{}</td>"
        "<td data-value=\"{}\">{}</td><td data-value=\"{}\">{}</td><td class=\"num\" data-value=\"{}\">{}</td></tr>\n",
        experiment.number.value(), id, id, esc(experiment.name), esc(experiment.name),
        core::to_string(experiment.status), core::to_string(experiment.status), direction,
        html::sort_value(experiment.change_pct), html::pct(experiment.change_pct),
        html::sort_value(experiment.change_ci_low_pct),
        html::pct_interval(experiment.change_ci_low_pct, experiment.change_ci_high_pct),
        core::to_string(experiment.verdict),
        html::verdict_badge(experiment.verdict, report::established_regression(experiment.change_ci_low_pct),
                            experiment.status), experiment.runs_used,
        experiment.runs_used);
  }
  return out + "</tbody>\n</table>\n</section>\n";
}

std::string notes_section(std::string_view id, std::string_view title, const std::vector<Note>& notes,
                          std::string_view empty) {
  std::string out = fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n", id, title);
  if (notes.empty()) {
    return out + fmt::format("<p class=\"muted\">{}</p>\n</section>\n", empty);
  }
  out += "<ul>\n";
  for (const Note& note : notes) {
    const std::string text = note.done ? "<s>" + esc(note.text) + "</s>" : esc(note.text);
    out += fmt::format("<li>{}{}</li>\n", text,
                       note.date.empty() ? "" : " <span class=\"muted\">(" + esc(note.date) + ")</span>");
  }
  return out + "</ul>\n</section>\n";
}

// A matrix of the experiments that took part in compound tests: a cell says how the pair combined
// (green: compatible, red: conflict). Tests of three or more are listed under it.
std::string conflicts_section(const Dashboard& dashboard) {
  std::string out = "<section id=\"conflicts\">\n<h2>Conflicts</h2>\n";
  if (dashboard.conflicts.empty()) {
    return out + "<p class=\"muted\">No compound tests yet.</p>\n</section>\n";
  }
  std::set<int> members;
  for (const Conflict& conflict : dashboard.conflicts) {
    members.insert(conflict.experiments.begin(), conflict.experiments.end());
  }
  const auto pair_of = [&](int a, int b) -> const Conflict* {
    for (const Conflict& conflict : dashboard.conflicts) {
      const auto& e = conflict.experiments;
      if (e.size() == 2 && ((e[0] == a && e[1] == b) || (e[0] == b && e[1] == a))) {
        return &conflict;
      }
    }
    return nullptr;
  };
  out += "<table class=\"matrix\" id=\"conflicts-matrix\">\n<thead><tr><th></th>";
  for (int column : members) {
    out += "<th>" + core::ExperimentNumber(column).format() + "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (int row : members) {
    out += "<tr><th>" + core::ExperimentNumber(row).format() + "</th>";
    for (int column : members) {
      const Conflict* found = row == column ? nullptr : pair_of(row, column);
      if (found == nullptr) {
        out += "<td></td>";
      } else {
        out += fmt::format("<td class=\"{}\" title=\"{}\">{} {}</td>", found->conflict ? "conflict" : "compatible",
                           esc(found->note), found->conflict ? "✗" : "✓", html::pct(found->combined_change_pct));
      }
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n<ul>\n";
  for (const Conflict& conflict : dashboard.conflicts) {
    std::vector<std::string> ids;
    for (int number : conflict.experiments) {
      ids.push_back(core::ExperimentNumber(number).format());
    }
    out += fmt::format("<li>{}: combined {}, best alone {} — {}{}</li>\n", esc(fmt::format("{}", fmt::join(ids, " + "))),
                       html::pct(conflict.combined_change_pct), html::pct(conflict.best_change_pct),
                       conflict.conflict ? "<strong class=\"worse\">conflict</strong>" : "compatible",
                       conflict.note.empty() ? "" : " (" + esc(conflict.note) + ")");
  }
  return out + "</ul>\n</section>\n";
}

std::string bisections_section(const Dashboard& dashboard) {
  std::string out = "<section id=\"bisections\">\n<h2>Bisections</h2>\n";
  if (dashboard.bisections.empty()) {
    return out + "<p class=\"muted\">No bisections yet (<code>zkbench bisect GOOD BAD</code>).</p>\n</section>\n";
  }
  out += "<table id=\"bisections-table\">\n<thead><tr><th>#</th><th>range</th><th>answer</th><th class=\"num\">runs</th>"
         "<th class=\"num\">time</th></tr></thead>\n<tbody>\n";
  for (const core::BisectRecord& b : dashboard.bisections) {
    out += fmt::format("<tr><td><a href=\"{}\">{}</a></td><td><code>{}..{}</code></td><td>{}</td>"
                       "<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                       bisection_page_path(b), esc(b.id), esc(b.good.substr(0, 12)), esc(b.bad.substr(0, 12)),
                       esc(bisection_answer(b)), b.cost.runs(), html::duration_text(b.elapsed_s));
  }
  return out + "</tbody>\n</table>\n</section>\n";
}

} // namespace

std::string render_index(const Dashboard& dashboard, AutoRefresh refresh) {
  const std::string title =
      dashboard.overview.project.empty() ? std::string("zkbench report") : "zkbench — " + dashboard.overview.project;
  std::string out = html::page_head(title, "", refresh);
  out += fmt::format("<header><h1>{}</h1><nav><a href=\"#overview\">overview</a><a href=\"#baseline\">baseline</a>"
                     "<a href=\"#trend\">trend</a><a href=\"#experiments\">experiments</a>"
                     "<a href=\"#learnings\">learnings</a><a href=\"#backlog\">backlog</a>"
                     "<a href=\"#conflicts\">conflicts</a><a href=\"#bisections\">bisections</a>"
                     "<a href=\"data.json\">data.json</a></nav>"
                     "<div class=\"muted\">primary metric {} · generated {}</div></header>\n<main>\n",
                     esc(title), esc(dashboard.overview.primary_metric), esc(dashboard.overview.generated_at));
  out += overview_section(dashboard);
  out += current_section(dashboard);
  out += baseline_section(dashboard);
  out += trend_section(dashboard);
  out += experiments_section(dashboard);
  out += notes_section("learnings", "Learnings", dashboard.learnings, "No learnings yet (<code>zkbench learn</code>).");
  out += notes_section("backlog", "Backlog", dashboard.backlog, "No ideas yet (<code>zkbench idea</code>).");
  out += conflicts_section(dashboard);
  out += bisections_section(dashboard);
  out += "</main>\n";
  return out + html::page_tail();
}

} // namespace zkbench::report
