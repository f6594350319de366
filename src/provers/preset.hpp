#pragma once
// The zkVM provers zkbench knows: how to ask each for its version, and the command templates of the
// zkvm presets (seed 000, "Running zkVM Benchmarks"). Templates use {placeholders}, filled by expand().

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace zkbench::provers {

enum class ProverKind { zisk, sp1, risc0 };

/// "zisk", "sp1", "risc0" (also "risczero", "risc-zero"); nullopt otherwise.
std::optional<ProverKind> parse_prover_kind(std::string_view name);
/// "zisk", "sp1", "risc0".
const char* to_string(ProverKind kind);

struct ProverPreset {
  ProverKind kind;
  std::string display_name;                  // "ZisK", "SP1", "RISC Zero"
  std::vector<std::string> version_command;  // argv that prints the version
  std::string prove;                         // prove command template
  std::string verify;                        // verify command template ("" when the script verifies)
  std::string execute;                       // execute-only (steps/cycles, no proof) template
  std::map<std::string, std::string> env;    // environment the templates expect
  std::string install_hint;                  // how to install it
};

/// ZisK:   cargo-zisk prove -e {elf} -i {input} -o {out} -a -u -y / cargo-zisk verify -p {proof} /
///         ziskemu -e {elf} -i {input} -m.
/// SP1:    the user's script: cargo run --release -- --prove / --execute in {script}; RUST_LOG=info.
/// RISC0:  the user's host: cargo run --release in {script}, RISC0_INFO=1 and RUST_LOG=info (session
///         statistics in the log); execute with RISC0_DEV_MODE=1.
const ProverPreset& prover_preset(ProverKind kind);

/// Replaces each {name} in `text` by values[name]. "{{" and "}}" stand for braces.
/// Errors: a placeholder with no value ("no value for {elf} in '…'"), an unclosed brace.
Result<std::string> expand(std::string_view text, const std::map<std::string, std::string>& values);

} // namespace zkbench::provers
