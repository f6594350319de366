#pragma once
// Known zkVM optimisation targets (seed 000 "Common zkVM Optimization Targets", seed 003), found in a
// profile by function name: memcpy, deserialisation, allocation, and crypto running in software where
// the zkVM has a precompile. Pure.

#include <cstdint>
#include <string>
#include <vector>

#include "profile/profile.hpp"

namespace zkbench::profile {

/// One target found in a profile.
struct TargetFinding {
  std::string id;        // "memcpy", "deserialization", "allocation", "keccak-software", "sha256-software",
                         // "bn254-software", "secp256k1-software"
  std::string title;     // "memcpy", "deserialization (rkyv, serde, RLP decode)", …
  Metric metric = Metric::cost;      // cost when the profile has it, else steps, else cycles
  /// Share of the total. With exclusive figures `low == high` (their sum). With inclusive figures only,
  /// the functions overlap: `low` is the largest single function, `high` the sum capped at the total.
  std::uint64_t low = 0;
  std::uint64_t high = 0;
  std::optional<double> low_share;
  std::optional<double> high_share;
  std::vector<std::string> functions; // matched functions, largest first (at most 5)
  /// True when it deserves attention: above the target's threshold, or crypto with no precompile in use.
  bool flagged = false;
  std::string check;                  // what to check, one or two sentences
};

/// Every known target that matches at least one function of `profile`, flagged ones first, then by share.
std::vector<TargetFinding> find_targets(const Profile& profile);

} // namespace zkbench::profile
