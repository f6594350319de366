#include "workflow/notifications.hpp"

#include <cmath>

#include <fmt/format.h>

#include "measure/run_loop.hpp"
#include "notify/message.hpp"
#include "notify/notifier.hpp"
#include "report/dashboard_model.hpp"
#include "workflow/bisect_report.hpp"

namespace zkbench::workflow {

namespace {

// The mark of §7.3 (✅ ❌ ➖ ❔) follows the dashboard's colours of the verdict.
std::string verdict_word(core::Outcome verdict, bool regression) {
  if (verdict == core::Outcome::failed) {
    return "regression";
  }
  switch (report::verdict_kind(verdict, regression)) {
  case report::svg::Verdict::improvement:
    return "improvement";
  case report::svg::Verdict::regression:
    return "regression";
  case report::svg::Verdict::no_change:
    return "no_change";
  case report::svg::Verdict::inconclusive:
    return "inconclusive";
  case report::svg::Verdict::running:
    break;
  }
  return "";
}

notify::Event event_of(const NotifyContext& context, notify::EventKind kind) {
  notify::Event event;
  event.kind = kind;
  event.project = context.project;
  event.dashboard_url = context.dashboard_url;
  return event;
}

} // namespace

NotifyContext notify_context(const project::Workspace& ws) {
  NotifyContext context;
  context.project = ws.root().filename().string();
  context.dashboard_url = ws.project.config.dashboard_url.empty()
                              ? fmt::format("http://{}:8080/", measure::host_name())
                              : ws.project.config.dashboard_url;
  return context;
}

Progress progress_of(const std::vector<store::ExperimentRecord>& experiments) {
  Progress progress;
  progress.total = static_cast<int>(experiments.size());
  for (const store::ExperimentRecord& e : experiments) {
    progress.done += e.outcome() == core::Outcome::none ? 0 : 1;
  }
  return progress;
}

notify::Event baseline_event(const NotifyContext& context, const workflow::BaselineOutcome& outcome) {
  notify::Event event = event_of(context, notify::EventKind::baseline_complete);
  double total = 0;
  std::string detail = fmt::format("Commit: {}", outcome.commit.substr(0, 12));
  for (const workflow::BaselineInputSummary& input : outcome.inputs) {
    total += input.median_s;
    detail += fmt::format("\n{}: median {} (CV {:.1f}%, {} runs)", input.input, notify::format_value(input.median_s, "s"),
                          input.cv * 100, input.runs);
  }
  if (!outcome.inputs.empty()) {
    event.baseline = total;
  }
  event.detail = detail;
  return event;
}

notify::Event experiment_event(const NotifyContext& context, const store::ExperimentRecord& experiment,
                               const std::vector<verdict::CommandComparison>& comparisons,
                               const std::string& primary_metric, const Progress& progress) {
  notify::Event event = event_of(context, notify::EventKind::experiment_complete);
  event.experiment_id = experiment.experiment_number().format();
  event.name = experiment.name;
  event.status = experiment.verdict;
  const core::Outcome outcome = experiment.outcome().value_or(core::Outcome::none);
  // A DISCARD is a "regression" only when an input's comparison established one.
  event.verdict = verdict_word(outcome, std::any_of(comparisons.begin(), comparisons.end(), [](const auto& c) {
                                 return c.decision.regression;
                               }));
  event.done = progress.done;
  event.total = progress.total;
  if (experiment.change && std::isfinite(*experiment.change)) {
    event.delta_pct = *experiment.change * 100;
  }
  double base = 0;
  double cand = 0;
  bool complete = !comparisons.empty();
  std::string metric;
  for (const verdict::CommandComparison& c : comparisons) {
    const verdict::MetricComparison* m = verdict::primary_comparison(c.metrics, primary_metric);
    if (m == nullptr || m->baseline.n == 0 || m->candidate.n == 0) {
      complete = false;
      break;
    }
    base += m->baseline.mean;
    cand += m->candidate.mean;
    metric = m->metric;
  }
  if (complete) {
    event.baseline = base;
    event.result = cand;
    event.unit = verdict::is_builtin_metric(metric) ? "s" : " " + metric; // time, cpu: seconds
  }
  if (outcome == core::Outcome::reject || outcome == core::Outcome::kill || outcome == core::Outcome::failed) {
    event.detail = experiment.close_reason;
  }
  return event;
}

bool is_finding(const store::ExperimentRecord& experiment) {
  return experiment.outcome() && core::is_improvement(*experiment.outcome()) && experiment.change &&
         -*experiment.change * 100 > notify::k_finding_threshold_pct;
}

std::vector<notify::Event> experiment_events(const NotifyContext& context, const workflow::ExperimentOutcome& outcome,
                                             const std::vector<store::ExperimentRecord>& all,
                                             const std::string& primary_metric) {
  const store::ExperimentRecord& e = outcome.experiment;
  const Progress progress = progress_of(all);
  std::vector<notify::Event> events;
  events.push_back(experiment_event(context, e, outcome.comparisons, primary_metric, progress));
  if (is_finding(e)) {
    notify::Event finding = events.front();
    finding.kind = notify::EventKind::finding;
    finding.detail = fmt::format("More than {:.0f}% better than the baseline", notify::k_finding_threshold_pct);
    events.push_back(std::move(finding));
  }
  if (!outcome.failure.empty()) {
    events.push_back(error_event(context, "experiment " + e.experiment_number().format(), outcome.failure,
                                 e.experiment_number()));
  }
  if (auto done = all_complete_event(context, all)) {
    events.push_back(std::move(*done));
  }
  return events;
}

std::optional<notify::Event> all_complete_event(const NotifyContext& context,
                                                const std::vector<store::ExperimentRecord>& all) {
  const Progress progress = progress_of(all);
  if (progress.total == 0 || progress.done < progress.total) {
    return std::nullopt;
  }
  notify::Event done = event_of(context, notify::EventKind::all_complete);
  done.done = progress.done;
  done.total = progress.total;
  const store::ExperimentRecord* best = nullptr;
  int kept = 0;
  for (const store::ExperimentRecord& candidate : all) {
    if (candidate.outcome() == core::Outcome::keep && candidate.change) {
      ++kept;
      if (best == nullptr || *candidate.change < *best->change) {
        best = &candidate;
      }
    }
  }
  done.detail = best == nullptr ? std::string("No experiment was kept")
                                : fmt::format("Kept: {}; best: {} {} ({:+.1f}%)", kept,
                                              best->experiment_number().format(), best->name, *best->change * 100);
  return done;
}

notify::Event bisect_event(const NotifyContext& context, const workflow::BisectOutcome& outcome) {
  notify::Event event = event_of(context, notify::EventKind::bisect_complete);
  event.experiment_id = outcome.id;
  event.name = bisect_answer(outcome);
  if (!outcome.evidence.empty() && !std::isnan(outcome.evidence.front().change)) {
    // The ends' first comparison: GOOD against BAD (or BAD against GOOD when put the other way round).
    const workflow::BisectEvidence& ends = outcome.evidence.front();
    const double change = ends.candidate == outcome.bad ? ends.change : 1.0 / (1.0 + ends.change) - 1.0;
    event.delta_pct = change * 100;
  }
  event.verdict = outcome.direction == workflow::Shift::slower   ? "regression"
                  : outcome.direction == workflow::Shift::faster ? "improvement"
                                                                 : "no_change";
  event.status = outcome.direction == workflow::Shift::none            ? "NO DIFFERENCE"
                 : outcome.search && outcome.search->exact()           ? "CULPRIT"
                                                                       : "RANGE";
  event.detail = fmt::format("{} of {}..{} ({} commits); cost: {}", outcome.metric, outcome.good.substr(0, 12),
                             outcome.bad.substr(0, 12), outcome.commits.size() - 1, outcome.cost.describe());
  return event;
}

notify::Event error_event(const NotifyContext& context, const std::string& what, const std::string& message,
                          core::ExperimentNumber experiment) {
  notify::Event event = event_of(context, notify::EventKind::error);
  if (experiment.value() > 0) {
    event.experiment_id = experiment.format();
  }
  event.detail = fmt::format("{} stopped: {}", what, message);
  return event;
}

WorkflowNotifications::WorkflowNotifications(const project::Workspace& ws, std::function<void(const std::string&)> warn)
    : m_context(notify_context(ws)), m_warn(std::move(warn)) {
  auto notifiers = notify::load_notifiers(notify::MissingSecrets::allowed);
  if (!notifiers) {
    m_warn(fmt::format("notifications are off: {}", notifiers.error().message));
    return;
  }
  if (notifiers->empty()) {
    return;
  }
  m_dispatcher = std::make_unique<notify::Dispatcher>(
      std::move(*notifiers), notify::DeliveryPolicy{},
      [warn = m_warn](const std::string& line) { warn(fmt::format("notification: {}", line)); });
}

WorkflowNotifications::~WorkflowNotifications() {
  if (m_dispatcher && !m_dispatcher->flush(k_notify_flush)) {
    m_warn(fmt::format("notifications not delivered within {} s: dropped", k_notify_flush.count() / 1000));
  }
}

void WorkflowNotifications::send(notify::Event event) {
  if (m_dispatcher) {
    m_dispatcher->enqueue(std::move(event));
  }
}

void WorkflowNotifications::send(const std::vector<notify::Event>& events) {
  for (const notify::Event& event : events) {
    send(event);
  }
}

} // namespace zkbench::workflow
