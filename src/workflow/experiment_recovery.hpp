#pragma once
// A decided experiment finished, and finished again after a crash (issue 15): the decision is recorded
// in the store first; what follows it (the branch renamed with the verdict, results.json and
// verdict.md, a KEEP merged into the accumulator) is idempotent, so a run killed in between leaves a
// prefix of these steps that the next `exp run` completes.

#include <string>
#include <vector>

#include "store/workflow_records.hpp"
#include "util/error.hpp"

namespace zkbench::project {
struct Workspace;
} // namespace zkbench::project

namespace zkbench::workflow {

/// The branch experiment `e` starts on: bench/NNN-slug (the verdict is appended when it is decided).
std::string base_branch(const store::ExperimentRecord& e);

/// Completes a decided experiment (idempotent): the branch renamed with its verdict, results.json and
/// verdict.md written, a KEEP merged into the accumulator. `verdict_md`: the verdict.md of the run that
/// decided it now. Empty: `exp run` of an experiment decided or closed already; one decided by a run that
/// was killed while finishing it is finished now (verdict.md written from the record unless the run wrote
/// its own; the last warning says what was done). Returns warnings (a merge conflict). Errors: nothing is
/// left to do ("experiment 003 is already decided: KEEP (branch ...)"), git, the files.
Result<std::vector<std::string>> finish_decided(project::Workspace& ws, const store::ExperimentRecord& e,
                                                const std::string& verdict_md);

/// What finish_decided has not done yet for a decided experiment (empty: finished): a run killed while
/// finishing leaves any prefix of its steps done.
std::vector<std::string> unfinished_steps(project::Workspace& ws, const store::ExperimentRecord& e);

} // namespace zkbench::workflow
