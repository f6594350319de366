#pragma once
// Figures read from a prover's output, in one shape for every prover, and the names they
// take among a run's metrics (core::Run::metrics).

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace zkbench::provers {

struct ProverMetrics {
  std::optional<double> steps;            // ZisK steps
  std::optional<double> cycles;           // SP1/RISC Zero cycles (RISC Zero: total), ZisK result.json
  std::optional<double> user_cycles;      // RISC Zero
  std::optional<double> paging_cycles;    // RISC Zero
  std::optional<double> reserved_cycles;  // RISC Zero
  std::optional<double> segments;         // RISC Zero segments / ZisK instances
  std::optional<double> proof_time_s;     // as the prover reports it
  std::optional<double> execution_time_s; // emulator/executor time
  std::optional<double> verify_time_s;
  std::optional<double> gas;              // SP1 scripts of ethrex ("gas: N")
  std::optional<double> syscalls;         // SP1 ExecutionReport's syscall counts, summed
  std::map<std::string, double> regions;  // SP1 cycle-tracker spans, ZisK/RISC Zero extras

  /// Fills each figure of this that is unset from `other` (regions merged, this wins).
  void merge(const ProverMetrics& other);
  /// The set figures under their metric names: "steps", "cycles", "user_cycles", "paging_cycles",
  /// "reserved_cycles", "segments", "proof_time_s", "execution_time_s", "verify_time_s",
  /// "gas", "syscalls", and "region:<name>" for each region.
  std::map<std::string, double> to_metrics() const;
};

/// "25.441604522s", "980.5ms", "12µs", "3us", "40ns" (Rust's Debug of Duration) -> seconds.
std::optional<double> parse_rust_duration(std::string_view text);

} // namespace zkbench::provers
