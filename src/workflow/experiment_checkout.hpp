#pragma once
// An experiment's code made ready to measure (issue 10: never the wrong code under its name): its branch
// holds only its own commits on top of the baseline commit, nothing is left uncommitted in its worktree
// or in a checkout of its branch, its worktree is at the branch's head, which is beyond the baseline, and
// changes.patch is written beside its other files.

#include <filesystem>
#include <string>

#include "store/workflow_records.hpp"
#include "util/error.hpp"

namespace zkbench::project {
struct Workspace;
} // namespace zkbench::project

namespace zkbench::workflow {

struct ExperimentCheckout {
  std::filesystem::path worktree; // .zkbench/worktrees/NNN-slug, at the branch's head
  std::filesystem::path dir;      // benchmarks/experiments/NNN-slug, changes.patch written
  std::string head;               // the commit measured
};

/// Checks experiment `e` and checks it out; `e` is stored as running once the checks pass, and as
/// planned again when a later step refuses (nothing was measured). Errors: a branch that is missing,
/// lost its baseline or carries other branches' commits; uncommitted changes; no commit beyond the
/// baseline; git, the store, the files.
Result<ExperimentCheckout> check_out_experiment(project::Workspace& ws, store::ExperimentRecord& e);

} // namespace zkbench::workflow
