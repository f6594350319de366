#pragma once
// Prover versions from their real `--version` strings (fixtures sp1/cargo_prove_version_outputs.txt,
// risc0/risc0_version_and_rzup_outputs.txt, zisk/FORMATS.md).

#include <string>
#include <string_view>

#include "provers/preset.hpp"
#include "util/error.hpp"

namespace zkbench::provers {

struct ProverVersion {
  ProverKind kind = ProverKind::zisk;
  std::string version;    // "0.15.0", "3.0.5"; "" when the tool prints none (cargo-prove sp1)
  std::string commit;     // short git sha when printed ("d454975")
  std::string build_date; // as printed ("2026-04-11T01:51:47.829463000Z")
  std::string variant;    // ZisK v0.17+: "gpu" or "cpu"
  /// For reports: "ZisK v0.15.0", "ZisK v0.18.0 (gpu)", "SP1 (d454975 2026-04-11)", "RISC Zero 3.0.5".
  std::string display() const;
};

/// `cargo-zisk --version`: "<ver> (<sha> <timestamp>)", from v0.17 "<ver> [gpu|cpu] (…)", optionally
/// prefixed by "cargo-zisk ".
Result<ProverVersion> parse_zisk_version(std::string_view text);
/// `cargo prove --version`: "cargo-prove sp1 (<sha> <timestamp>)" (also inside sp1up's "installed - …").
Result<ProverVersion> parse_sp1_version(std::string_view text);
/// `cargo risczero --version` ("cargo-risczero 3.0.5"), `r0vm --version` ("risc0-r0vm 3.0.5"), or
/// rzup's "Setting cargo-risczero version 2.1.0 as default".
Result<ProverVersion> parse_risc0_version(std::string_view text);
/// Dispatches on `kind`. Errors quote the first line of the text (often the tool's own error).
Result<ProverVersion> parse_version(ProverKind kind, std::string_view text);

} // namespace zkbench::provers
