#pragma once
// The zkvm policy's correctness rule (seed 000, "Correctness Verification for zkVM"): an experiment is
// correct only when its proof verified and its public outputs equal the baseline's; otherwise it is
// REJECTED whatever its speed.

#include <optional>
#include <string>
#include <vector>

#include "provers/zisk.hpp"

namespace zkbench::provers {

struct Correctness {
  bool correct = false;
  std::string reason; // "proof verified (✓ …); 3 public output words equal the baseline's", or why not
};

/// `outputs` are the experiment's public output words (zisk_public_outputs); `baseline_outputs`
/// nullopt when there is no baseline yet (then only the verification counts).
Correctness judge_correctness(const VerifyOutcome& verify, const std::vector<std::string>& outputs,
                              const std::optional<std::vector<std::string>>& baseline_outputs);

} // namespace zkbench::provers
