#include "report/ci_summary.hpp"

#include <cmath>
#include <string_view>

#include <fmt/format.h>

#include "report/time_unit.hpp"
#include "util/error.hpp"

namespace zkbench::report {

namespace {

// A Markdown table cell: '|' would end the cell and a newline the row.
std::string cell(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') {
      out += "\\|";
    } else {
      out += c == '\n' ? ' ' : c;
    }
  }
  return out;
}

// Exact for the integers deterministic metrics are (steps, cycles, bytes); shortest round-trip otherwise.
std::string exact(double value) {
  if (!std::isfinite(value)) {
    return "-";
  }
  if (std::abs(value) < 9.0e15 && value == std::trunc(value)) {
    return fmt::format("{}", static_cast<long long>(value));
  }
  return fmt::format("{}", value);
}

std::string figure(const verdict::MetricComparison& m, double value) {
  if (!std::isfinite(value)) {
    return "-";
  }
  if (verdict::is_builtin_metric(m.metric)) { // time, cpu: seconds
    return format_time(value, TimeUnit::automatic);
  }
  return value == std::trunc(value) ? exact(value) : fmt::format("{:.4g}", value);
}

std::string change_with_interval(const verdict::MetricComparison& m) {
  if (!std::isfinite(m.change)) {
    return "-";
  }
  if (m.deterministic) {
    return verdict::percent(m.change) + " (exact)";
  }
  if (!m.ci_lo && !m.ci_hi) {
    return verdict::percent(m.change) + " (no interval)";
  }
  return verdict::change_text(m.change, m.ci_lo, m.ci_hi);
}

std::string exit_meaning(int status) {
  switch (status) {
  case static_cast<int>(ExitCode::success):
    return "no regression";
  case static_cast<int>(ExitCode::regression):
    return "regression";
  default:
    return "error";
  }
}

} // namespace

std::string render_ci_summary(const CiSummary& s) {
  std::string out = fmt::format("## {}: {}\n\n", cell(s.title), verdict::to_string(s.overall.verdict));
  out += fmt::format("**Overall ({} policy): {}{}** — {}\n\n", s.policy, verdict::to_string(s.overall.verdict),
                     s.overall.regression ? " (regression)" : "", cell(s.overall.reason));

  out += fmt::format("| Input | Verdict | {} baseline | {} candidate | Change [deciding interval] |\n", s.primary_metric,
                     s.primary_metric);
  out += "|---|---|---:|---:|---|\n";
  for (const auto& input : s.inputs) {
    const verdict::MetricComparison* m = verdict::primary_comparison(input.metrics, input.metric);
    if (m == nullptr) {
      out += fmt::format("| {} | {} | - | - | - |\n", cell(input.command), verdict::to_string(input.decision.verdict));
      continue;
    }
    out += fmt::format("| {} | {} | {} (n={}) | {} (n={}) | {} |\n", cell(input.command),
                       verdict::to_string(input.decision.verdict), figure(*m, m->baseline.mean), m->baseline.n,
                       figure(*m, m->candidate.mean), m->candidate.n, change_with_interval(*m));
  }
  for (const auto& input : s.inputs) { // what each deciding interval is
    const verdict::MetricComparison* m = verdict::primary_comparison(input.metrics, input.metric);
    if (m != nullptr && !m->deterministic) {
      out += fmt::format("\n{}: {} interval: {}\n", cell(input.command), m->metric, cell(m->interval));
    }
  }

  std::string exact_rows;
  for (const auto& input : s.inputs) {
    for (const auto& m : input.metrics) {
      if (!m.deterministic || m.baseline.n == 0 || m.candidate.n == 0) {
        continue;
      }
      const double delta = m.candidate.mean - m.baseline.mean;
      exact_rows += fmt::format("| {} | {} | {} | {} | {}{} | {} |\n", cell(input.command), cell(m.metric),
                                exact(m.baseline.mean), exact(m.candidate.mean), delta > 0 ? "+" : "", exact(delta),
                                std::isfinite(m.change) ? fmt::format("{:+.4f}%", m.change * 100) : "-");
    }
  }
  if (!exact_rows.empty()) {
    out += "\n### Deterministic metrics (equal in every run: exact deltas)\n\n";
    out += "| Input | Metric | Baseline | Candidate | Delta | Change |\n|---|---|---:|---:|---:|---:|\n";
    out += exact_rows;
  }

  out += "\n### Reasons\n\n";
  for (const auto& input : s.inputs) {
    out += fmt::format("- **{}** {}: {}\n", cell(input.command), verdict::to_string(input.decision.verdict),
                       cell(input.decision.reason));
  }
  out += fmt::format("\n**Exit status {}** ({}). `zkbench compare` and `zkbench ab` exit 4 when the overall verdict "
                     "is a regression (a slowdown or growth the policy rejects), 0 otherwise, 1-3 on errors; "
                     "`zkbench exp run` records its verdict and exits 0. A non-blocking CI check lets 4 pass as a "
                     "warning (docs/ci.md).\n",
                     s.exit_status, exit_meaning(s.exit_status));
  return out;
}

} // namespace zkbench::report
