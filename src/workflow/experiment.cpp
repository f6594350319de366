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
#include "workflow/input_verdict.hpp"
#include "workflow/measure_inputs.hpp"
#include "workflow/experiment_results.hpp"
#include "workflow/profiling.hpp"

namespace zkbench::workflow {

namespace {

// The correctness command's timeout is never below this: start-up costs dominate tiny programs.
constexpr double k_min_correctness_timeout_s = 5.0;

std::string base_branch(const store::ExperimentRecord& e) {
  return "bench/" + e.experiment_number().format() + "-" + e.slug;
}

// Merges `branch` into the accumulator branch in its own worktree; a conflict is aborted and reported.
Result<std::string> merge_into_accumulator(Workspace& ws, const std::string& branch, const std::string& baseline_commit) {
  if (!ws.git.branch_exists(k_accumulator_branch)) {
    ZKBENCH_TRY(ws.git.create_branch(k_accumulator_branch, baseline_commit));
  }
  const std::filesystem::path dir = ws.worktree_dir("accumulator");
  ZKBENCH_TRY(ws.git.ensure_worktree(dir, k_accumulator_branch));
  const Git acc(dir);
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

// bench/accumulator again from `baseline_commit` with every remaining KEEP of that baseline merged in
// number order (after a KEEP was withdrawn). Returns the merge-conflict notes, as on the first merge: a KEEP
// that no longer merges (one merged by hand before) must not go missing silently.
Result<std::vector<std::string>> rebuild_accumulator(Workspace& ws, const std::string& baseline_commit) {
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

// Completes a decided experiment (idempotent): the branch renamed with its verdict, results.json and
// verdict.md written, a KEEP merged into the accumulator. `verdict_md` empty: written from the record.
// Returns warnings (a merge conflict).
Result<std::vector<std::string>> finish_decided(Workspace& ws, const store::ExperimentRecord& e,
                                                const std::string& verdict_md) {
  std::vector<std::string> warnings;
  const std::string started_as = base_branch(e);
  if (!ws.git.branch_exists(e.branch) && ws.git.branch_exists(started_as)) {
    ZKBENCH_TRY(ws.git.rename_branch(started_as, e.branch));
  }
  const std::filesystem::path dir = ws.experiment_dir(e);
  ZKBENCH_TRY(util::write_file_atomically(dir / "results.json", e.details_json));
  if (!verdict_md.empty() || !std::filesystem::exists(dir / "verdict.md")) { // a resumed finish keeps the run's own
    ZKBENCH_TRY(util::write_file_atomically(dir / "verdict.md", !verdict_md.empty() ? verdict_md
                                                             : fmt::format("# Experiment {}: {}\n\n**Verdict: {}**: {}\n",
                                                                           e.experiment_number(), e.name, e.verdict,
                                                                           e.close_reason)));
  }
  if (e.outcome() == core::Outcome::keep) { // merging an already merged branch changes nothing
    auto note = merge_into_accumulator(ws, e.branch, e.baseline_commit);
    if (!note) {
      warnings.push_back(note.error().message);
    } else if (!note->empty()) {
      warnings.push_back(*note);
    }
  }
  return warnings;
}

// What finish_decided has not done yet for a decided experiment (empty: finished): a run killed while
// finishing leaves any prefix of its steps done.
std::vector<std::string> unfinished_steps(Workspace& ws, const store::ExperimentRecord& e) {
  std::vector<std::string> missing;
  const bool renamed = ws.git.branch_exists(e.branch);
  if (!renamed) {
    missing.push_back("branch " + e.branch);
  }
  const std::filesystem::path dir = ws.experiment_dir(e);
  for (const char* file : {"results.json", "verdict.md"}) {
    if (!std::filesystem::exists(dir / file)) {
      missing.emplace_back(file);
    }
  }
  if (e.outcome() == core::Outcome::keep &&
      !(renamed && ws.git.run({"merge-base", "--is-ancestor", e.branch, k_accumulator_branch}))) {
    missing.push_back(fmt::format("merge into {}", k_accumulator_branch));
  }
  return missing;
}

} // namespace

Result<CheckoutEvaluation> evaluate_checkout(Workspace& ws, const std::filesystem::path& worktree,
                                             const store::BaselineRecord& baseline,
                                             const std::map<std::string, core::Benchmark>& base_benches,
                                             const verdict::Policy& policy, const EvaluationRequest& request,
                                             const RunExperimentOptions& options) {
  const ProjectConfig& config = ws.project.config;
  const auto say = [&](const std::string& line) {
    if (options.say) {
      options.say(line);
    }
  };
  const auto set_phase = [&](const char* phase) {
    if (options.status != nullptr) {
      options.status->info().phase = phase;
      options.status->write();
    }
  };
  CheckoutEvaluation ev;
  core::Outcome& outcome = ev.verdict;
  std::string& reason = ev.reason;
  std::vector<verdict::CommandComparison>& comparisons = ev.comparisons;
  verdict::Decision& decision = ev.decision;

  for (const InputSpec& input : ws.project.inputs.inputs) {
    ZKBENCH_TRY(ensure_input(ws, input));
  }
  set_phase("build");
  say(fmt::format("building {} in {}", request.label, worktree.string()));
  if (auto built = build_checkout(ws, worktree, ws.state_dir() / "logs" / (request.log_name + "-build.log")); !built) {
    outcome = core::Outcome::failed;
    reason = built.error().message;
    ev.failure = reason;
  }

  // Correctness before timing (seed 002 rule 5): a different output wastes no measurement.
  std::string unchecked; // a correctness command that timed out: no verdict but KILL or REJECT
  if (outcome == core::Outcome::none) {
    set_phase("correctness");
    for (const store::BaselineInput& expected : baseline.inputs) {
      const InputSpec* input = nullptr;
      for (const InputSpec& spec : ws.project.inputs.inputs) {
        if (spec.name == expected.input) {
          input = &spec;
        }
      }
      if (input == nullptr) {
        continue;
      }
      // A hang shows here first: the correctness command gets the hang guard of the timed runs.
      std::optional<double> timeout;
      if (const auto base = base_benches.find(input->name); base != base_benches.end() && !base->second.runs.empty()) {
        timeout = hang_guard_s(base->second, policy);
      }
      auto hash = correctness_hash(ws, *input, worktree, timeout);
      if (!hash && ws.stop_requested && ws.stop_requested()) {
        return make_error("interrupted during the correctness check; nothing was decided"); // not a REJECT
      }
      if (!hash) {
        outcome = core::Outcome::reject;
        reason = "correctness command failed: " + hash.error().message;
        ev.failure = reason;
        break;
      }
      if (hash->timed_out) {
        // One cold run of a command the baseline never timed is no evidence of a slowdown (issue 22): the timed
        // runs decide a KILL (a hang stops at their guard); anything else is no verdict, the output unchecked.
        unchecked = fmt::format("input '{}': the correctness command ran past {:.1f} s (the benchmark's hang guard), "
                                "so the output was not checked: no verdict but KILL or REJECT (one cold run of a "
                                "command the baseline never timed is no evidence of a slowdown)",
                                input->name, *timeout);
        say(unchecked);
        continue;
      }
      if (hash->hash != expected.output_hash) {
        outcome = core::Outcome::reject;
        reason = fmt::format("input '{}': the output differs from the baseline's (sha256 {} vs {}): faster but wrong "
                             "is useless; no timing was measured",
                             input->name, hash->hash.substr(0, 16), expected.output_hash.substr(0, 16));
        break;
      }
      say(fmt::format("correctness: {} matches the baseline", input->name));
    }
  }

  std::filesystem::path base_tree;
  if (outcome == core::Outcome::none) {
    // The baseline commit's build, kept in .zkbench/worktrees/baseline-<commit12> and built once per baseline.
    auto built = kept_build(ws, baseline.commit, "baseline-" + baseline.commit.substr(0, 12), say);
    if (!built) {
      outcome = core::Outcome::failed;
      reason = "the baseline's build: " + built.error().message;
      ev.failure = reason;
    } else {
      base_tree = *built;
    }
  }

  if (outcome == core::Outcome::none) {
    set_phase("measure");
    const auto& inputs = ws.project.inputs.inputs;
    InputJudgeOptions judge;
    judge.owner = request.owner;
    judge.owner_id = request.owner_id;
    judge.label = request.command;
    judge.session_kind = request.owner;
    judge.strategy = options.strategy;
    judge.mode = options.baseline_mode;
    const int runs = options.runs.value_or(config.benchmark.runs);
    // Sequential: the rule may go on to the policy's flaky run count when the evidence asks for it.
    judge.runs = options.strategy == Strategy::sequential ? std::max(runs, policy.flaky_runs) : runs;
    judge.warmup = config.benchmark.warmup;
    judge.baseline_dir = base_tree;
    judge.candidate_dir = worktree;
    judge.status = options.status;
    // The inputs are judged jointly (combine_inputs): each input's rule runs at p_threshold / inputs.
    judge.inputs = static_cast<int>(std::count_if(inputs.begin(), inputs.end(), [&](const InputSpec& input) {
      return base_benches.count(input.name) > 0;
    }));
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const InputSpec& input = inputs[i];
      const auto base = base_benches.find(input.name);
      if (base == base_benches.end()) {
        ev.warnings.push_back(fmt::format("input '{}' is not in the baseline: skipped", input.name));
        continue;
      }
      if (options.status != nullptr) {
        options.status->info().input_index = static_cast<int>(i + 1);
        options.status->info().input_count = static_cast<int>(inputs.size());
      }
      say(fmt::format("measuring {} ({}/{}): {} the baseline's build, {} strategy, at most {} runs per side, hang guard "
                      "{:.1f} s",
                      input.name, i + 1, inputs.size(),
                      options.baseline_mode == BaselineMode::interleaved ? "alternating with" : "against the stored runs of",
                      options.strategy == Strategy::sequential ? "sequential" : "fixed", judge.runs,
                      hang_guard_s(base->second, policy)));
      ZKBENCH_TRY_ASSIGN(judged, judge_input(ws, input, base->second, policy, judge));
      ev.resumed = ev.resumed || judged->resumed_runs > 0;
      if (judged->resumed_runs > 0) {
        say(fmt::format("resumed {} with {} runs already in the store", input.name, judged->resumed_runs));
      }
      if (judged->interrupted) {
        return make_error("interrupted; the runs measured so far are kept" + request.resume_hint);
      }
      ev.warnings.insert(ev.warnings.end(), judged->warnings.begin(), judged->warnings.end());
      if (judged->baseline_broken) {
        outcome = core::Outcome::failed;
        reason = judged->failure;
        ev.failure = reason;
        break;
      }
      if (!judged->trace.empty()) { // the looks the rule made, kept for the dashboard's stopping trace
        ev.traces[input.name] = judged->trace;
      }
      // A fixed design measures the configured runs on every side measured (interleaved: both).
      const auto fixed = static_cast<std::size_t>(std::max(0, ws.project.config.benchmark.runs));
      if (options.baseline_mode == BaselineMode::interleaved) {
        ev.cost.add(judged->baseline, true, fixed);
      }
      ev.cost.add(judged->candidate, false, fixed);
      ev.candidates[input.name] = judged->candidate;
      say(fmt::format("  {}: {} {} after {} runs per side: {}", input.name,
                      verdict::to_string(judged->comparison.decision.verdict),
                      std::isnan(judged->comparison.change) ? std::string("n/a") : verdict::percent(judged->comparison.change),
                      judged->candidate.runs.size(), judged->comparison.decision.reason));
      const verdict::Verdict v = judged->comparison.decision.verdict;
      comparisons.push_back(std::move(judged->comparison));
      if (v == verdict::Verdict::kill || v == verdict::Verdict::reject) {
        outcome = core::outcome_of(v);
        reason = fmt::format("input '{}': {}", input.name, comparisons.back().decision.reason);
        if (!judged->failure.empty()) {
          ev.failure = judged->failure;
        }
        break; // a KILL or REJECT decides the experiment: no more GPU time on the other inputs
      }
    }
  }

  if (outcome == core::Outcome::none) {
    set_phase("compare");
    decision = verdict::combine_inputs(comparisons, policy);
    outcome = core::outcome_of(decision.verdict);
    reason = decision.reason;
  }
  if (!unchecked.empty() && outcome != core::Outcome::kill && outcome != core::Outcome::reject &&
      outcome != core::Outcome::failed) {
    outcome = core::Outcome::inconclusive;
    reason = unchecked + "; the timed runs: " + reason;
    decision = {verdict::Verdict::inconclusive, false, reason};
    ev.failure = unchecked;
  }
  double total = 0;
  double weights = 0;
  for (const verdict::CommandComparison& c : comparisons) {
    if (!std::isnan(c.change)) {
      total += c.weight * c.change;
      weights += c.weight;
    }
  }
  if (weights > 0) {
    ev.change = total / weights;
  }
  decision.reason = reason;
  return ev;
}

std::string format_change(const std::optional<double>& change) {
  return change && !std::isnan(*change) ? verdict::percent(*change) : std::string("n/a");
}

Result<store::ExperimentRecord> new_experiment(Workspace& ws, const std::string& name, const std::string& hypothesis,
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
  e.created_at_us = now_us();
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

Result<ClosedExperiment> close_experiment(Workspace& ws, core::ExperimentNumber number, const std::string& status,
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
  e->finished_at_us = now_us();
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
Result<void> check_branch_starts_at_baseline(const Git& git, const store::ExperimentRecord& e) {
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

Result<ExperimentOutcome> run_experiment(Workspace& ws, core::ExperimentNumber number,
                                         const RunExperimentOptions& options) {
  const ProjectConfig& config = ws.project.config;
  ZKBENCH_TRY_ASSIGN(found, find_experiment(*ws.store, number));
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
  ZKBENCH_TRY_ASSIGN(baseline, comparable_baseline(*ws.store, e, ws.machine_class));
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
  ZKBENCH_TRY_ASSIGN(base_benches, baseline_benchmarks(*ws.store, *baseline));
  ZKBENCH_TRY_ASSIGN(policy, project_policy(config));

  // Environment: measuring elsewhere than the baseline makes the comparison suspect.
  CollectOptions collect;
  collect.repo_dir = ws.root();
  collect.guest_manifest = config.guest_manifest;
  const Environment env = collect_environment(collect);
  if (auto previous = parse_environment_yaml(baseline->environment_yaml, "baseline environment")) {
    if (auto differences = describe_differences(diff_environments(*previous, env)); !differences.empty()) {
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
    const Git git(checkout);
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
  ZKBENCH_TRY_ASSIGN(head, Git(worktree).commit_of("HEAD"));
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

  EvaluationRequest request{e.branch, e.experiment_number().format(), "experiment", e.id,
                            ": zkbench exp run " + e.experiment_number().format() + " resumes",
                            "zkbench exp run " + e.experiment_number().format()};
  ZKBENCH_TRY_ASSIGN(ev, evaluate_checkout(ws, worktree, *baseline, *base_benches, *policy, request, options));
  outcome.warnings.insert(outcome.warnings.end(), ev->warnings.begin(), ev->warnings.end());
  outcome.resumed = ev->resumed;
  e.change = ev->change;
  const core::Outcome decided = ev->verdict;
  const std::string reason = ev->reason;
  const auto& comparisons = ev->comparisons;
  const verdict::Decision& decision = ev->decision;

  // The profile (when configured) of the experiment's code, and its diff with the baseline's.
  if (decided != core::Outcome::failed && decided != core::Outcome::kill && !ws.project.inputs.inputs.empty()) {
    auto profiled = capture_profile(ws, ws.project.inputs.inputs.front(), worktree, dir / "profile.txt");
    const std::filesystem::path base_profile = ws.benchmarks_dir() / "baseline" / "profile.txt";
    if (!profiled) {
      outcome.warnings.push_back("no profile: " + profiled.error().message);
    } else if (*profiled) {
      outcome.files.push_back(dir / "profile.txt");
      std::vector<std::pair<std::string, std::filesystem::path>> kept{{"profile", dir / "profile.txt"}};
      if (std::filesystem::exists(base_profile)) {
        auto diff = profile_diff_text(base_profile, dir / "profile.txt");
        if (diff) {
          ZKBENCH_TRY(util::write_file_atomically(dir / "profile_diff.txt", *diff));
          outcome.files.push_back(dir / "profile_diff.txt");
          kept.emplace_back("diff", dir / "profile_diff.txt");
        } else {
          outcome.warnings.push_back("no profile diff: " + diff.error().message);
        }
      }
      // In the store, linked to the experiment and its baseline (the dashboard's profile chart).
      for (const auto& [kind, file] : kept) {
        store::ProfileRecord record;
        record.kind = kind;
        record.zkvm = to_string(ws.project.config.profile->zkvm);
        record.input = ws.project.inputs.inputs.front().name;
        record.title = e.name;
        record.commit = *head;
        record.experiment_number = e.number;
        record.baseline_id = e.baseline_id;
        if (auto stored = store_profile_file(*ws.store, file, record); !stored) {
          outcome.warnings.push_back(fmt::format("{} is not in the store: {}", file.filename().string(),
                                                 stored.error().message));
        }
      }
    }
  }
  e.set_outcome(decided);
  e.set_state(core::ExperimentStatus::done);
  e.close_reason = reason;
  e.finished_at_us = now_us();
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
