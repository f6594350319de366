#pragma once
// Seed 000's zkVM report block, printed after each experiment:
//
//   zkVM Experiment 007: MPT hash cache
//   Prover: ZisK v0.15.0
//   GPU: RTX 3090
//   Proof time: 262s (baseline: 310s)
//   Change: -15.5%
//   Steps: 1.5B
//   Verdict: KEEP

#include <optional>
#include <string>
#include <string_view>

namespace zkbench::provers {

struct ZkvmReport {
  int number = 0;                     // experiment number, printed with 3 digits
  std::string name;
  std::string prover;                 // ProverVersion::display()
  std::string gpu;                    // as NVML names it ("NVIDIA GeForce RTX 3090"); "" = none
  double proof_time_s = 0;
  std::optional<double> baseline_s;
  std::optional<double> steps;        // or cycles for SP1/RISC Zero (label chosen by steps_label)
  std::string steps_label = "Steps";
  std::string verdict;                // "KEEP", "MAYBE", "DISCARD", "REJECTED (proof differs)", …
};

/// The block above, one line each, ending with a newline. Without a baseline: "(no baseline)" and
/// "Change: n/a"; without steps the Steps line is left out; without GPU: "GPU: none".
std::string format_zkvm_report(const ZkvmReport& report);

/// "NVIDIA GeForce RTX 3090" -> "RTX 3090", "NVIDIA H100 80GB HBM3" -> "H100 80GB HBM3".
std::string short_gpu_name(std::string_view name);
/// 1.5e9 -> "1.5B", 4450270 -> "4.45M", 85309 -> "85.3K", 512 -> "512".
std::string format_count(double value);
/// 262 -> "262s", 33.04 -> "33.0s", 5.097 -> "5.10s".
std::string format_seconds(double seconds);

} // namespace zkbench::provers
