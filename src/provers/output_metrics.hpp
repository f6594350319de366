#pragma once
// Every figure a prover's parsers read from one run's output (stdout and stderr together), for
// `zkbench run --metrics zisk|sp1|risc0` and zkbench.yaml's `benchmark.prover_metrics`: what a ZisK,
// SP1 or RISC Zero run prints becomes the run's metrics, not one number a regex picked out.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "provers/preset.hpp"

namespace zkbench::provers {

/// The figures of ProverMetrics::to_metrics() ("steps", "cycles", "proof_time_s", "region:<name>", …)
/// that the parsers of `kind` find in `output`:
/// - zisk: `cargo-zisk prove` (either format: steps, proof and execution time, the execution summary's
///   parts as regions), `ziskemu -m` (steps, duration), and a verification's time;
/// - sp1: cycles, gas, an ExecutionReport's syscalls and the cycle tracker's top-level spans as regions;
/// - risc0: RISC0_INFO=1's session statistics (total, user, paging and reserved cycles, segments,
///   execution time, ecalls as regions).
/// Empty when the output has none of them.
std::map<std::string, double> prover_output_metrics(ProverKind kind, std::string_view output);

/// The fixed metric names a prover's parsers can give (regions aside): what `benchmark.deterministic`
/// may name with `prover_metrics`.
std::vector<std::string> prover_metric_names(ProverKind kind);

} // namespace zkbench::provers
