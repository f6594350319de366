#include "provers/zisk.hpp"

#include <cctype>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
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

bool is_hex_word(std::string_view line) {
  if (line.size() != 8) {
    return false;
  }
  for (const char c : line) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
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

Result<ZiskResult> parse_zisk_result_json(std::string_view text) {
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return make_error("result.json: not a JSON object");
  }
  ZiskResult result;
  if (!json.contains("cycles") || !json["cycles"].is_number()) {
    return make_error("result.json: 'cycles' missing or not a number");
  }
  if (!json.contains("time") || !json["time"].is_number()) {
    return make_error("result.json: 'time' missing or not a number");
  }
  result.cycles = json["cycles"].get<double>();
  result.time_s = json["time"].get<double>();
  if (json.contains("id")) {
    result.id = json["id"].is_string() ? json["id"].get<std::string>() : json["id"].dump();
  }
  return result;
}

Result<ZiskResult> read_zisk_result_json(const std::filesystem::path& path) {
  std::error_code ec;
  const auto file = std::filesystem::is_directory(path, ec) ? path / "result.json" : path;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return make_error(fmt::format("cannot open '{}'", file.string()));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return with_context(parse_zisk_result_json(ss.str()), file.string());
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

std::vector<std::string> zisk_public_outputs(std::string_view text) {
  std::vector<std::string> block;
  std::vector<std::string> last;
  for (const std::string& raw : util::split(text, '\n')) {
    const std::string_view line = util::trim(raw);
    if (is_hex_word(line)) {
      block.emplace_back(line);
    } else if (!block.empty()) {
      last = std::move(block);
      block.clear();
    }
  }
  return block.empty() ? last : block;
}

} // namespace zkbench::provers
