#include "workflow/experiment_checkout.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "util/files.hpp"
#include "util/strings.hpp"
#include "project/workspace.hpp"

namespace zkbench::workflow {

namespace {

/// Refuses to measure an experiment whose branch no longer holds only its own change on top of the
/// baseline commit: a deleted branch, a branch that lost the baseline, or one rebased onto (or merged
/// with) another branch, whose commits after the baseline then include that branch's (a speed-up on
/// main would be measured as the experiment's). The experiment's own commits are the ones no other
/// branch has; nothing is changed here.
Result<void> check_branch_starts_at_baseline(const project::Git& git, const store::ExperimentRecord& e) {
  const std::string number = e.experiment_number().format();
  const std::string base = e.baseline_commit.substr(0, 12);
  if (!git.branch_exists(e.branch)) {
    return make_error(fmt::format(
        "the branch {} of experiment {} does not exist (deleted or renamed?): nothing was measured and the "
        "experiment stays planned; recreate it from the baseline (git branch {} {}) with the change committed, or "
        "close the experiment (zkbench exp close {} --status invalid --why \"...\")",
        e.branch, number, e.branch, base, number));
  }
  if (!git.run({"merge-base", "--is-ancestor", e.baseline_commit, e.branch})) {
    return make_error(fmt::format(
        "the branch {} of experiment {} does not contain its baseline commit {}: nothing was measured; put the "
        "change on a branch from the baseline (git branch {} {}), or measure a new baseline (zkbench baseline) and "
        "start a new experiment",
        e.branch, number, base, e.branch, base));
  }
  const std::string range = e.baseline_commit + ".." + e.branch;
  ZKBENCH_TRY_ASSIGN(all, git.run({"rev-list", "--topo-order", range}));
  ZKBENCH_TRY_ASSIGN(own, git.run({"rev-list", range, "--not", "--exclude=" + e.branch, "--branches",
                                   "--exclude=*/" + e.branch, "--remotes"}));
  std::vector<std::string> foreign;
  const std::vector<std::string> own_commits = util::split(util::trim(*own), '\n');
  for (const std::string& commit : util::split(util::trim(*all), '\n')) {
    if (!commit.empty() && std::find(own_commits.begin(), own_commits.end(), commit) == own_commits.end()) {
      foreign.push_back(commit);
    }
  }
  if (foreign.empty()) {
    return {};
  }
  std::vector<std::string> named;
  for (std::size_t i = 0; i < foreign.size() && i < 3; ++i) {
    auto subject = git.run({"log", "-1", "--format=%s", foreign[i]});
    named.push_back(fmt::format("{} \"{}\"", foreign[i].substr(0, 12), subject ? util::trim(*subject) : ""));
  }
  if (foreign.size() > 3) {
    named.push_back(fmt::format("and {} more", foreign.size() - 3));
  }
  std::string elsewhere;
  if (auto branches = git.run({"branch", "--all", "--format=%(refname:short)", "--contains", foreign.front()})) {
    std::vector<std::string> others;
    for (const std::string& name : util::split(util::trim(*branches), '\n')) {
      if (!name.empty() && name != e.branch) {
        others.push_back(name);
      }
    }
    if (!others.empty()) {
      elsewhere = " (also on " + util::join(others, ", ") + ")";
    }
  }
  return make_error(fmt::format(
      "the branch {} of experiment {} no longer starts at its baseline commit {}: after the baseline it has {} "
      "commit(s) of other branches{}: {}; measured now, they would count as the experiment's change (was the "
      "branch rebased onto or merged with another?). Nothing was measured and the experiment stays planned: "
      "put its own commits back on the baseline (git rebase --onto {} {} {}), or measure a new baseline "
      "(zkbench baseline) and start a new experiment from it",
      e.branch, number, base, foreign.size(), elsewhere, util::join(named, ", "), base,
      foreign.front().substr(0, 12), e.branch));
}

} // namespace

Result<ExperimentCheckout> check_out_experiment(project::Workspace& ws, store::ExperimentRecord& e) {
  if (auto checked = check_branch_starts_at_baseline(ws.git, e); !checked) {
    if (e.state() == core::ExperimentStatus::running) { // left so by a killed run: nothing runs now
      e.set_state(core::ExperimentStatus::planned);
      ZKBENCH_TRY(ws.store->update_experiment(e));
    }
    return tl::unexpected(checked.error());
  }
  ExperimentCheckout out;
  out.worktree = ws.worktree_dir(e.experiment_number().format() + "-" + e.slug);
  const std::filesystem::path& worktree = out.worktree;
  // Never measure the wrong code under the experiment's name (issue 10): a change left uncommitted, in
  // the experiment's worktree or in a checkout of its branch, is not what the branch holds.
  for (const std::filesystem::path& checkout : {worktree, ws.root()}) {
    std::error_code ec;
    if (!std::filesystem::exists(checkout / ".git", ec)) {
      continue;
    }
    const project::Git git(checkout);
    auto branch = git.run({"rev-parse", "--abbrev-ref", "HEAD"});
    if (checkout == ws.root() && (!branch || util::trim(*branch) != e.branch)) {
      continue;
    }
    ZKBENCH_TRY_ASSIGN(dirty, git.run({"status", "--porcelain", "--untracked-files=no"}));
    if (!util::trim(*dirty).empty()) {
      std::vector<std::string> files;
      for (const std::string& line : util::split(*dirty, '\n')) { // "XY path": two status letters, a space
        if (line.size() > 3) {
          files.push_back(line.substr(3));
        }
      }
      return make_error(fmt::format("{} has uncommitted changes ({}) on branch {}: commit them on the branch (or "
                                    "discard them), then run again (nothing was measured)",
                                    checkout.string(), util::join(files, ", "), e.branch));
    }
  }
  e.set_state(core::ExperimentStatus::running);
  ZKBENCH_TRY(ws.store->update_experiment(e));
  if (auto checked_out = ws.git.ensure_worktree(worktree, e.branch); !checked_out) {
    e.set_state(core::ExperimentStatus::planned); // not "running" forever: nothing runs
    ZKBENCH_TRY(ws.store->update_experiment(e));
    return tl::unexpected(checked_out.error());
  }
  out.dir = ws.experiment_dir(e);
  ZKBENCH_TRY_ASSIGN(head, project::Git(worktree).commit_of("HEAD"));
  // Never measure the wrong code under the experiment's name (issue 10): the change must be committed.
  if (*head == e.baseline_commit) {
    e.set_state(core::ExperimentStatus::planned);
    ZKBENCH_TRY(ws.store->update_experiment(e));
    return make_error(fmt::format("branch {} has no commit beyond the baseline {}: commit the change on {} first "
                                  "(nothing was measured)",
                                  e.branch, e.baseline_commit.substr(0, 12), e.branch));
  }
  ZKBENCH_TRY_ASSIGN(patch, ws.git.diff(e.baseline_commit, *head));
  ZKBENCH_TRY(util::write_file_atomically(out.dir / "changes.patch", *patch));
  out.head = std::move(*head);
  return out;
}

} // namespace zkbench::workflow
