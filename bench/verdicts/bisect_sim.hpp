#pragma once
// bench_verdicts --bisect: `zkbench bisect`'s decisions simulated through its own code
// (workflow::BisectJudge: judge_input's interleaved runs and sequential rule per comparison, or the exact
// path on a deterministic metric; workflow::search_between: the halving, skips and unsettled commits, the ends asked
// once more when nothing was placed) behind
// the model executor (tests/support/model_executor.hpp: one worktree per commit, its time factor and
// steps), over 64 commits whose culprit (drawn per trial) slows the program by the cell's step, or none
// (a flat range). Each cell's right-commit rate (or "no difference" rate on a flat range) is printed with
// its Wilson 95% interval, and checked against 95% by the lower bound.

#include "workflow_table.hpp"

namespace zkbench::bench {

/// Runs the bisect grid (options.trials per cell, options.threads, options.seed, options.only) and prints
/// its table. Returns the number of cells whose Wilson lower bound misses 95% (enforced cells only: a
/// step >= 10% at CV <= 5%, or a flat range).
int run_bisect_simulation(const WorkflowSimOptions& options);

} // namespace zkbench::bench
