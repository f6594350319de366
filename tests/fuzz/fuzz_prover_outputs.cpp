// libFuzzer target: every prover output parser (versions, ZisK, SP1, RISC Zero, failure signatures)
// must never crash on any text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "provers/failure_signatures.hpp"
#include "provers/risc0.hpp"
#include "provers/sp1.hpp"
#include "provers/version.hpp"
#include "provers/zisk.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace zkbench::provers;
  for (const ProverKind kind : {ProverKind::zisk, ProverKind::sp1, ProverKind::risc0}) {
    if (auto version = parse_version(kind, text)) {
      (void)version->display();
    }
  }
  (void)parse_zisk_prove_output(text).to_metrics();
  (void)parse_zisk_verify_output(text);
  (void)parse_ziskemu_output(text);
  (void)parse_sp1_output(text);
  (void)parse_sp1_execution_report(text);
  (void)parse_risc0_session_log(text);
  (void)parse_rust_duration(text);
  (void)scan_failure_signatures(text, "sm_90");
  return 0;
}
