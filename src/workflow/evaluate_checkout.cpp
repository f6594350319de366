#include "workflow/evaluate_checkout.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <span>

#include <fmt/format.h>

#include "verdict/decide.hpp"
#include "verdict/sequential.hpp"
#include "workflow/checkout_steps.hpp"
#include "workflow/measure_inputs.hpp"
#include "project/workspace.hpp"

namespace zkbench::workflow {

namespace {

// An input as it ended or paused: "  a: KEEP -12.30% after 9 runs per side: sequential: ...".
std::string input_line(const InputJudgement& judged) {
  const verdict::CommandComparison& c = judged.comparison;
  return fmt::format("  {}: {} {} after {} runs per side: {}", c.command,
                     judged.comparison.paused ? std::string("paused") : verdict::to_string(c.decision.verdict),
                     std::isnan(c.change) ? std::string("n/a") : verdict::percent(c.change),
                     judged.candidate.runs.size(), c.decision.reason);
}

// The paused inputs whose rule, asked on the runs each has (`ask`: pause_at where they paused; no run is
// measured), finds KEEP out of reach (futility): their judgements, by input.
Result<std::vector<std::optional<InputJudgement>>> out_of_reach(
    project::Workspace& ws, std::span<const PreparedInput> prepared,
    const std::vector<std::optional<InputJudgement>>& latest, const std::map<std::string, core::Benchmark>& base_runs,
    const project::KeptRuns& kept, const verdict::Policy& policy, const InputJudgeOptions& ask) {
  std::vector<std::optional<InputJudgement>> futile(latest.size());
  for (std::size_t i = 0; i < latest.size(); ++i) {
    if (!latest[i] || !latest[i]->comparison.paused) {
      continue;
    }
    const PreparedInput& input = prepared[i];
    ZKBENCH_TRY_ASSIGN(judged, judge_kept_input(ws, input, base_runs.at(input.spec.name), kept, policy, ask));
    if (!judged->comparison.paused && !judged->interrupted) {
      futile[i] = std::move(*judged);
    }
  }
  return futile;
}

// Whether KEEP is out of the experiment's joint reach at a joint look (stochastic curtailment of the joint
// estimate, as each input's rule does for its own): the weighted mean of the inputs' log estimates, moved in
// the candidate's favour by the paused inputs' projected drifts (each futility_z standard errors of the
// rest of its budget, verdict::Reach) combined in quadrature (measured apart: independent), stays short of
// the KEEP threshold. Ended inputs count with their estimate. The reason's figures when out of reach.
std::optional<std::string> joint_reach(const std::vector<std::optional<InputJudgement>>& latest,
                                       const verdict::Policy& policy) {
  double total = 0;
  double estimate = 0;
  double drift = 0; // sum of (weight x optimism)^2
  int paused = 0;
  for (const std::optional<InputJudgement>& judged : latest) {
    if (!judged) {
      continue;
    }
    const verdict::CommandComparison& c = judged->comparison;
    if (!std::isfinite(c.change) || !(c.weight > 0) || c.change <= -1.0) {
      continue;
    }
    if (c.paused) {
      if (!judged->reach) {
        return std::nullopt; // no projection for it (no log scale): its rule goes on
      }
      ++paused;
      drift += c.weight * c.weight * judged->reach->optimism * judged->reach->optimism;
    }
    total += c.weight;
    estimate += c.weight * std::log1p(c.change);
  }
  if (paused == 0 || !(total > 0)) {
    return std::nullopt;
  }
  const double now = estimate / total;
  const double best = now - std::sqrt(drift) / total;
  if (std::expm1(best) < -policy.keep_threshold) {
    return std::nullopt;
  }
  return fmt::format("joint estimate {}, at best {} within the budgets; KEEP > {:.1f}%", verdict::percent(std::expm1(now)),
                     verdict::percent(std::expm1(best)), policy.keep_threshold * 100);
}

// A paused input ended by the joint look's futility: DISCARD on its figures there (no KEEP; a regression
// its interval establishes is still read from them by combine_inputs).
void end_out_of_joint_reach(InputJudgement& judged, const std::string& why, int stage) {
  verdict::CommandComparison& c = judged.comparison;
  c.paused = false;
  const verdict::MetricComparison* judged_on = verdict::primary_comparison(c.metrics, c.metric);
  const std::string figures = judged_on != nullptr ? verdict::change_text(c.change, judged_on->ci_lo, judged_on->ci_hi)
                                                   : verdict::percent(c.change);
  c.decision = {verdict::Verdict::discard, false,
                fmt::format("{}: sequential: {} after {} runs: KEEP out of the inputs' joint reach at their joint look "
                            "at {} runs per side ({})",
                            c.metric, figures, judged.candidate.runs.size(), stage, why)};
  for (verdict::MetricComparison& m : c.metrics) {
    if (m.metric == c.metric) {
      m.decision = c.decision;
    }
  }
}

} // namespace

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
    // Several inputs (sequential, interleaved) are measured in stages: every input up to the next of its
    // rule's claim looks, then the joint interval is looked at (combine_inputs). When it decides, no input
    // is measured further: four inputs of equal noise give a joint interval half as wide as one input's, so
    // it may settle where no input's own rule has. Unsettled, every input goes on to the next look, and at
    // the last stage to its rule's own end, as when judged one at a time. Each input's intervals hold at
    // alpha / inputs over all of its looks, so the joint looks spend nothing of their own. KEEP out of reach
    // (futility) is asked at the joint looks, and not while the joint estimate is KEEP-sized.
    const bool staged = judge.inputs > 1 && options.strategy == verdict::Strategy::sequential &&
                        options.baseline_mode == BaselineMode::interleaved;
    std::vector<int> stages = staged ? joint_looks(policy, judge) : std::vector<int>{};
    stages.push_back(0); // the rules' own ends
    std::vector<std::optional<InputJudgement>> latest(inputs.size());
    project::KeptRuns kept = request.kept; // the runs earlier attempts kept (resumed), then each stage's
    bool ended = false; // a KILL, a REJECT or a broken baseline ends the experiment: no more runs on other inputs
    for (std::size_t stage = 0; stage < stages.size() && !ended; ++stage) {
      for (std::size_t i = 0; i < inputs.size(); ++i) {
        const project::InputSpec& input = inputs[i];
        const auto stored = base_benches.find(input.name);
        if (stored == base_benches.end()) {
          if (stage == 0) {
            ev.warnings.push_back(fmt::format("input '{}' is not in the baseline: skipped", input.name));
          }
          continue;
        }
        if (latest[i] && !latest[i]->comparison.paused) {
          continue; // its own rule settled it
        }
        if (options.status != nullptr) {
          options.status->info().input_index = static_cast<int>(i + 1);
          options.status->info().input_count = static_cast<int>(inputs.size());
        }
        InputJudgeOptions step = judge;
        step.pause_at = stages[stage];
        // Before the last stage an input stops on a claim only: whether KEEP is out of its reach is asked at
        // the joint look (below), since the inputs together may reach it still. In the last stage futility
        // applies from the last joint look on, so the looks recomputed from the runs (the figures, the
        // trace) are the ones the stages made.
        step.futility = judge.futility && step.pause_at == 0;
        if (step.futility && stage > 0) {
          step.futility_min_runs = std::max(judge.futility_min_runs, stages[stage - 1]);
        }
        const int most = most_runs_per_side(judge);
        if (!latest[i]) {
          say(fmt::format("measuring {} ({}/{}): {} the baseline's build, {} strategy, at most {} runs per side{}{}, "
                          "hang guard {:.1f} s",
                          input.name, i + 1, inputs.size(),
                          options.baseline_mode == BaselineMode::interleaved ? "alternating with"
                                                                             : "against the stored runs of",
                          options.strategy == verdict::Strategy::sequential ? "sequential" : "fixed", judge.runs,
                          most > judge.runs ? fmt::format(" ({} for an unsettled KEEP-sized estimate)", most)
                                            : std::string(),
                          step.pause_at > 0 ? fmt::format(", looked at with the other inputs from {}", step.pause_at)
                                            : std::string(),
                          hang_guard_s(stored->second, policy)));
        } else {
          step.warmup = 0; // measured minutes ago in this command: its first run is not a cold one
          say(fmt::format("measuring {} ({}/{}) on: {}", input.name, i + 1, inputs.size(),
                          step.pause_at > 0 ? fmt::format("up to {} runs per side, the next joint look", step.pause_at)
                                            : std::string("to its rule's own end")));
        }
        ZKBENCH_TRY_ASSIGN(judged, judge_kept_input(ws, prepared[i], stored->second, kept, policy, step));
        if (!latest[i]) {
          ev.resumed = ev.resumed || judged->resumed_runs > 0;
          if (judged->resumed_runs > 0) {
            say(fmt::format("resumed {} with {} runs already in the store", input.name, judged->resumed_runs));
          }
        }
        if (judged->interrupted) {
          return make_error("interrupted; the runs measured so far are kept" + request.resume_hint);
        }
        if (judged->baseline_broken) {
          outcome = core::Outcome::failed;
          reason = judged->failure;
          ev.failure = reason;
          ev.warnings.insert(ev.warnings.end(), judged->warnings.begin(), judged->warnings.end());
          ended = true;
          break;
        }
        say(input_line(*judged));
        const verdict::Verdict v = judged->comparison.decision.verdict;
        if (judged->comparison.paused) { // the next stage goes on from these runs, as from an earlier attempt's
          kept[judge.owner.name]["baseline"][input.name].runs = judged->baseline.runs;
          kept[judge.owner.name]["candidate"][input.name].runs = judged->candidate.runs;
        }
        latest[i] = std::move(*judged);
        if (v == verdict::Verdict::kill || v == verdict::Verdict::reject) {
          outcome = core::outcome_of(v);
          reason = fmt::format("input '{}': {}", input.name, latest[i]->comparison.decision.reason);
          if (!latest[i]->failure.empty()) {
            ev.failure = latest[i]->failure;
          }
          ended = true;
          break; // a KILL or REJECT decides the experiment: no more GPU time on the other inputs
        }
      }
      if (ended || stages[stage] == 0 ||
          std::none_of(latest.begin(), latest.end(), [](const auto& judged) { return judged && judged->comparison.paused; })) {
        break; // nothing left to measure
      }
      std::vector<verdict::CommandComparison> now;
      bool kill_pending = false;
      for (const std::optional<InputJudgement>& judged : latest) {
        if (judged) {
          now.push_back(judged->comparison);
          // A paused input slower than the KILL multiplier: its rule claims KILL at a later look (a KILL
          // needs a smaller level than a regression), so no joint look may end it as a regression first.
          const verdict::MetricComparison* time = verdict::primary_comparison(judged->comparison.metrics, "time");
          kill_pending = kill_pending || (judged->comparison.paused && time != nullptr &&
                                          time->change >= policy.timeout_multiplier - 1.0);
        }
      }
      if (kill_pending) {
        continue;
      }
      const verdict::Decision joint = verdict::combine_inputs(now, policy);
      if (joint.verdict != verdict::Verdict::inconclusive) {
        say(fmt::format("joint look at {} runs per side: {}: no input is measured further", stages[stage],
                        verdict::to_string(joint.verdict)));
        for (std::optional<InputJudgement>& judged : latest) {
          if (judged && judged->comparison.paused) {
            judged->comparison.decision.reason +=
                fmt::format("; measured no further: the inputs' joint look at {} runs per side decided", stages[stage]);
          }
        }
        break;
      }
      // KEEP out of reach: while the joint estimate is KEEP-sized no input is given up (the others may carry
      // it to a KEEP: one input's candidate slowed by a burst of load must not end a real gain as "+1%"); else
      // each paused input whose own rule finds KEEP out of its reach ends, with that rule's verdict.
      const auto estimate = verdict::joint_change(now);
      if (estimate && -estimate->change > policy.keep_threshold) {
        continue;
      }
      InputJudgeOptions ask = judge;
      ask.pause_at = stages[stage];
      ask.warmup = 0;
      ask.futility_min_runs = std::max(judge.futility_min_runs, stages[stage]); // at this look, not at the earlier
      ZKBENCH_TRY_ASSIGN(futile, out_of_reach(ws, prepared, latest, base_benches, kept, policy, ask));
      for (std::size_t i = 0; i < inputs.size(); ++i) {
        if ((*futile)[i]) {
          latest[i] = std::move((*futile)[i]);
          say(input_line(*latest[i]));
        }
      }
      // KEEP out of the inputs' joint reach, at the last joint look: the inputs still measured cannot carry
      // the joint estimate to a KEEP within their budgets. Each input alone may still reach one (scattered
      // runs keep an input's own projection open), but the experiment's KEEP is the joint one: measuring on
      // could only end it DISCARD, or INCONCLUSIVE "too noisy". Only at the last joint look: asked at every
      // joint look, it ended 4% of real 10% gains under bursts of load (t3, CV 5%) DISCARD, against 0.7%
      // (bench/verdicts' reduced grid); at the last, 2.0%, and no-ops there ended DISCARD in 89-94% of
      // trials instead of 63-73%, the rest INCONCLUSIVE.
      if (judge.futility && stage + 2 == stages.size()) {
        if (const auto out = joint_reach(latest, policy)) {
          say(fmt::format("joint look at {} runs per side: KEEP out of the inputs' joint reach ({}): no input is "
                          "measured further",
                          stages[stage], *out));
          for (std::optional<InputJudgement>& judged : latest) {
            if (judged && judged->comparison.paused) {
              end_out_of_joint_reach(*judged, *out, stages[stage]);
              say(input_line(*judged));
            }
          }
          break;
        }
      }
    }
    // Each input as it ended (or paused): the figures, the cost, the runs, the trace.
    for (std::optional<InputJudgement>& judged : latest) {
      if (!judged) {
        continue;
      }
      const std::string& name = judged->comparison.command;
      ev.warnings.insert(ev.warnings.end(), judged->warnings.begin(), judged->warnings.end());
      if (!judged->trace.empty()) { // the looks the rule made, kept for the dashboard's stopping trace
        ev.traces[name] = judged->trace;
      }
      // A fixed design measures the configured runs on every side measured (interleaved: both).
      const auto fixed = static_cast<std::size_t>(std::max(0, ws.project.config.benchmark.runs));
      if (options.baseline_mode == BaselineMode::interleaved) {
        ev.cost.add(judged->baseline, true, fixed);
      }
      ev.cost.add(judged->candidate, false, fixed);
      ev.candidates[name] = judged->candidate;
      comparisons.push_back(std::move(judged->comparison));
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
