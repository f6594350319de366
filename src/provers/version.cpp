#include "provers/version.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include "util/strings.hpp"

namespace zkbench::provers {

namespace {

std::string first_line(std::string_view text) {
  text = util::trim(text);
  const std::string line(text.substr(0, text.find('\n')));
  return line.empty() ? "empty output" : line;
}

tl::unexpected<Error> not_understood(const char* tool, std::string_view text) {
  return make_error(fmt::format("cannot read a {} version from: {}", tool, first_line(text)));
}

} // namespace

std::string ProverVersion::display() const {
  const std::string& name = prover_preset(kind).display_name;
  std::string text = name;
  if (!version.empty()) {
    text += kind == ProverKind::zisk ? " v" + version : " " + version;
  }
  if (!variant.empty()) {
    text += " (" + variant + ")";
  } else if (version.empty() && !commit.empty()) {
    text += " (" + commit + (build_date.empty() ? "" : " " + build_date.substr(0, 10)) + ")";
  }
  return text;
}

Result<ProverVersion> parse_zisk_version(std::string_view text) {
  static const RE2 pattern(
      R"((?m)^\s*(?:cargo-zisk\s+)?v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)\s*(?:\[(\w+)\]\s*)?(?:\((\w+)\s+([^)]*)\))?)");
  ProverVersion v;
  v.kind = ProverKind::zisk;
  if (!RE2::PartialMatch(text, pattern, &v.version, &v.variant, &v.commit, &v.build_date)) {
    return not_understood("cargo-zisk", text);
  }
  return v;
}

Result<ProverVersion> parse_sp1_version(std::string_view text) {
  static const RE2 pattern(
      R"(cargo-prove\s+sp1\s*(?:v?(\d+\.\d+\.\d+\S*)\s*)?(?:\((\w+)\s+([^)]*)\))?)");
  ProverVersion v;
  v.kind = ProverKind::sp1;
  if (!RE2::PartialMatch(text, pattern, &v.version, &v.commit, &v.build_date) ||
      (v.version.empty() && v.commit.empty())) {
    return not_understood("cargo prove", text);
  }
  return v;
}

Result<ProverVersion> parse_risc0_version(std::string_view text) {
  static const RE2 direct(R"((?:cargo-risczero|risc0-r0vm|r0vm)\s+v?(\d+\.\d+\.\d+\S*))");
  static const RE2 rzup(R"(cargo-risczero version (\d+\.\d+\.\d+\S*))");
  ProverVersion v;
  v.kind = ProverKind::risc0;
  if (RE2::PartialMatch(text, direct, &v.version) || RE2::PartialMatch(text, rzup, &v.version)) {
    return v;
  }
  return not_understood("RISC Zero", text);
}

Result<ProverVersion> parse_version(ProverKind kind, std::string_view text) {
  switch (kind) {
  case ProverKind::zisk:
    return parse_zisk_version(text);
  case ProverKind::sp1:
    return parse_sp1_version(text);
  case ProverKind::risc0:
    return parse_risc0_version(text);
  }
  return not_understood("prover", text);
}

} // namespace zkbench::provers
