#include "provers/report_block.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/experiment.hpp"
#include "util/strings.hpp"

namespace zkbench::provers {

std::string short_gpu_name(std::string_view name) {
  std::string_view out = util::trim(name);
  for (const std::string_view prefix : {"NVIDIA ", "GeForce "}) {
    if (util::starts_with(out, prefix)) {
      out.remove_prefix(prefix.size());
    }
  }
  return std::string(out);
}

std::string format_count(double value) {
  const double magnitude = std::fabs(value);
  const auto scaled = [](double v, const char* suffix) {
    // Three significant digits, trailing zeros dropped: 1.50 -> 1.5, 92.9, 100.
    std::string digits = v >= 100 ? fmt::format("{:.0f}", v)
                         : v >= 10 ? fmt::format("{:.1f}", v)
                                   : fmt::format("{:.2f}", v);
    if (digits.find('.') != std::string::npos) {
      digits.erase(digits.find_last_not_of('0') + 1);
      if (digits.back() == '.') {
        digits.pop_back();
      }
    }
    return digits + suffix;
  };
  if (magnitude >= 1e12) {
    return scaled(value / 1e12, "T");
  }
  if (magnitude >= 1e9) {
    return scaled(value / 1e9, "B");
  }
  if (magnitude >= 1e6) {
    return scaled(value / 1e6, "M");
  }
  if (magnitude >= 1e3) {
    return scaled(value / 1e3, "K");
  }
  return fmt::format("{:.0f}", value);
}

std::string format_seconds(double seconds) {
  if (seconds >= 100) {
    return fmt::format("{:.0f}s", seconds);
  }
  if (seconds >= 10) {
    return fmt::format("{:.1f}s", seconds);
  }
  return fmt::format("{:.2f}s", seconds);
}

std::string format_zkvm_report(const ZkvmReport& report) {
  std::string out = fmt::format("zkVM Experiment {}: {}\n", core::ExperimentNumber(report.number), report.name);
  out += fmt::format("Prover: {}\n", report.prover.empty() ? "unknown" : report.prover);
  out += fmt::format("GPU: {}\n", report.gpu.empty() ? "none" : short_gpu_name(report.gpu));
  if (report.baseline_s && *report.baseline_s > 0) {
    out += fmt::format("Proof time: {} (baseline: {})\n", format_seconds(report.proof_time_s),
                       format_seconds(*report.baseline_s));
    const double change = (report.proof_time_s - *report.baseline_s) / *report.baseline_s * 100.0;
    out += fmt::format("Change: {:+.1f}%\n", change);
  } else {
    out += fmt::format("Proof time: {} (no baseline)\n", format_seconds(report.proof_time_s));
    out += "Change: n/a\n";
  }
  if (report.steps) {
    out += fmt::format("{}: {}\n", report.steps_label, format_count(*report.steps));
  }
  out += fmt::format("Verdict: {}\n", report.verdict.empty() ? "n/a" : report.verdict);
  return out;
}

} // namespace zkbench::provers
