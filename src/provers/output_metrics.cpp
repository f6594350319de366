#include "provers/output_metrics.hpp"

#include "provers/risc0.hpp"
#include "provers/sp1.hpp"
#include "provers/zisk.hpp"

namespace zkbench::provers {

std::map<std::string, double> prover_output_metrics(ProverKind kind, std::string_view output) {
  ProverMetrics metrics;
  switch (kind) {
  case ProverKind::zisk: {
    metrics = parse_zisk_prove_output(output);
    metrics.merge(parse_ziskemu_output(output));
    if (const VerifyOutcome verified = parse_zisk_verify_output(output); verified.time_s && !metrics.verify_time_s) {
      metrics.verify_time_s = verified.time_s;
    }
    break;
  }
  case ProverKind::sp1:
    metrics = parse_sp1_output(output);
    break;
  case ProverKind::risc0:
    // No session statistics (RISC0_INFO unset, or another tool's output): no figures.
    if (auto session = parse_risc0_session_log(output)) {
      metrics = std::move(session->metrics);
    }
    break;
  }
  return metrics.to_metrics();
}

std::vector<std::string> prover_metric_names(ProverKind kind) {
  switch (kind) {
  case ProverKind::zisk:
    return {"steps", "proof_time_s", "execution_time_s", "verify_time_s"};
  case ProverKind::sp1:
    return {"cycles", "gas", "syscalls"};
  case ProverKind::risc0:
    return {"cycles", "user_cycles", "paging_cycles", "reserved_cycles", "segments", "execution_time_s"};
  }
  return {};
}

} // namespace zkbench::provers
