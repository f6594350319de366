#include "provers/correctness.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace zkbench::provers {

Correctness judge_correctness(const VerifyOutcome& verify, const std::vector<std::string>& outputs,
                              const std::optional<std::vector<std::string>>& baseline_outputs) {
  if (!verify.verified) {
    return {false, verify.evidence.empty()
                       ? "proof not verified: no success line in the verifier's output"
                       : "proof not verified: the verifier also reported a failure"};
  }
  const std::string verified = fmt::format("proof verified ({})", verify.evidence);
  if (!baseline_outputs) {
    return {true, verified + "; no baseline outputs to compare"};
  }
  if (outputs.size() != baseline_outputs->size()) {
    return {false, fmt::format("public outputs differ: {} words, baseline {}", outputs.size(),
                               baseline_outputs->size())};
  }
  const auto [mine, theirs] = std::mismatch(outputs.begin(), outputs.end(), baseline_outputs->begin());
  if (mine != outputs.end()) {
    return {false, fmt::format("public outputs differ at word {}: {} (baseline {})",
                               mine - outputs.begin() + 1, *mine, *theirs)};
  }
  return {true, fmt::format("{}; {} public output words equal the baseline's", verified, outputs.size())};
}

} // namespace zkbench::provers
