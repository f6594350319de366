#pragma once
// RISC Zero's session log with RISC0_INFO=1 (risc0/zkvm/src/host/server/session.rs, fixture risc0/):
//   execution time: 25.441604522s
//   number of segments: 388
//   812122112 total cycles
//   685160803 user cycles (84.37%)
//   115655040 paging cycles (14.24%)
//   11306269 reserved cycles (1.39%)
//   ecalls
//   	1215199 BigInt calls, 75747423 cycles, (9.33%)

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "provers/metrics.hpp"
#include "util/error.hpp"

namespace zkbench::provers {

struct Risc0Ecall {
  std::string name;
  double calls = 0;
  double cycles = 0;
  double percent = 0;
};

struct Risc0Session {
  ProverMetrics metrics;           // segments, cycles (total), user/paging/reserved, execution_time_s
  std::vector<Risc0Ecall> ecalls;  // also in metrics.regions as "ecall:<name>" (cycles)
};

/// Parses the lines above wherever they appear (tracing prefixes allowed).
/// Errors: none of them present (RISC0_INFO was not set, or the log is from something else).
Result<Risc0Session> parse_risc0_session_log(std::string_view text);

} // namespace zkbench::provers
