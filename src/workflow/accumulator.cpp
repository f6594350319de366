#include "workflow/accumulator.hpp"

#include <fmt/format.h>

#include "project/git.hpp"
#include "project/workspace.hpp"

namespace zkbench::workflow {

Result<std::string> merge_into_accumulator(project::Workspace& ws, const std::string& branch, const std::string& baseline_commit) {
  if (!ws.git.branch_exists(k_accumulator_branch)) {
    ZKBENCH_TRY(ws.git.create_branch(k_accumulator_branch, baseline_commit));
  }
  const std::filesystem::path dir = ws.worktree_dir("accumulator");
  ZKBENCH_TRY(ws.git.ensure_worktree(dir, k_accumulator_branch));
  const project::Git acc(dir);
  auto merged = acc.run({"-c", "user.name=zkbench", "-c", "user.email=zkbench@localhost", "merge", "--no-edit",
                         "--no-ff", "-m", "Merge " + branch + " (KEEP) into the accumulator", branch});
  std::string note;
  if (!merged) {
    (void)acc.run({"merge", "--abort"});
    note = fmt::format("could not merge {} into {} (conflict): merge it by hand", branch, k_accumulator_branch);
  }
  ws.git.remove_worktree(dir);
  return note;
}

Result<std::vector<std::string>> rebuild_accumulator(project::Workspace& ws, const std::string& baseline_commit) {
  if (ws.git.branch_exists(k_accumulator_branch)) {
    ws.git.remove_worktree(ws.worktree_dir("accumulator"));
    ZKBENCH_TRY(ws.git.run({"branch", "-D", k_accumulator_branch}));
  }
  ZKBENCH_TRY_ASSIGN(all, ws.store->list_experiments());
  std::vector<std::string> notes;
  for (const store::ExperimentRecord& kept : *all) {
    if (kept.outcome() == core::Outcome::keep && kept.baseline_commit == baseline_commit &&
        ws.git.branch_exists(kept.branch)) {
      ZKBENCH_TRY_ASSIGN(note, merge_into_accumulator(ws, kept.branch, baseline_commit));
      if (!note->empty()) {
        notes.push_back(*note);
      }
    }
  }
  return notes;
}

} // namespace zkbench::workflow
