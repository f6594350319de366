#include "workflow/experiment.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "util/files.hpp"
#include "util/strings.hpp"
#include "util/text.hpp"
#include "verdict/decide.hpp"
#include "verdict/sequential.hpp"
#include "project/environment.hpp"
#include "workflow/accumulator.hpp"
#include "workflow/experiment_recovery.hpp"
#include "workflow/experiment_results.hpp"
#include "workflow/profiling.hpp"

namespace zkbench::workflow {

Result<store::ExperimentRecord> new_experiment(project::Workspace& ws, const std::string& name, const std::string& hypothesis,
                                               std::optional<double> expected) {
  if (util::trim(name).empty()) {
    return make_error("an experiment needs a name: zkbench exp new \"MPT hash cache\" --hypothesis \"...\"");
  }
  // The branch starts from this class's baseline when there is one; `exp run` compares on whichever
  // class runs it.
  ZKBENCH_TRY_ASSIGN(baseline, project::latest_baseline(*ws.store, ws.machine_class, project::ClassMatch::preferred));
  store::ExperimentRecord e;
  // Names are shown everywhere (tracker, dashboard, JSON): bytes that are not UTF-8 become U+FFFD here.
  e.name = util::valid_utf8(util::trim(name));
  e.slug = util::slugify(e.name);
  if (e.slug.empty()) {
    e.slug = "experiment";
  }
  e.hypothesis = util::valid_utf8(hypothesis);
  e.expected = expected;
  e.set_state(core::ExperimentStatus::planned);
  e.baseline_commit = baseline->commit;
  e.baseline_id = baseline->id;
  e.created_at_us = project::now_us();
  ZKBENCH_TRY_ASSIGN(stored, ws.store->add_experiment(e));
  stored->branch = base_branch(*stored);
  if (!ws.git.branch_exists(stored->branch)) {
    ZKBENCH_TRY(ws.git.create_branch(stored->branch, baseline->commit));
  }
  ZKBENCH_TRY(ws.store->update_experiment(*stored));
  std::string md = fmt::format("# Experiment {}: {}\n\n## Hypothesis\n{}\n\n## Expected impact\n{}\n\n"
                               "## How to test\n```\ngit checkout {}\n# make the change, commit it\nzkbench exp run {}\n```\n\n"
                               "Baseline commit: {}\n",
                               stored->experiment_number(), stored->name,
                               e.hypothesis.empty() ? "(not stated)" : e.hypothesis,
                               expected ? fmt::format("{:.1f}% faster", *expected * 100) : std::string("(not stated)"),
                               stored->branch, stored->experiment_number(), baseline->commit);
  ZKBENCH_TRY(util::write_file_atomically(ws.experiment_dir(*stored) / "hypothesis.md", md));
  return stored;
}

Result<ClosedExperiment> close_experiment(project::Workspace& ws, core::ExperimentNumber number, const std::string& status,
                                          const std::string& why) {
  const auto closed_as = status == "invalid"  ? std::optional(core::Outcome::invalid)
                         : status == "exists" ? std::optional(core::Outcome::exists)
                         : status == "superseded" ? std::optional(core::Outcome::superseded)
                                                  : std::nullopt;
  if (!closed_as) {
    return make_error(fmt::format("--status '{}': expected invalid, exists or superseded", status));
  }
  ZKBENCH_TRY_ASSIGN(e, project::find_experiment(*ws.store, number));
  const bool withdrawing = e->state() == core::ExperimentStatus::done;
  if (e->state() == core::ExperimentStatus::closed || (withdrawing && closed_as != core::Outcome::invalid)) {
    return make_error(fmt::format("experiment {} is already {} ({}){}", number, e->status, e->verdict,
                                  withdrawing ? ": only --status invalid withdraws a decided experiment" : ""));
  }
  const std::string was = e->verdict;
  const bool was_kept = e->outcome() == core::Outcome::keep;
  if (withdrawing) { // the decision stays on record in the reason; the verdict no longer counts anywhere
    e->close_reason = fmt::format("withdrawn (was {} {}: {}): {}", was, format_change(e->change), e->close_reason, why);
  }
  e->set_state(core::ExperimentStatus::closed);
  e->set_outcome(*closed_as);
  if (!withdrawing) {
    e->close_reason = why;
  }
  e->finished_at_us = project::now_us();
  const std::string renamed = base_branch(*e) + "-" + e->verdict;
  if (ws.git.branch_exists(e->branch) && e->branch != renamed) {
    ZKBENCH_TRY(ws.git.rename_branch(e->branch, renamed));
    e->branch = renamed;
  }
  ZKBENCH_TRY(ws.store->update_experiment(*e));
  ClosedExperiment closed;
  if (was_kept) { // out of the accumulator: rebuilt from the baseline with the KEEPs that remain
    ZKBENCH_TRY_ASSIGN(notes, rebuild_accumulator(ws, e->baseline_commit));
    closed.warnings = std::move(*notes);
  }
  const std::filesystem::path md = ws.experiment_dir(*e) / "verdict.md";
  std::string ran; // a decided experiment's verdict.md stays, under the withdrawal
  if (withdrawing && std::filesystem::exists(md)) {
    ZKBENCH_TRY_ASSIGN(text, util::read_text_file(md));
    ran = std::move(*text);
  }
  ZKBENCH_TRY(util::write_file_atomically(
      md, ran.empty() ? fmt::format("# Experiment {}: {}\n\n**Closed without running: {}**\n\n{}\n", number, e->name,
                                    e->verdict, why)
                      : fmt::format("# Experiment {}: {}\n\n**Withdrawn: {}** (was {}): {}\n\nThe run's verdict, "
                                    "kept for the record:\n\n{}",
                                    number, e->name, e->verdict, was, why, ran)));
  closed.experiment = std::move(*e);
  return closed;
}

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

Result<ExperimentOutcome> run_experiment(project::Workspace& ws, core::ExperimentNumber number,
                                         const RunExperimentOptions& options) {
  const project::ProjectConfig& config = ws.project.config;
  ZKBENCH_TRY_ASSIGN(found, project::find_experiment(*ws.store, number));
  ExperimentOutcome outcome;
  store::ExperimentRecord& e = outcome.experiment;
  e = *found;
  if (const auto unfinished =
          e.state() == core::ExperimentStatus::done ? unfinished_steps(ws, e) : std::vector<std::string>{};
      !unfinished.empty()) {
    // zkbench was killed after recording the decision and before finishing it: finish now.
    ZKBENCH_TRY_ASSIGN(finished, finish_decided(ws, e, ""));
    outcome.warnings = *finished;
    outcome.reason = e.close_reason;
    outcome.warnings.push_back(fmt::format("experiment {} was decided ({}) by an earlier run that was stopped while "
                                           "finishing: done now ({})",
                                           number, e.verdict, util::join(unfinished, ", ")));
    return outcome;
  }
  if (e.state() == core::ExperimentStatus::done || e.state() == core::ExperimentStatus::closed) {
    return make_error(fmt::format("experiment {} is already decided: {} (branch {})", number, e.verdict, e.branch));
  }
  // Only a baseline measured on this machine's class is comparable (issue 7): the experiment's own
  // when it was, else the class's newest, which the experiment is then recorded against.
  ZKBENCH_TRY_ASSIGN(baseline, project::comparable_baseline(*ws.store, e, ws.machine_class));
  if (e.baseline_id != baseline->id) {
    outcome.warnings.push_back(fmt::format("compared with baseline {} of machine class '{}' (commit {}){}",
                                           baseline->id, ws.machine_class, baseline->commit.substr(0, 12),
                                           baseline->commit == e.baseline_commit
                                               ? std::string()
                                               : fmt::format(", not the commit {} the branch started from: the "
                                                             "comparison includes the changes between them",
                                                             e.baseline_commit.substr(0, 12))));
    e.baseline_id = baseline->id;
  }
  ZKBENCH_TRY_ASSIGN(base_benches, project::baseline_benchmarks(*ws.store, *baseline));
  ZKBENCH_TRY_ASSIGN(policy, project::project_policy(config));

  // Environment: measuring elsewhere than the baseline makes the comparison suspect.
  project::CollectOptions collect;
  collect.repo_dir = ws.root();
  collect.guest_manifest = config.guest_manifest;
  const project::Environment env = project::collect_environment(collect);
  if (auto previous = project::parse_environment_yaml(baseline->environment_yaml, "baseline environment")) {
    if (auto differences = project::describe_differences(project::diff_environments(*previous, env)); !differences.empty()) {
      outcome.warnings.push_back("the baseline was measured elsewhere: " + differences);
    }
  }

  if (auto checked = check_branch_starts_at_baseline(ws.git, e); !checked) {
    if (e.state() == core::ExperimentStatus::running) { // left so by a killed run: nothing runs now
      e.set_state(core::ExperimentStatus::planned);
      ZKBENCH_TRY(ws.store->update_experiment(e));
    }
    return tl::unexpected(checked.error());
  }
  const std::filesystem::path worktree = ws.worktree_dir(e.experiment_number().format() + "-" + e.slug);
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
  const std::filesystem::path dir = ws.experiment_dir(e);
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
  ZKBENCH_TRY(util::write_file_atomically(dir / "changes.patch", *patch));
  outcome.files.push_back(dir / "changes.patch");

  const std::string command = "zkbench exp run " + e.experiment_number().format();
  const EvaluationRequest request{e.branch, e.experiment_number().format(), {"experiment", e.id, command, "experiment"},
                                  ": " + command + " resumes"};
  ZKBENCH_TRY_ASSIGN(ev, evaluate_checkout(ws, worktree, *baseline, *base_benches, *policy, request, options));
  outcome.warnings.insert(outcome.warnings.end(), ev->warnings.begin(), ev->warnings.end());
  outcome.resumed = ev->resumed;
  e.change = ev->change;
  const core::Outcome decided = ev->verdict;
  const std::string reason = ev->reason;
  const auto& comparisons = ev->comparisons;
  const verdict::Decision& decision = ev->decision;

  // The profile (when configured) of the experiment's code, and its diff with the baseline's, in the store
  // linked to the experiment and its baseline (the dashboard's profile chart).
  if (decided != core::Outcome::failed && decided != core::Outcome::kill && !ev->inputs.empty()) {
    ZKBENCH_TRY_ASSIGN(profile, keep_profile(ws, ev->inputs.front(), worktree, dir, "profile",
                                             ws.benchmarks_dir() / "baseline" / "profile.txt"));
    store::ProfileRecord record;
    record.title = e.name;
    record.commit = *head;
    record.experiment_number = e.number;
    record.baseline_id = e.baseline_id;
    const std::vector<std::string> refused = store_kept_profile(*ws.store, *profile, record);
    for (const auto& kept : profile->files) {
      outcome.files.push_back(kept.second);
    }
    outcome.warnings.insert(outcome.warnings.end(), profile->warnings.begin(), profile->warnings.end());
    outcome.warnings.insert(outcome.warnings.end(), refused.begin(), refused.end());
  }
  e.set_outcome(decided);
  e.set_state(core::ExperimentStatus::done);
  e.close_reason = reason;
  e.finished_at_us = project::now_us();
  const std::string started_as = e.branch;
  e.branch = base_branch(e) + "-" + e.verdict;
  if (ev->cost.runs() > 0) {
    outcome.cost = ev->cost;
  }
  e.set_results(results_of(e, decision, comparisons, ev->traces, ev->candidates, outcome.cost));
  std::string md = verdict_markdown(e, reason, comparisons, *policy, outcome.cost);
  for (const std::string& warning : outcome.warnings) {
    md += "\n> warning: " + warning + "\n";
  }
  // The decision is recorded first; everything after it (branch, files, accumulator) is idempotent and
  // finish_decided completes it again when zkbench was killed in between (issue 15).
  ZKBENCH_TRY(ws.store->update_experiment(e));
  if (started_as != e.branch) {
    ws.git.remove_worktree(worktree);
  }
  ZKBENCH_TRY_ASSIGN(finished, finish_decided(ws, e, md));
  outcome.warnings.insert(outcome.warnings.end(), finished->begin(), finished->end());
  outcome.files.push_back(dir / "results.json");
  outcome.files.push_back(dir / "verdict.md");
  outcome.reason = reason;
  outcome.comparisons = comparisons;
  outcome.failure = ev->failure;
  return outcome;
}

} // namespace zkbench::workflow
