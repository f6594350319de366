#include "cli/comparison_output.hpp"

#include <cmath>
#include <cstdlib>
#include <fstream>

#include <fmt/format.h>

#include "report/figures.hpp"
#include "report/exporter.hpp"
#include "util/error.hpp"

namespace zkbench::cli {

namespace {

nlohmann::ordered_json number_or_null(double x) {
  return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json number_or_null(const std::optional<double>& x) {
  return x ? number_or_null(*x) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json side_json(const stats::Summary& s) {
  return {{"n", s.n},
          {"mean", number_or_null(s.mean)},
          {"median", number_or_null(s.median)},
          {"stddev", number_or_null(s.stddev)},
          {"cv", number_or_null(s.cv)}};
}

std::string fmt_p(const std::optional<double>& p) {
  return p && std::isfinite(*p) ? fmt::format("{:.3g}", *p) : "-";
}

std::string fmt_change(const verdict::MetricComparison& m) {
  if (!std::isfinite(m.change)) {
    return "-";
  }
  if (m.deterministic) {
    return verdict::percent(m.change);
  }
  return verdict::change_text(m.change, m.ci_lo, m.ci_hi);
}

} // namespace

nlohmann::ordered_json comparisons_json(std::span<const verdict::CommandComparison> commands, const verdict::Decision& overall) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& c : commands) {
    for (const auto& m : c.metrics) {
      nlohmann::ordered_json entry = {{"command", c.command},
                              {"metric", m.metric},
                              {"baseline", side_json(m.baseline)},
                              {"candidate", side_json(m.candidate)},
                              {"change", number_or_null(m.change)},
                              {"interval", {number_or_null(m.ci_lo), number_or_null(m.ci_hi)}},
                              {"interval_method", m.interval},
                              {"welch_p", number_or_null(m.welch_p)},
                              {"mwu_p", number_or_null(m.mwu_p)}};
      if (m.mwu_p_exact) {
        entry["mwu_p_exact"] = *m.mwu_p_exact;
      }
      entry["deterministic"] = m.deterministic;
      entry["verdict"] = verdict::to_string(m.decision.verdict);
      entry["reason"] = m.decision.reason;
      list.push_back(std::move(entry));
    }
  }
  return {{"comparisons", std::move(list)},
          {"overall",
           {{"verdict", verdict::to_string(overall.verdict)},
            {"reason", overall.reason},
            {"regression", overall.regression}}}};
}

std::string comparisons_table(std::span<const verdict::CommandComparison> commands, const verdict::Decision& overall,
                              const std::string& policy_name) {
  std::string out;
  for (const auto& c : commands) {
    out += fmt::format("{}  ->  {}: {}\n", c.command, verdict::to_string(c.decision.verdict), c.decision.reason);
    // Figures with their units as `run` prints them; columns sized to their cells so the header lines up.
    std::vector<std::vector<std::string>> rows = {{"metric", "baseline mean ± sd (n)", "candidate mean ± sd (n)",
                                                   "change [interval]", "welch p", "mwu p", "exact p", "verdict"}};
    const auto side = [](const std::string& metric, const stats::Summary& s) {
      return fmt::format("{} ({})", report::format_metric_spread(metric, s.mean, s.stddev), s.n);
    };
    for (const auto& m : c.metrics) {
      rows.push_back({m.metric, side(m.metric, m.baseline), side(m.metric, m.candidate), fmt_change(m), fmt_p(m.welch_p),
                      fmt_p(m.mwu_p), fmt_p(m.mwu_p_exact), verdict::to_string(m.decision.verdict)});
    }
    out += report::format_text_table(rows);
    for (const auto& m : c.metrics) {
      out += fmt::format("    {}: {}\n", m.metric, m.decision.reason);
    }
    for (const auto& m : c.metrics) {
      if (m.metric == c.metric && !m.deterministic) {
        out += fmt::format("    interval of {}: {}\n", m.metric, m.interval);
      }
    }
    out += "\n";
  }
  out += fmt::format("overall ({} policy): {}{}: {}\n", policy_name, verdict::to_string(overall.verdict),
                     overall.regression ? " (regression)" : "", overall.reason);
  return out;
}

int exit_code_for(const verdict::Decision& overall) {
  return static_cast<int>(overall.regression ? ExitCode::regression : ExitCode::success);
}

void export_ci_summary(const report::CiSummary& summary, const std::string& path) {
  const std::string markdown = report::render_ci_summary(summary);
  if (path == "-") {
    fmt::print("{}", markdown);
  } else if (!path.empty()) {
    value_or_fatal(report::write_text_file(path, markdown));
  }
  const char* step_summary = std::getenv("GITHUB_STEP_SUMMARY");
  if (step_summary != nullptr && *step_summary != '\0') {
    std::ofstream out(step_summary, std::ios::app);
    out << markdown << '\n';
    if (!out) {
      throw Fatal(fmt::format("cannot append to $GITHUB_STEP_SUMMARY '{}'", step_summary));
    }
  }
}

void check_ci_summary_path(const std::string& path) {
  if (!path.empty() && path != "-") {
    if (auto writable = report::check_writable(path); !writable) {
      throw Fatal(writable.error().message, {}, ExitCode::usage);
    }
  }
}

} // namespace zkbench::cli
