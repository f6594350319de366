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
/// `compute_capability` ("8.6") lets the CUDA-architecture fix say "CUDA_ARCH=sm_86".
std::vector<FailureMatch> scan_failure_signatures(std::string_view log,
                                                  std::optional<std::string> compute_capability = {});

/// "8.6" -> "sm_86"; "" when not of the form major.minor.
std::string sm_architecture(std::string_view compute_capability);

} // namespace zkbench::provers
