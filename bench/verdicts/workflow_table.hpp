#pragma once
// The grid of bench_verdicts: cells (policy x noise shape x machine load x base noise x true effect), each
// run for a number of trials through exp run's own code (workflow_sim.hpp), on several threads (one
// SimProject each), with the issue-22 targets checked per cell by the Wilson 95% upper bound of each rate.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "workflow_sim.hpp"

namespace zkbench::bench {

/// A target the exit code enforces.
enum class Target {
  false_keep,       // KEEP where the true gain <= the policy's MAYBE threshold: upper bound <= 5%
  false_kill,       // KILL where the candidate is < timeout_multiplier x slower: <= 1%
  false_regression, // a regression claimed where the candidate is not slower: <= 5%
  missed_keep,      // anything but KEEP (INCONCLUSIVE included) where the gain >= 10% and cv <= 5%: <= 10%
  runs,             // mean benchmark runs per experiment (1-4 inputs) over the grid <= 33.4
};

const char* to_string(Target target);
/// "false-keep" ... "runs"; false when unknown.
bool parse_target(const std::string& name, Target& target);

struct WorkflowSimOptions {
  std::string grid = "full";      // "full" or "reduced" (the ctest's: the hardest cells)
  int trials = 1000;              // per cell
  std::uint64_t seed = 1;
  int threads = 2;
  bool stored = false;            // --baseline stored instead of interleaved
  int runs = 0;                   // exp run --runs (0: zkbench.yaml's)
  std::vector<Target> targets{Target::false_keep, Target::false_kill, Target::false_regression, Target::missed_keep,
                              Target::runs};
  int explain = 0;                // print the reasons of up to this many wrong verdicts
  std::string only;               // run only the grid's cells whose name contains this ("bursts", "zkvm t3")
};

/// The cells of a grid by name ("full", "reduced"); empty when unknown.
std::vector<Scenario> grid_cells(const std::string& grid);

/// Runs the grid, prints its table (PASS/FAIL per cell) and summary to stdout. Returns the number of
/// enforced targets missed (cells x targets, plus the runs target): 0 when all are met.
int run_workflow_simulation(const WorkflowSimOptions& options);

/// Runs jobs 0 .. jobs - 1 on `threads` threads: each thread makes its worker once with `make_worker` (its
/// own projects: nothing is shared) and calls it with each job it takes. The first exception stops the
/// others and is thrown again here as std::runtime_error.
void run_on_threads(std::size_t jobs, int threads, const std::function<std::function<void(std::size_t)>()>& make_worker);

/// The trial's draw for cell number `cell` of a run with `options.seed`: inputs cycle 1-4; the load's
/// intensity, the cold factor and the slow drift are drawn from the trial's seed (common random numbers).
TrialDraw draw_trial(const WorkflowSimOptions& options, const Scenario& s, std::size_t cell, int trial);

/// Wilson's score interval's lower bound (95%) of a rate `k` of `n`; 0 when n is 0.
double wilson_lower(int k, int n);

/// Wilson's score interval's upper bound (95%) of a rate `k` of `n` (Wilson 1927); 1 when n is 0.
double wilson_upper(int k, int n);

} // namespace zkbench::bench
