#pragma once
// The workflow section of bench_verdicts: a grid of cells (true effect x noise x drift step between the
// stored baseline and the experiment), each run for a number of trials through every design of
// workflow_sim.hpp, with the issue-11 figures per cell and the worst cells against the targets.

#include <cstdint>
#include <vector>

#include "workflow_sim.hpp"

namespace zkbench::bench {

struct WorkflowSimOptions {
  int trials = 300;                  // per cell: ~2 min for the grid on a shared 2-core machine
  std::uint64_t seed = 1;
  int warmup = 1;                    // zkbench.yaml's benchmark.warmup
  std::vector<Design> designs{Design::interleaved, Design::stored, Design::today};
  DesignSettings interleaved;        // evaluate_checkout's defaults
  DesignSettings stored;
  std::vector<double> effects{0.0, -0.02, -0.05, -0.10, -0.20, 0.01, 0.05, 0.10};
  std::vector<double> cvs{0.005, 0.02, 0.05, 0.10};
  std::vector<double> drift_steps{0.0, 0.05, 0.15};
  double drift_per_hour = 0.02;      // slow drift within a phase: uniform in [-this, +this] per trial
  int explain = 0;                   // print the reasons of up to this many wrong verdicts per design
};

/// Runs the grid and prints its table and summary to stdout. Returns the number of targets missed by the
/// interleaved design (0: all met).
int run_workflow_simulation(const WorkflowSimOptions& options);

} // namespace zkbench::bench
