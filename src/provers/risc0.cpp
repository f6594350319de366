#include "provers/risc0.hpp"

#include <re2/re2.h>

#include "util/strings.hpp"

namespace zkbench::provers {

Result<Risc0Session> parse_risc0_session_log(std::string_view text) {
  Risc0Session session;
  ProverMetrics& m = session.metrics;
  static const RE2 execution(R"(execution time:\s*(\S+))");
  static const RE2 segments(R"(number of segments:\s*(\d+))");
  static const RE2 cycles(R"((?:^|\s)(\d+) (total|user|paging|reserved) cycles)");
  static const RE2 ecall(R"((\d+) (\S+) calls, (\d+) cycles, \(([\d.]+)%\))");
  bool found = false;
  for (const std::string& line : util::split(text, '\n')) {
    std::string a;
    std::string b;
    std::string c;
    std::string d;
    if (RE2::PartialMatch(line, execution, &a)) {
      m.execution_time_s = parse_rust_duration(a);
      found = true;
    } else if (RE2::PartialMatch(line, segments, &a)) {
      m.segments = util::parse_number(a);
      found = true;
    } else if (RE2::PartialMatch(line, cycles, &a, &b)) {
      const auto value = util::parse_number(a);
      if (b == "total") {
        m.cycles = value;
      } else if (b == "user") {
        m.user_cycles = value;
      } else if (b == "paging") {
        m.paging_cycles = value;
      } else {
        m.reserved_cycles = value;
      }
      found = true;
    } else if (RE2::PartialMatch(line, ecall, &a, &b, &c, &d)) {
      Risc0Ecall entry{b, util::parse_number(a).value_or(0), util::parse_number(c).value_or(0),
                       util::parse_number(d).value_or(0)};
      m.regions["ecall:" + entry.name] = entry.cycles;
      session.ecalls.push_back(std::move(entry));
    }
  }
  if (!found) {
    return make_error("no RISC Zero session statistics (segments, cycles) in the log: was RISC0_INFO=1 "
                      "set?");
  }
  return session;
}

} // namespace zkbench::provers
