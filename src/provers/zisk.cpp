#include "provers/zisk.hpp"

#include <re2/re2.h>

#include "util/strings.hpp"

namespace zkbench::provers {

namespace {

std::optional<double> number(const std::string& text) {
  return util::parse_number(text);
}

std::optional<double> milliseconds(const std::string& text) {
  const auto ms = util::parse_number(text);
  return ms ? std::optional<double>(*ms / 1000.0) : std::nullopt;
}

} // namespace

ProverMetrics parse_zisk_prove_output(std::string_view text) {
  ProverMetrics m;
  std::string value;
  std::string steps;
  // v0.17+.
  static const RE2 proof_time(R"(Proof Time:\s*([\d.,]+)\s*seconds)");
  static const RE2 execution(R"(Execution completed in\s*([\d.,]+)ms,\s*steps:\s*([\d,]+))");
  // v0.15: "time: 91.706 seconds, steps: 4450272" under "► Statistics".
  static const RE2 statistics(R"(time:\s*([\d.,]+)\s*seconds,\s*steps:\s*([\d,]+))");
  static const RE2 generating(R"(stop <<< GENERATING_VADCOP_PROOF\s+(\d+)ms)");
  if (RE2::PartialMatch(text, proof_time, &value)) {
    m.proof_time_s = number(value);
  }
  if (RE2::PartialMatch(text, execution, &value, &steps)) {
    m.execution_time_s = milliseconds(value);
    m.steps = number(steps);
  }
  if (RE2::PartialMatch(text, statistics, &value, &steps)) {
    if (!m.proof_time_s) {
      m.proof_time_s = number(value);
    }
    if (!m.steps) {
      m.steps = number(steps);
    }
  }
  if (!m.proof_time_s && RE2::PartialMatch(text, generating, &value)) {
    m.proof_time_s = milliseconds(value);
  }
  static const RE2 summary(R"(Execution summary:\s*([^\n]*))");
  std::string parts;
  if (RE2::PartialMatch(text, summary, &parts)) {
    static const RE2 part(R"(^\s*(.*?)\s+(\d+)ms\s*$)");
    for (const std::string& piece : util::split(parts, '+')) {
      std::string name;
      std::string ms;
      if (RE2::FullMatch(piece, part, &name, &ms)) {
        m.regions[name] = *number(ms) / 1000.0;
      }
    }
  }
  return m;
}

VerifyOutcome parse_zisk_verify_output(std::string_view text) {
  VerifyOutcome outcome;
  bool failed = false;
  for (const std::string& raw : util::split(text, '\n')) {
    const std::string_view line = util::trim(raw);
    const bool success_line =
        line.find("✓") != std::string_view::npos &&
        (line.find("proof was verified") != std::string_view::npos ||
         line.find("constraints were verified") != std::string_view::npos ||
         line.find("constraints were successfully verified") != std::string_view::npos);
    if (success_line && outcome.evidence.empty()) {
      outcome.evidence = std::string(line.substr(line.find("✓")));
    }
    if (line.find("✗") != std::string_view::npos ||
        line.find("was not verified") != std::string_view::npos ||
        line.find("verification failed") != std::string_view::npos) {
      failed = true;
    }
  }
  outcome.verified = !outcome.evidence.empty() && !failed;
  static const RE2 summary_time(R"(VERIFICATION SUMMARY[\s\S]*?time:\s*([\d.,]+)\s*milliseconds)");
  std::string ms;
  if (RE2::PartialMatch(text, summary_time, &ms)) {
    outcome.time_s = milliseconds(ms);
  }
  return outcome;
}

ProverMetrics parse_ziskemu_output(std::string_view text) {
  ProverMetrics m;
  static const RE2 rom(R"(process_rom\(\) steps=(\d+) duration=([\d.]+))");
  static const RE2 steps_row(R"((?m)^[║\s]*STEPS\s+([\d,]+)\s*║?\s*$)");
  std::string steps;
  std::string duration;
  if (RE2::PartialMatch(text, rom, &steps, &duration)) {
    m.steps = util::parse_number(steps);
    m.execution_time_s = util::parse_number(duration);
  } else if (RE2::PartialMatch(text, steps_row, &steps)) {
    m.steps = util::parse_number(steps);
  }
  return m;
}

} // namespace zkbench::provers
