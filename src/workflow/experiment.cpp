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
#include "workflow/comparison_base.hpp"
#include "workflow/experiment_checkout.hpp"
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
  ZKBENCH_TRY_ASSIGN(baseline, latest_baseline(*ws.store, ws.machine_class, ClassMatch::preferred));
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
  ZKBENCH_TRY_ASSIGN(e, find_experiment(*ws.store, number));
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

Result<ExperimentOutcome> run_experiment(project::Workspace& ws, core::ExperimentNumber number,
                                         const RunExperimentOptions& options) {
  const project::ProjectConfig& config = ws.project.config;
  // The workspace's records read once: the experiment and, when it is still to run, what it is compared with.
  ZKBENCH_TRY_ASSIGN(found, read_experiment_to_run(ws, number));
  ExperimentOutcome outcome;
  store::ExperimentRecord& e = outcome.experiment;
  e = std::move(found->experiment);
  std::string verdict_md; // this run's verdict.md; none for an experiment decided or closed already
  if (found->base) {
    const ComparisonBase& base = *found->base;
    const store::BaselineRecord& baseline = base.baseline;
    if (e.baseline_id != baseline.id) {
      outcome.warnings.push_back(fmt::format("compared with baseline {} of machine class '{}' (commit {}){}",
                                             baseline.id, ws.machine_class, baseline.commit.substr(0, 12),
                                             baseline.commit == e.baseline_commit
                                                 ? std::string()
                                                 : fmt::format(", not the commit {} the branch started from: the "
                                                               "comparison includes the changes between them",
                                                               e.baseline_commit.substr(0, 12))));
      e.baseline_id = baseline.id;
    }

    // Environment: measuring elsewhere than the baseline makes the comparison suspect.
    project::CollectOptions collect;
    collect.repo_dir = ws.root();
    collect.guest_manifest = config.guest_manifest;
    const project::Environment env = project::collect_environment(collect);
    if (auto previous = project::parse_environment_yaml(baseline.environment_yaml, "baseline environment")) {
      if (auto differences = project::describe_differences(project::diff_environments(*previous, env));
          !differences.empty()) {
        outcome.warnings.push_back("the baseline was measured elsewhere: " + differences);
      }
    }

    ZKBENCH_TRY_ASSIGN(checkout, check_out_experiment(ws, e));
    const std::filesystem::path& worktree = checkout->worktree;
    const std::filesystem::path& dir = checkout->dir;
    outcome.files.push_back(dir / "changes.patch");

    const EvaluationRequest request{e.branch, e.experiment_number().format(), found->owner,
                                    ": " + found->owner.label + " resumes", std::move(found->kept)};
    ZKBENCH_TRY_ASSIGN(ev, evaluate_checkout(ws, worktree, base, request, options));
    outcome.warnings.insert(outcome.warnings.end(), ev->warnings.begin(), ev->warnings.end());
    outcome.resumed = ev->resumed;
    e.change = ev->change;

    // The profile (when configured) of the experiment's code, and its diff with the baseline's, in the store
    // linked to the experiment and its baseline (the dashboard's profile chart).
    if (ev->verdict != core::Outcome::failed && ev->verdict != core::Outcome::kill && !ev->inputs.empty()) {
      store::ProfileRecord record;
      record.title = e.name;
      record.commit = checkout->head;
      record.experiment_number = e.number;
      record.baseline_id = e.baseline_id;
      ZKBENCH_TRY_ASSIGN(profile, keep_profile(*ws.executor, ev->inputs.front(), worktree, dir, "profile", base.profile));
      const std::vector<std::string> refused = store_kept_profile(*ws.store, *profile, record);
      for (const auto& kept : profile->files) {
        outcome.files.push_back(kept.second);
      }
      outcome.warnings.insert(outcome.warnings.end(), profile->warnings.begin(), profile->warnings.end());
      outcome.warnings.insert(outcome.warnings.end(), refused.begin(), refused.end());
    }
    e.set_outcome(ev->verdict);
    e.set_state(core::ExperimentStatus::done);
    e.close_reason = ev->reason;
    e.finished_at_us = project::now_us();
    const std::string started_as = e.branch;
    e.branch = base_branch(e) + "-" + e.verdict;
    if (ev->cost.runs() > 0) {
      outcome.cost = ev->cost;
    }
    e.set_results(results_of(e, ev->decision, ev->comparisons, ev->traces, ev->candidates, outcome.cost));
    verdict_md = verdict_markdown(e, ev->reason, ev->comparisons, base.policy, outcome.cost);
    for (const std::string& warning : outcome.warnings) {
      verdict_md += "\n> warning: " + warning + "\n";
    }
    // The decision is recorded first; everything after it (branch, files, accumulator) is idempotent and
    // finish_decided completes it again when zkbench was killed in between (issue 15).
    ZKBENCH_TRY(ws.store->update_experiment(e));
    if (started_as != e.branch) {
      ws.git.remove_worktree(worktree);
    }
    outcome.files.push_back(dir / "results.json");
    outcome.files.push_back(dir / "verdict.md");
    outcome.comparisons = ev->comparisons;
    outcome.failure = ev->failure;
  }
  ZKBENCH_TRY_ASSIGN(finished, finish_decided(ws, e, verdict_md));
  outcome.warnings.insert(outcome.warnings.end(), finished->begin(), finished->end());
  outcome.reason = e.close_reason;
  return outcome;
}

} // namespace zkbench::workflow
