#pragma once
// The contention gate as `run` and `ab` take it (the workflow commands read zkbench.yaml's
// `contention:`): the generic policy's defaults, two flags, and ZKBENCH_CONTENTION_GATE=off.

#include <cstdio>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>

#include "measure/contention.hpp"

namespace zkbench::cli {

struct ContentionOptions {
  std::optional<double> wait_s; // --contention-wait SECS: the longest wait for a quiet machine
  bool off = false;             // --no-contention-gate
};

/// Adds --contention-wait and --no-contention-gate to `sub`.
void add_contention_options(CLI::App& sub, ContentionOptions& options);

/// The gate for a measuring command: waiting lines go to `out`. Usage error: a negative or non-finite
/// --contention-wait.
std::unique_ptr<measure::MachineContentionGate> make_contention_gate(const ContentionOptions& options, std::FILE* out);

} // namespace zkbench::cli
