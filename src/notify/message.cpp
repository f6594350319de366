#include "notify/message.hpp"

#include <cmath>

#include <fmt/format.h>

namespace zkbench::notify {

namespace {

// The rule line of §7.3 (U+2501, 23 times).
constexpr const char* k_rule = "━━━━━━━━━━━━━━━━━━━━━━━";

std::string experiment_label(const Event& event) {
  return event.experiment_id.empty() ? std::string("Experiment")
                                     : fmt::format("Experiment {}", event.experiment_id);
}

std::string verdict_mark(const std::string& verdict) {
  if (verdict == "improvement") {
    return " ✅";
  }
  if (verdict == "regression") {
    return " ❌";
  }
  if (verdict == "no_change") {
    return " ➖";
  }
  if (verdict == "inconclusive") {
    return " ❔";
  }
  return "";
}

std::string delta_label(const std::string& verdict) {
  if (verdict == "improvement") {
    return "Improvement";
  }
  if (verdict == "regression") {
    return "Regression";
  }
  return "Change";
}

std::string trim_zeros(std::string text) {
  if (text.find('.') == std::string::npos) {
    return text;
  }
  while (!text.empty() && text.back() == '0') {
    text.pop_back();
  }
  if (!text.empty() && text.back() == '.') {
    text.pop_back();
  }
  return text;
}

} // namespace

std::string_view event_kind_name(EventKind kind) {
  switch (kind) {
  case EventKind::baseline_complete:
    return "baseline_complete";
  case EventKind::experiment_complete:
    return "experiment_complete";
  case EventKind::finding:
    return "finding";
  case EventKind::error:
    return "error";
  case EventKind::all_complete:
    return "all_complete";
  case EventKind::bisect_complete:
    return "bisect_complete";
  case EventKind::test:
    return "test";
  }
  return "unknown";
}

std::string format_value(double value, const std::string& unit) {
  // Small values keep three significant digits; larger ones two decimals, trailing zeros dropped.
  const std::string number = std::fabs(value) < 1.0 && value != 0.0 ? fmt::format("{:.3g}", value)
                                                                   : trim_zeros(fmt::format("{:.2f}", value));
  return number + unit;
}

std::string format_title(const Event& event) {
  const std::string project = event.project.empty() ? std::string("Benchmark") : event.project;
  switch (event.kind) {
  case EventKind::baseline_complete:
    return fmt::format("🔬 [{}] Baseline Complete", project);
  case EventKind::experiment_complete:
    return fmt::format("🔬 [{}] {} Complete", project, experiment_label(event));
  case EventKind::finding:
    return fmt::format("🎯 [{}] Significant Finding: {}", project, experiment_label(event));
  case EventKind::error:
    return event.experiment_id.empty() ? fmt::format("🚨 [{}] Error", project)
                                       : fmt::format("🚨 [{}] Error in {}", project, experiment_label(event));
  case EventKind::all_complete:
    return fmt::format("🏁 [{}] All Experiments Complete", project);
  case EventKind::bisect_complete:
    return fmt::format("🔎 [{}] Bisect {} Complete", project, event.experiment_id);
  case EventKind::test:
    return fmt::format("🔔 [{}] Test Notification", project);
  }
  return fmt::format("[{}] Notification", project);
}

std::string format_text(const Event& event) {
  std::string body;
  const auto line = [&body](const std::string& text) {
    body += text;
    body += '\n';
  };
  if (!event.name.empty()) {
    line("Name: " + event.name);
  }
  if (event.result && event.baseline) {
    line(fmt::format("Result: {} (baseline: {})", format_value(*event.result, event.unit),
                     format_value(*event.baseline, event.unit)));
  } else if (event.result) {
    line("Result: " + format_value(*event.result, event.unit));
  } else if (event.baseline) {
    line("Baseline: " + format_value(*event.baseline, event.unit));
  }
  if (event.delta_pct) {
    line(fmt::format("{}: {:+.1f}%{}", delta_label(event.verdict), *event.delta_pct,
                     verdict_mark(event.verdict)));
  }
  if (!event.status.empty()) {
    line("Status: " + event.status);
  }
  if (!event.detail.empty()) {
    line(event.detail);
  }

  std::string footer;
  if (event.total > 0) {
    footer += fmt::format("Progress: {}/{} experiments\n", event.done, event.total);
  }
  if (!event.dashboard_url.empty()) {
    footer += "Dashboard: " + event.dashboard_url + "\n";
  }

  std::string text = format_title(event) + "\n";
  if (!body.empty()) {
    text += std::string(k_rule) + "\n" + body;
  }
  if (!footer.empty()) {
    text += std::string(k_rule) + "\n" + footer;
  }
  text.pop_back(); // the last newline: Slack shows it as an empty line
  return text;
}

nlohmann::json to_json(const Event& event) {
  nlohmann::json body;
  body["event"] = std::string(event_kind_name(event.kind));
  body["title"] = format_title(event);
  body["text"] = format_text(event);
  const auto put = [&body](const char* key, const std::string& value) {
    if (!value.empty()) {
      body[key] = value;
    }
  };
  put("project", event.project);
  put("experiment_id", event.experiment_id);
  put("name", event.name);
  if (event.result) {
    body["result"] = *event.result;
  }
  if (event.baseline) {
    body["baseline"] = *event.baseline;
  }
  if (event.result || event.baseline) {
    body["unit"] = event.unit;
  }
  if (event.delta_pct) {
    body["delta_pct"] = *event.delta_pct;
  }
  put("verdict", event.verdict);
  put("status", event.status);
  if (event.total > 0) {
    body["progress"] = {{"done", event.done}, {"total", event.total}};
  }
  put("dashboard_url", event.dashboard_url);
  put("detail", event.detail);
  return body;
}

} // namespace zkbench::notify
