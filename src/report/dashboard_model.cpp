// The dashboard model's helpers: verdict colours, the overview summary, JSON for data.json and the API.
#include "report/dashboard_model.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "stats/descriptive.hpp"
#include "stats/inference.hpp"

namespace zkbench::report {

bool established_regression(std::optional<double> change_ci_low_pct) {
  return change_ci_low_pct && *change_ci_low_pct > 0;
}

svg::Verdict verdict_kind(core::Outcome verdict, bool regression) {
  switch (verdict) {
  case core::Outcome::none:
    return svg::Verdict::running;
  case core::Outcome::keep:
    return svg::Verdict::improvement;
  case core::Outcome::kill:
  case core::Outcome::reject:
    return svg::Verdict::regression;
  case core::Outcome::discard:
    // A DISCARD is "not worth it" (no gain shown) or an established slowdown; only the latter is red: a
    // no-op's +2.9% [-5.0%, +11.2%] is no regression.
    return regression ? svg::Verdict::regression : svg::Verdict::no_change;
  default:
    return svg::Verdict::inconclusive;
  }
}

Estimate estimate_of(std::span<const double> values) {
  Estimate estimate;
  estimate.n = values.size();
  if (values.empty()) {
    return estimate;
  }
  estimate.mean = stats::mean(values);
  estimate.median = stats::median(values);
  if (values.size() >= 2) {
    const double df = static_cast<double>(values.size() - 1);
    const double half = stats::student_t_quantile(0.975, df) * stats::stddev(values) /
                        std::sqrt(static_cast<double>(values.size()));
    estimate.ci_low = estimate.mean - half;
    estimate.ci_high = estimate.mean + half;
  }
  return estimate;
}

void summarise(Dashboard& dashboard) {
  Overview& overview = dashboard.overview;
  overview.experiments_total = static_cast<int>(dashboard.experiments.size());
  overview.experiments_done = 0;
  overview.best_change_pct.reset();
  overview.best_experiment.reset();
  for (const Experiment& experiment : dashboard.experiments) {
    if (experiment.verdict != core::Outcome::none) {
      ++overview.experiments_done;
    }
    if (experiment.verdict == core::Outcome::keep && experiment.change_pct &&
        (!overview.best_change_pct || *experiment.change_pct < *overview.best_change_pct)) {
      overview.best_change_pct = experiment.change_pct;
      overview.best_experiment = experiment.number.value();
    }
  }
}

namespace {

nlohmann::json optional_json(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json estimate_json(const Estimate& estimate) {
  return {{"mean", estimate.mean},
          {"median", optional_json(estimate.median)},
          {"ci_low", optional_json(estimate.ci_low)},
          {"ci_high", optional_json(estimate.ci_high)},
          {"n", estimate.n}};
}

nlohmann::json overview_json(const Overview& overview) {
  return {{"project", overview.project},
          {"primary_metric", overview.primary_metric},
          {"unit", overview.unit},
          {"status", overview.running ? "running" : "complete"},
          {"experiments_done", overview.experiments_done},
          {"experiments_total", overview.experiments_total},
          {"best_change_pct", optional_json(overview.best_change_pct)},
          {"best_experiment", overview.best_experiment ? nlohmann::json(*overview.best_experiment) : nullptr},
          {"elapsed_s", overview.elapsed_s},
          {"generated_at", overview.generated_at}};
}

nlohmann::json baseline_json(const BaselineSection& baseline) {
  nlohmann::json environment = nlohmann::json::object();
  for (const auto& [key, value] : baseline.environment) {
    environment[key] = value;
  }
  nlohmann::json inputs = nlohmann::json::array();
  for (const BaselineSection::Input& input : baseline.inputs) {
    nlohmann::json metrics = nlohmann::json::array();
    for (const MetricEstimate& metric : input.metrics) {
      nlohmann::json entry = estimate_json(metric.estimate);
      entry["metric"] = metric.metric;
      entry["unit"] = metric.unit;
      metrics.push_back(std::move(entry));
    }
    inputs.push_back({{"input", input.input}, {"metrics", std::move(metrics)}});
  }
  return {{"commit", baseline.commit},
          {"environment", std::move(environment)},
          {"inputs", std::move(inputs)},
          {"primary", baseline.primary ? estimate_json(*baseline.primary) : nlohmann::json(nullptr)}};
}

nlohmann::json current_json(const std::optional<CurrentRun>& current) {
  if (!current) {
    return nullptr;
  }
  return {{"experiment", current->experiment},
          {"name", current->name},
          {"runs_done", current->runs_done},
          {"runs_total", current->runs_total},
          {"log_tail", current->log_tail},
          {"waiting", current->waiting},
          {"scheduler", current->scheduler_job.empty()
                            ? nlohmann::json(nullptr)
                            : nlohmann::json{{"job", current->scheduler_job},
                                             {"node", current->node},
                                             {"state", current->state}}}};
}

nlohmann::json notes_json(const std::vector<Note>& notes) {
  nlohmann::json out = nlohmann::json::array();
  for (const Note& note : notes) {
    out.push_back({{"text", note.text}, {"date", note.date}, {"done", note.done}});
  }
  return out;
}

nlohmann::json functions_json(const std::vector<FunctionChange>& functions) {
  nlohmann::json out = nlohmann::json::array();
  for (const FunctionChange& function : functions) {
    out.push_back({{"function", function.function}, {"change_pct", function.change_pct}});
  }
  return out;
}

} // namespace

nlohmann::json to_json(const Experiment& experiment, ExperimentDetail detail) {
  nlohmann::json out = {{"number", experiment.number.value()},
                        {"id", experiment.number.format()},
                        {"name", experiment.name},
                        {"status", core::to_string(experiment.status)},
                        {"verdict", core::to_string(experiment.verdict)},
                        {"change_pct", optional_json(experiment.change_pct)},
                        {"change_ci_low_pct", optional_json(experiment.change_ci_low_pct)},
                        {"change_ci_high_pct", optional_json(experiment.change_ci_high_pct)},
                        {"primary", experiment.primary ? estimate_json(*experiment.primary) : nlohmann::json(nullptr)},
                        {"runs_used", experiment.runs_used},
                        {"cost", experiment.cost ? nlohmann::json(nlohmann::ordered_json(*experiment.cost)) : nlohmann::json(nullptr)},
                        {"branch", experiment.branch}};
  if (detail == ExperimentDetail::summary) {
    return out;
  }
  nlohmann::json inputs = nlohmann::json::array();
  for (const InputResult& input : experiment.inputs) {
    inputs.push_back({{"input", input.input},
                      {"baseline", estimate_json(input.baseline)},
                      {"candidate", estimate_json(input.candidate)},
                      {"change_pct", optional_json(input.change_pct)},
                      {"change_ci_low_pct", optional_json(input.change_ci_low_pct)},
                      {"change_ci_high_pct", optional_json(input.change_ci_high_pct)},
                      {"verdict", core::to_string(input.verdict)},
                      {"baseline_runs", input.baseline_runs},
                      {"candidate_runs", input.candidate_runs}});
    if (input.gpu) {
      inputs.back()["gpu"] = {{"runs", input.gpu->runs},
                              {"energy_joules_median", input.gpu->energy_joules_median},
                              {"memory_peak_bytes", input.gpu->memory_peak_bytes},
                              {"throttled_runs", input.gpu->throttled_runs}};
    }
  }
  nlohmann::json stopping = nlohmann::json::array();
  for (const StoppingPoint& point : experiment.stopping) {
    stopping.push_back({{"pairs", point.pairs},
                        {"estimate_pct", point.estimate_pct},
                        {"low_pct", point.low_pct},
                        {"high_pct", point.high_pct}});
  }
  out["inputs"] = std::move(inputs);
  out["stopping"] = std::move(stopping);
  out["stopped_at"] = experiment.stopped_at ? nlohmann::json(*experiment.stopped_at) : nullptr;
  out["profile_up"] = functions_json(experiment.profile_up);
  out["profile_down"] = functions_json(experiment.profile_down);
  out["reasoning"] = experiment.reasoning;
  out["hypothesis"] = experiment.hypothesis;
  out["patch"] = experiment.patch;
  return out;
}

nlohmann::json status_json(const Dashboard& dashboard) {
  nlohmann::json out = overview_json(dashboard.overview);
  out["baseline"] = dashboard.baseline && dashboard.baseline->primary ? estimate_json(*dashboard.baseline->primary)
                                                                       : nlohmann::json(nullptr);
  out["current"] = current_json(dashboard.current);
  return out;
}

nlohmann::json to_json(const Dashboard& dashboard, ExperimentDetail detail) {
  nlohmann::json experiments = nlohmann::json::array();
  for (const Experiment& experiment : dashboard.experiments) {
    experiments.push_back(to_json(experiment, detail));
  }
  nlohmann::json bisections = nlohmann::json::array();
  for (const core::BisectRecord& bisection : dashboard.bisections) {
    bisections.push_back(nlohmann::json(core::to_json(bisection)));
  }
  nlohmann::json conflicts = nlohmann::json::array();
  for (const Conflict& conflict : dashboard.conflicts) {
    conflicts.push_back({{"experiments", conflict.experiments},
                         {"combined_change_pct", optional_json(conflict.combined_change_pct)},
                         {"best_change_pct", optional_json(conflict.best_change_pct)},
                         {"conflict", conflict.conflict},
                         {"note", conflict.note}});
  }
  return {{"overview", overview_json(dashboard.overview)},
          {"baseline", dashboard.baseline ? baseline_json(*dashboard.baseline) : nlohmann::json(nullptr)},
          {"experiments", std::move(experiments)},
          {"current", current_json(dashboard.current)},
          {"learnings", notes_json(dashboard.learnings)},
          {"backlog", notes_json(dashboard.backlog)},
          {"conflicts", std::move(conflicts)},
          {"bisections", std::move(bisections)},
          {"warnings", dashboard.warnings}};
}

svg::TrendChart trend_chart(const Dashboard& dashboard) {
  // Each experiment was judged against its own baseline by a weighted change over the inputs: plot that
  // change (and its interval), so every point sits on the scale it was judged on and 0 % is each
  // experiment's own baseline. Experiments are independent: points, not a line through them.
  svg::TrendChart chart;
  const std::string metric =
      dashboard.overview.primary_metric.empty() ? std::string("Primary metric") : dashboard.overview.primary_metric;
  chart.title = fmt::format("{}: change against each experiment's baseline", metric);
  chart.y_label = fmt::format("{} change (%)", metric);
  chart.baseline = 0;
  chart.baseline_label = "baseline (each experiment's own)";
  for (const Experiment& experiment : dashboard.experiments) {
    if (!experiment.primary || !experiment.change_pct) {
      continue;
    }
    chart.points.push_back({experiment.number.value(), *experiment.change_pct, experiment.change_ci_low_pct,
                            experiment.change_ci_high_pct, verdict_kind(experiment.verdict, established_regression(experiment.change_ci_low_pct)),
                            experiment.number.format() + " " + experiment.name});
  }
  return chart;
}

} // namespace zkbench::report
