#include "provers/preset.hpp"

#include <fmt/format.h>

namespace zkbench::provers {

std::optional<ProverKind> parse_prover_kind(std::string_view name) {
  if (name == "zisk") {
    return ProverKind::zisk;
  }
  if (name == "sp1") {
    return ProverKind::sp1;
  }
  if (name == "risc0" || name == "risczero" || name == "risc-zero") {
    return ProverKind::risc0;
  }
  return std::nullopt;
}

const char* to_string(ProverKind kind) {
  switch (kind) {
  case ProverKind::zisk:
    return "zisk";
  case ProverKind::sp1:
    return "sp1";
  case ProverKind::risc0:
    return "risc0";
  }
  return "unknown";
}

const ProverPreset& prover_preset(ProverKind kind) {
  static const ProverPreset zisk{
      ProverKind::zisk,
      "ZisK",
      {"cargo-zisk", "--version"},
      "cargo-zisk prove -e {elf} -i {input} -o {out} -a -u -y",
      "cargo-zisk verify -p {proof}",
      "ziskemu -e {elf} -i {input} -m",
      {},
      "install with ziskup (https://0xpolygonhermez.github.io/zisk/getting_started/installation.html)"};
  static const ProverPreset sp1{
      ProverKind::sp1,
      "SP1",
      {"cargo", "prove", "--version"},
      "cd {script} && cargo run --release -- --prove",
      "",
      "cd {script} && cargo run --release -- --execute",
      {{"RUST_LOG", "info"}},
      "install with sp1up (curl -L https://sp1up.succinct.xyz | bash; sp1up)"};
  static const ProverPreset risc0{
      ProverKind::risc0,
      "RISC Zero",
      {"cargo", "risczero", "--version"},
      "cd {script} && cargo run --release",
      "",
      "cd {script} && RISC0_DEV_MODE=1 cargo run --release",
      {{"RISC0_INFO", "1"}, {"RUST_LOG", "info"}},
      "install with rzup (curl -L https://risczero.com/install | bash; rzup install)"};
  switch (kind) {
  case ProverKind::zisk:
    return zisk;
  case ProverKind::sp1:
    return sp1;
  case ProverKind::risc0:
    return risc0;
  }
  return zisk;
}

Result<std::string> expand(std::string_view text, const std::map<std::string, std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      out.push_back(c);
      ++i;
      continue;
    }
    if (c != '{') {
      out.push_back(c);
      continue;
    }
    const std::size_t close = text.find('}', i);
    if (close == std::string_view::npos) {
      return make_error(fmt::format("unclosed '{{' at column {} in '{}'", i + 1, text));
    }
    const std::string name(text.substr(i + 1, close - i - 1));
    const auto it = values.find(name);
    if (it == values.end()) {
      return make_error(fmt::format("no value for {{{}}} in '{}'", name, text));
    }
    out += it->second;
    i = close;
  }
  return out;
}

} // namespace zkbench::provers
