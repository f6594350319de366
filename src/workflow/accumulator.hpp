#pragma once
// bench/accumulator: the baseline commit with every KEEP merged in number order, in its own worktree
// (.zkbench/worktrees/accumulator). A merge conflict is aborted and reported, never left behind.

#include <string>
#include <vector>

#include "util/error.hpp"

namespace zkbench::project {
struct Workspace;
} // namespace zkbench::project

namespace zkbench::workflow {

inline constexpr const char* k_accumulator_branch = "bench/accumulator";

/// Merges `branch` into the accumulator (created from `baseline_commit` when missing). Returns "" or, on
/// a conflict (merge aborted), the note to show. Errors: git.
Result<std::string> merge_into_accumulator(project::Workspace& ws, const std::string& branch, const std::string& baseline_commit);

/// The accumulator again from `baseline_commit` with every remaining KEEP of that baseline merged in
/// number order (after a KEEP was withdrawn). Returns the merge-conflict notes, as on the first merge: a
/// KEEP that no longer merges (one merged by hand before) must not go missing silently. Errors: git, the store.
Result<std::vector<std::string>> rebuild_accumulator(project::Workspace& ws, const std::string& baseline_commit);

} // namespace zkbench::workflow
