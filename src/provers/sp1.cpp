#include "provers/sp1.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include "util/strings.hpp"

namespace zkbench::provers {

namespace {

constexpr std::string_view k_open = "┌╴";
constexpr std::string_view k_close = "└╴";
constexpr std::string_view k_nest = "│ ";

// Depth = number of "│ " right before the marker.
int nesting_before(std::string_view line, std::size_t marker) {
  int depth = 0;
  std::size_t at = marker;
  while (at >= k_nest.size() && line.substr(at - k_nest.size(), k_nest.size()) == k_nest) {
    ++depth;
    at -= k_nest.size();
  }
  return depth;
}

Result<std::map<std::string, std::uint64_t>> parse_counts(std::string_view body, const char* what) {
  std::map<std::string, std::uint64_t> counts;
  for (const std::string& entry : util::split(body, ',')) {
    const std::string_view trimmed = util::trim(entry);
    if (trimmed.empty()) {
      continue;
    }
    const std::size_t colon = trimmed.find(':');
    const auto value = colon == std::string_view::npos
                           ? std::nullopt
                           : util::parse_count(trimmed.substr(colon + 1));
    if (!value) {
      return make_error(fmt::format("ExecutionReport {}: cannot read '{}'", what, trimmed));
    }
    counts[std::string(util::trim(trimmed.substr(0, colon)))] = *value;
  }
  return counts;
}

} // namespace

std::vector<CycleSpan> parse_sp1_cycle_tracker(std::string_view text) {
  std::vector<CycleSpan> spans;
  std::vector<std::size_t> open; // indexes of spans not yet closed
  for (const std::string& raw : util::split(text, '\n')) {
    const std::string_view line = util::trim(raw);
    if (const std::size_t at = line.find(k_open); at != std::string_view::npos) {
      CycleSpan span;
      span.name = std::string(util::trim(line.substr(at + k_open.size())));
      span.depth = nesting_before(line, at);
      open.push_back(spans.size());
      spans.push_back(std::move(span));
    } else if (const std::size_t close = line.find(k_close); close != std::string_view::npos) {
      std::string_view rest = util::trim(line.substr(close + k_close.size()));
      if (util::ends_with(rest, "cycles")) {
        rest = util::trim(rest.substr(0, rest.size() - 6));
      }
      const int depth = nesting_before(line, close);
      // Close the innermost open span at this depth (spans close in LIFO order).
      while (!open.empty() && spans[open.back()].depth > depth) {
        open.pop_back();
      }
      if (!open.empty() && spans[open.back()].depth == depth) {
        spans[open.back()].cycles = util::parse_number(rest);
        open.pop_back();
      }
    }
  }
  return spans;
}

ProverMetrics parse_sp1_output(std::string_view text) {
  ProverMetrics m;
  std::string value;
  static const RE2 total(R"((?i)(?:number of cycles|total cycles|cycles):\s*([\d,_]+))");
  static const RE2 finished(R"(finished execution clk = (\d+))");
  static const RE2 gas(R"(\bgas:\s*([\d,_]+))");
  if (RE2::PartialMatch(text, total, &value)) {
    m.cycles = util::parse_number(value);
  } else if (RE2::PartialMatch(text, finished, &value)) {
    m.cycles = util::parse_number(value);
  }
  if (RE2::PartialMatch(text, gas, &value)) {
    m.gas = util::parse_number(value);
  }
  // ExecutionReport's Debug print: one count per executed instruction (their sum is the cycles: the
  // fibonacci report's 11,291 = its "finished execution clk = 11291") and per syscall.
  if (const auto report = parse_sp1_execution_report(text)) {
    if (!m.cycles) {
      m.cycles = static_cast<double>(report->total_instructions());
    }
    m.syscalls = static_cast<double>(report->total_syscalls());
  }
  double top_level_sum = 0;
  bool any = false;
  for (const CycleSpan& span : parse_sp1_cycle_tracker(text)) {
    if (span.depth == 0 && span.cycles) {
      m.regions[span.name] = *span.cycles;
      top_level_sum += *span.cycles;
      any = true;
    }
  }
  if (!m.cycles && any) {
    m.cycles = top_level_sum;
  }
  return m;
}

std::uint64_t Sp1ExecutionReport::total_instructions() const {
  std::uint64_t total = 0;
  for (const auto& [name, count] : instruction_counts) {
    total += count;
  }
  return total;
}

std::uint64_t Sp1ExecutionReport::total_syscalls() const {
  std::uint64_t total = 0;
  for (const auto& [name, count] : syscall_counts) {
    total += count;
  }
  return total;
}

Result<Sp1ExecutionReport> parse_sp1_execution_report(std::string_view text) {
  static const RE2 pattern(
      R"(ExecutionReport\s*\{\s*instruction_counts:\s*\{([^}]*)\},\s*syscall_counts:\s*\{([^}]*)\})");
  std::string instructions;
  std::string syscalls;
  if (!RE2::PartialMatch(text, pattern, &instructions, &syscalls)) {
    return make_error("no 'ExecutionReport { instruction_counts: {…}, syscall_counts: {…} }' found");
  }
  Sp1ExecutionReport report;
  ZKBENCH_TRY_ASSIGN(i, parse_counts(instructions, "instruction_counts"));
  ZKBENCH_TRY_ASSIGN(s, parse_counts(syscalls, "syscall_counts"));
  report.instruction_counts = std::move(*i);
  report.syscall_counts = std::move(*s);
  return report;
}

} // namespace zkbench::provers
