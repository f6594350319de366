#include "workflow/evaluate_checkout.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "verdict/decide.hpp"
#include "verdict/sequential.hpp"
#include "workflow/checkout_steps.hpp"
#include "workflow/measure_inputs.hpp"
#include "project/workspace.hpp"

namespace zkbench::workflow {

Result<CheckoutEvaluation> evaluate_checkout(project::Workspace& ws, const std::filesystem::path& worktree,
                                             const ComparisonBase& base, const EvaluationRequest& request,
                                             const RunExperimentOptions& options) {
  const store::BaselineRecord& baseline = base.baseline;
  const std::map<std::string, core::Benchmark>& base_benches = base.runs;
  const verdict::Policy& policy = base.policy;
  const project::ProjectConfig& config = ws.project.config;
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

  // Each input's commands expanded once, passed down to its generator, correctness check and runs.
  std::vector<PreparedInput>& prepared = ev.inputs;
  for (const project::InputSpec& input : ws.project.inputs.inputs) {
    ZKBENCH_TRY_ASSIGN(ready, prepare_input(config, input));
    ZKBENCH_TRY(ensure_input(ws, *ready));
    prepared.push_back(std::move(*ready));
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
      const PreparedInput* ready = nullptr;
      for (const PreparedInput& candidate : prepared) {
        if (candidate.spec.name == expected.input) {
          ready = &candidate;
        }
      }
      if (ready == nullptr) {
        continue;
      }
      const project::InputSpec* input = &ready->spec;
      // A hang shows here first: the correctness command gets the hang guard of the timed runs.
      std::optional<double> timeout;
      if (const auto stored = base_benches.find(input->name);
          stored != base_benches.end() && !stored->second.runs.empty()) {
        timeout = hang_guard_s(stored->second, policy);
      }
      auto hash = correctness_hash(ws, *ready, worktree, timeout);
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
    judge.strategy = options.strategy;
    judge.mode = options.baseline_mode;
    const int runs = options.runs.value_or(config.benchmark.runs);
    // Sequential: the rule may go on to the policy's flaky run count when the evidence asks for it.
    judge.runs = options.strategy == verdict::Strategy::sequential ? std::max(runs, policy.flaky_runs) : runs;
    judge.extension_factor = k_extension_factor;
    judge.warmup = config.benchmark.warmup;
    judge.baseline_dir = base_tree;
    judge.candidate_dir = worktree;
    judge.status = options.status;
    // The inputs are judged jointly (combine_inputs): each input's rule runs at p_threshold / inputs.
    judge.inputs = static_cast<int>(std::count_if(inputs.begin(), inputs.end(), [&](const project::InputSpec& input) {
      return base_benches.count(input.name) > 0;
    }));
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const project::InputSpec& input = inputs[i];
      const auto stored = base_benches.find(input.name);
      if (stored == base_benches.end()) {
        ev.warnings.push_back(fmt::format("input '{}' is not in the baseline: skipped", input.name));
        continue;
      }
      if (options.status != nullptr) {
        options.status->info().input_index = static_cast<int>(i + 1);
        options.status->info().input_count = static_cast<int>(inputs.size());
      }
      const int most = most_runs_per_side(judge);
      say(fmt::format("measuring {} ({}/{}): {} the baseline's build, {} strategy, at most {} runs per side{}, hang "
                      "guard {:.1f} s",
                      input.name, i + 1, inputs.size(),
                      options.baseline_mode == BaselineMode::interleaved ? "alternating with" : "against the stored runs of",
                      options.strategy == verdict::Strategy::sequential ? "sequential" : "fixed", judge.runs,
                      most > judge.runs ? fmt::format(" ({} for an unsettled KEEP-sized estimate)", most) : std::string(),
                      hang_guard_s(stored->second, policy)));
      ZKBENCH_TRY_ASSIGN(judged, judge_kept_input(ws, prepared[i], stored->second, request.kept, policy, judge));
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
  // The experiment's change is the joint estimate combine_inputs decided on (the weighted mean of the inputs'
  // log changes), the one its interval in results.json surrounds: not a second, arithmetic mean.
  if (const auto joint = verdict::joint_change(comparisons)) {
    ev.change = joint->change;
  }
  decision.reason = reason;
  return ev;
}

} // namespace zkbench::workflow
