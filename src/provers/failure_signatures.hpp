#pragma once
// Known failure signatures of zkVM provers and their fixes (seed 000, "Reference: Common Issues"),
// recognised in a run's log.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zkbench::provers {

struct FailureMatch {
  std::string id;        // "cuda-arch", "cuda-oom", "sp1-gas-mismatch", "risc0-unstable", …
  std::string title;     // one line: what went wrong
  std::string fix;       // what to do, with this GPU's sm_XX filled in when known
  int line = 0;          // 1-based line of the first occurrence
  std::string excerpt;   // that line, trimmed (at most 200 characters)
};

/// Every known signature found in `log` (each reported once, at its first line), in log order.
/// `sm_architecture` ("sm_86", see gpu::sm_architecture) lets the CUDA-architecture fix say
/// "CUDA_ARCH=sm_86"; "" leaves "sm_XX" in the fix.
std::vector<FailureMatch> scan_failure_signatures(std::string_view log,
                                                  const std::string& sm_architecture = {});

} // namespace zkbench::provers
