#pragma once
// What SP1 prints (fixtures sp1/): the cycle tracker of `report_cycles!`/`cycle-tracker-start/end`
// ("┌╴name" … "└╴1,458,794,351 cycles", nested with "│ "), clk progress lines ("clk = 10000000",
// "finished execution clk = 11291"), scripts' "gas: N" and "Number of cycles: N", and the Debug print
// of ExecutionReport ({instruction_counts: {…}, syscall_counts: {…}}).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "provers/metrics.hpp"
#include "util/error.hpp"

namespace zkbench::provers {

/// One cycle-tracker span, in the order it was opened.
struct CycleSpan {
  std::string name;
  int depth = 0;                  // 0 for top-level spans
  std::optional<double> cycles;   // nullopt when the log ends before the span closes
};

/// The spans of a log. Lines may carry tracing prefixes (timestamps, targets); other lines between
/// them ("stderr: WARNING …") are ignored.
std::vector<CycleSpan> parse_sp1_cycle_tracker(std::string_view text);

/// cycles ("Number of cycles: N" / "total cycles: N", else the last "finished execution clk = N", else
/// an ExecutionReport's instructions, else the sum of closed top-level spans), gas, an ExecutionReport's
/// syscalls, and the closed top-level spans as regions.
ProverMetrics parse_sp1_output(std::string_view text);

struct Sp1ExecutionReport {
  std::map<std::string, std::uint64_t> instruction_counts;
  std::map<std::string, std::uint64_t> syscall_counts;
  std::uint64_t total_instructions() const;
  std::uint64_t total_syscalls() const;
};
/// Parses the Debug print `ExecutionReport { instruction_counts: {JALR: 49, …}, syscall_counts:
/// {HALT: 1, …} }`. Errors: no ExecutionReport, or a map entry that is not `NAME: count`.
Result<Sp1ExecutionReport> parse_sp1_execution_report(std::string_view text);

} // namespace zkbench::provers
