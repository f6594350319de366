#include "workflow/compound.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "util/strings.hpp"
#include "workflow/comparison_base.hpp"
#include "workflow/experiment_results.hpp"
#include "project/workspace.hpp"

namespace zkbench::workflow {

bool is_conflict(const std::optional<double>& combined, double best_single) {
  return !combined || *combined > best_single;
}

Result<CompoundOutcome> run_compound(project::Workspace& ws, const std::vector<core::ExperimentNumber>& numbers,
                                     const RunExperimentOptions& options) {
  if (numbers.size() < 2) {
    return make_error("compound needs at least two experiments: zkbench compound 001 004");
  }
  std::vector<store::ExperimentRecord> experiments;
  for (const core::ExperimentNumber number : numbers) {
    ZKBENCH_TRY_ASSIGN(e, find_experiment(*ws.store, number));
    if (e->state() != core::ExperimentStatus::done || !e->change) {
      return make_error(fmt::format("experiment {} has no measured result (status {}, verdict {}): run it first",
                                    number, e->status, e->verdict.empty() ? "none" : e->verdict));
    }
    if (!experiments.empty() && e->baseline_id != experiments.front().baseline_id) {
      return make_error(fmt::format("experiments {} and {} were measured against different baselines",
                                    experiments.front().experiment_number(), number));
    }
    experiments.push_back(*e);
  }
  ZKBENCH_TRY_ASSIGN(baselines, ws.store->list_baselines());
  const auto found = std::find_if(baselines->begin(), baselines->end(),
                                  [&](const store::BaselineRecord& b) { return b.id == experiments.front().baseline_id; });
  if (found == baselines->end()) {
    return make_error("the experiments' baseline is not in the store");
  }
  if (found->machine_class != ws.machine_class) {
    // The combination is measured here: its figures compare only with a baseline of this class.
    return make_error(fmt::format("the experiments were compared with baseline {} of machine class '{}', this "
                                  "machine's class is '{}': run the compound test on a '{}' machine",
                                  found->id, found->machine_class, ws.machine_class, found->machine_class));
  }
  ZKBENCH_TRY_ASSIGN(base, read_comparison_base(ws, *found));
  const store::BaselineRecord& baseline = base->baseline;

  CompoundOutcome outcome;
  store::ConflictRecord& record = outcome.record;
  for (const core::ExperimentNumber number : numbers) {
    record.experiments.push_back(number.value());
  }
  record.created_at_us = project::now_us();
  record.best_change = experiments.front().change;
  std::vector<std::string> ids;
  for (const store::ExperimentRecord& e : experiments) {
    record.best_change = std::min(*record.best_change, *e.change);
    ids.push_back(e.experiment_number().format());
  }
  const std::string branch = "bench/compound-" + util::join(ids, "-");
  const std::filesystem::path worktree = ws.worktree_dir("compound-" + util::join(ids, "-"));
  if (ws.git.branch_exists(branch)) {
    ws.git.remove_worktree(worktree);
    ZKBENCH_TRY(ws.git.run({"branch", "-D", branch}));
  }
  ZKBENCH_TRY(ws.git.create_branch(branch, baseline.commit));
  ZKBENCH_TRY(ws.git.ensure_worktree(worktree, branch));
  const project::Git tree(worktree);
  for (const store::ExperimentRecord& e : experiments) {
    auto merged = tree.run({"-c", "user.name=zkbench", "-c", "user.email=zkbench@localhost", "merge", "--no-edit",
                            "-m", "Compound: merge " + e.branch, e.branch});
    if (!merged) {
      (void)tree.run({"merge", "--abort"});
      record.conflict = true;
      record.note = fmt::format("{} does not merge with the others (git conflict)", e.experiment_number().format());
      outcome.verdict = "CONFLICT";
      outcome.reason = record.note;
      break;
    }
  }
  if (outcome.verdict.empty()) {
    // Sessions of a compound test are linked to a fresh id: a combination is measured from scratch.
    EvaluationRequest request{branch,
                              "compound-" + util::join(ids, "-"),
                              {"compound", -record.created_at_us, "zkbench compound " + util::join(ids, " "), "compound"},
                              "",
                              {}};
    ZKBENCH_TRY_ASSIGN(kept, project::kept_runs(*ws.store, request.owner.name, request.owner.id));
    request.kept = std::move(*kept);
    ZKBENCH_TRY_ASSIGN(ev,
                       evaluate_checkout(ws, worktree, *base, request, options));
    outcome.warnings = ev->warnings;
    outcome.verdict = core::to_string(ev->verdict);
    outcome.reason = ev->reason;
    outcome.failure = ev->failure;
    outcome.cost = ev->cost;
    record.combined_change = ev->change;
    record.conflict = is_conflict(ev->change, *record.best_change);
    if (!ev->change) {
      record.note = fmt::format("combination not measured: {} ({})", outcome.verdict, ev->reason);
    } else {
      record.note = record.conflict ? fmt::format("A+B {} is worse than the best alone {}", format_change(ev->change),
                                                  format_change(record.best_change))
                                    : fmt::format("{} together", outcome.verdict);
    }
  }
  ws.git.remove_worktree(worktree);
  ZKBENCH_TRY_ASSIGN(id, ws.store->add_conflict(record));
  record.id = *id;
  return outcome;
}

} // namespace zkbench::workflow
