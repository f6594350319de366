#pragma once
// What ZisK's tools print (zisk/FORMATS.md and the cargo_zisk_* / ziskemu_m_* fixtures):
// - `cargo-zisk prove` v0.15: "--- PROVE SUMMARY ---", "Proof ID: …", "time: <s> seconds, steps: <n>";
//   v0.17+: "Proof Time: 5.097 seconds", "Execution completed in 5097ms, steps: 4450272";
// - `cargo-zisk verify`: "✓ Stark proof was verified" (later "✓ STARK proof was verified"),
//   "--- VERIFICATION SUMMARY ---", "time: N milliseconds".
// - `ziskemu -m`: "process_rom() steps=N duration=S …", then the public outputs as 8-hex-digit words.

#include <optional>
#include <string>
#include <string_view>

#include "provers/metrics.hpp"

namespace zkbench::provers {

/// Steps, proof time and execution time from a `cargo-zisk prove` log (either format); the figures
/// it does not find stay unset. "Execution summary: Proofman 4910ms + …" parts become regions
/// ("Proofman" -> 4.91 s).
ProverMetrics parse_zisk_prove_output(std::string_view text);

/// What a verification printed.
struct VerifyOutcome {
  bool verified = false;
  std::string evidence;              // the line that says so ("✓ Stark proof was verified")
  std::optional<double> time_s;      // "time: N milliseconds" of the VERIFICATION SUMMARY
};
/// `cargo-zisk verify` (and the prove log's "✓ Vadcop Final proof was verified" / "All constraints
/// were verified"): verified when a success line is present and no "✗"/"failed" line is.
VerifyOutcome parse_zisk_verify_output(std::string_view text);

/// `ziskemu -m` (and reports with STEPS rows): steps and emulation duration.
ProverMetrics parse_ziskemu_output(std::string_view text);

} // namespace zkbench::provers
