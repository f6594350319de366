#include "workflow/input_verdict.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "stats/descriptive.hpp"
#include "verdict/ab_judge.hpp"
#include "verdict/drift.hpp"
#include "workflow/measure_inputs.hpp"
#include "project/workspace.hpp"

namespace zkbench::workflow {

namespace {

constexpr double k_min_hang_guard_s = 5.0;
constexpr double k_hang_guard_factor = 8.0; // x timeout_multiplier x median: far beyond a cold first run (bench/verdicts)

bool project_measures(const project::ProjectConfig& config, const std::string& metric) {
  return verdict::is_builtin_metric(metric) || config.benchmark.metrics.count(metric) > 0 ||
         config.benchmark.metric_files.count(metric) > 0;
}

// Runs during which the GPU throttled (telemetry says so).
std::size_t throttled_runs(const core::Benchmark& bench) {
  return static_cast<std::size_t>(std::count_if(bench.runs.begin(), bench.runs.end(), [](const core::Run& r) {
    return r.gpu && r.gpu->throttled;
  }));
}

// A deterministic work metric (steps, cycles: not time or memory) exactly equal on both sides.
const verdict::MetricComparison* unchanged_work(const verdict::CommandComparison& c) {
  for (const verdict::MetricComparison& m : c.metrics) {
    if (!verdict::is_builtin_metric(m.metric) && m.metric != "memory" && m.deterministic && m.change == 0.0) {
      return &m;
    }
  }
  return nullptr;
}

// Deterministic work unchanged while time moved: the time change is not less (or more) work.
std::string deterministic_note(const verdict::CommandComparison& c) {
  const verdict::MetricComparison* time = verdict::primary_comparison(c.metrics, c.metric); // the time judged
  if (time == nullptr || !time->ci_lo || !time->ci_hi || (*time->ci_lo <= 0 && *time->ci_hi >= 0)) {
    return {};
  }
  const verdict::MetricComparison* work = unchanged_work(c);
  return work == nullptr ? std::string()
                         : fmt::format("; {} unchanged (deterministic) while time moved {}: not a change in the work done",
                                       work->metric, verdict::percent(time->change));
}

// The sequential rule of an input judged under `options` (its stored-baseline limit aside).
verdict::SequentialOptions input_rule(const verdict::Policy& policy, const InputJudgeOptions& options) {
  verdict::SequentialOptions rule = verdict::sequential_options(
      policy, std::min(options.min_runs, std::max(options.runs, 2)), options.runs, options.inputs);
  rule.futility_min_runs = options.futility_min_runs;
  rule.futility = options.futility;
  if (const int most = most_runs_per_side(options); most > options.runs) {
    rule.budget_runs = rule.max_runs;
    rule.max_runs = most;
  }
  rule.kill_multiplier = policy.timeout_multiplier; // the judge claims KILL with clearly_slower
  return rule;
}

} // namespace

std::vector<int> joint_looks(const verdict::Policy& policy, const InputJudgeOptions& options) {
  const verdict::SequentialOptions rule = input_rule(policy, options);
  const int budget = rule.budget_runs > 0 ? rule.budget_runs : rule.max_runs;
  std::vector<int> looks;
  for (int n = rule.min_runs; n < budget; ++n) {
    if (verdict::look_level(n, rule) > 0) {
      looks.push_back(n);
    }
  }
  return looks;
}

double hang_guard_s(const core::Benchmark& stored, const verdict::Policy& policy) {
  const auto times = stored.wall_times();
  const double median = times.empty() ? 0.0 : stats::median(times);
  return std::max({k_min_hang_guard_s, k_hang_guard_factor * policy.timeout_multiplier * median,
                   median + policy.timeout_min_slack_s});
}

int most_runs_per_side(const InputJudgeOptions& options) {
  const bool extended = options.strategy == verdict::Strategy::sequential && options.mode == BaselineMode::interleaved &&
                        options.extension_factor > 1;
  return extended ? options.runs * options.extension_factor : options.runs;
}

Result<InputJudgement> judge_input(project::Workspace& ws, const project::InputSpec& input, const core::Benchmark& stored,
                                   const verdict::Policy& policy, const InputJudgeOptions& options) {
  ZKBENCH_TRY_ASSIGN(prepared, prepare_input(ws.project.config, input));
  return judge_input(ws, *prepared, stored, policy, options);
}

Result<InputJudgement> judge_input(project::Workspace& ws, const PreparedInput& prepared, const core::Benchmark& stored,
                                   const verdict::Policy& policy, const InputJudgeOptions& options) {
  ZKBENCH_TRY_ASSIGN(kept, project::kept_runs(*ws.store, options.owner.name, options.owner.id));
  return judge_kept_input(ws, prepared, stored, *kept, policy, options);
}

Result<InputJudgement> judge_kept_input(project::Workspace& ws, const PreparedInput& prepared,
                                        const core::Benchmark& stored, const project::KeptRuns& kept,
                                        const verdict::Policy& policy, const InputJudgeOptions& options) {
  const project::ProjectConfig& config = ws.project.config;
  const project::InputSpec& input = prepared.spec;
  InputJudgement judged;
  judged.hang_guard_s = hang_guard_s(stored, policy);
  const std::string primary = project_measures(config, policy.primary_metric) ? policy.primary_metric : "time";

  verdict::AbOptions ab;
  ab.strategy = options.strategy;
  ab.runs = options.runs;
  ab.sequential = input_rule(policy, options);
  if (options.mode == BaselineMode::stored && !stored.runs.empty()) {
    // Against stored runs the test pairs the candidate's runs with them: it ends (its final look) where they do.
    ab.sequential.max_runs = std::max(ab.sequential.min_runs, std::min(ab.sequential.max_runs,
                                                                       static_cast<int>(stored.runs.size())));
  }
  MeasureOptions measure;
  measure.owner = options.owner;
  measure.warmup = options.warmup;
  measure.timeout_s = judged.hang_guard_s;
  measure.status = options.status;
  measure.settings = fmt::format("{} strategy, {} {} runs per side{}, {} baseline",
                                 options.strategy == verdict::Strategy::sequential ? "sequential" : "fixed",
                                 options.strategy == verdict::Strategy::sequential ? "at most" : "",
                                 options.strategy == verdict::Strategy::sequential ? ab.sequential.max_runs : options.runs,
                                 ab.sequential.budget_runs > 0 ? fmt::format(" ({} unless KEEP-sized)", ab.sequential.budget_runs)
                                                               : std::string(),
                                 options.mode == BaselineMode::interleaved ? "interleaved" : "stored");

  std::vector<SideSpec> sides;
  if (options.mode == BaselineMode::interleaved) {
    // The baseline's proofs were verified when it was established; once here checks the command still works.
    sides.push_back({"baseline", options.baseline_dir, measure::VerifyWhen::first_run});
  } else {
    // The drift test has the power the stored runs give it: the half-width of their 99% prediction
    // interval is the smallest drift it can see. Wider than the MAYBE threshold, an unseen drift plus a
    // small gain could pass the KEEP threshold (a 3.4% drift and a 2% gain read as 5.4%).
    const std::vector<double> stored_all = stored.wall_times();
    if (!stored_all.empty()) {
      const double median = stats::median(stored_all);
      const std::vector<double> probe{median};
      const verdict::DriftCheck power = verdict::check_drift(stored_all, probe);
      const double half = median > 0 ? (power.hi - power.lo) / 2 / median : 0.0;
      if (!(half <= policy.maybe_threshold)) {
        judged.comparison.command = input.name;
        judged.comparison.weight = input.weight;
        judged.comparison.change = std::nan("");
        judged.comparison.decision = {
            verdict::Verdict::inconclusive, false,
            fmt::format("--baseline stored: the stored runs of input '{}' scatter too much (99% prediction interval "
                        "±{:.1f}%) for the drift test to see a drift smaller than the MAYBE threshold ({:.1f}%): no "
                        "verdict; measure interleaved (the default) or re-measure the baseline on a quieter machine",
                        input.name, half * 100, policy.maybe_threshold * 100)};
        return judged;
      }
    }
    // The drift test first: fresh runs of the baseline's build against the stored runs of this input.
    const SideSpec base{"baseline", options.baseline_dir, measure::VerifyWhen::first_run};
    MeasureOptions fresh = measure;
    fresh.owner.name = options.owner.name + project::k_drift_owner_suffix;
    fresh.settings.clear();
    // Fresh on every attempt: a resumed experiment tests the machine as it is now, not when it started.
    fresh.runs = options.drift_runs;
    fresh.beyond_kept = true;
    ZKBENCH_TRY_ASSIGN(m, measure_kept_input(ws, prepared, std::span(&base, 1), kept, fresh));
    if (m->end == measure::LoopStatus::interrupted) {
      judged.interrupted = true;
      return judged;
    }
    if (m->end != measure::LoopStatus::complete && m->end != measure::LoopStatus::decided) {
      judged.baseline_broken = true;
      judged.failure = fmt::format("input '{}': the baseline's build {}", input.name, m->message);
      return judged;
    }
    const std::vector<double> all_times = m->sides.front().wall_times();
    const std::vector<double> fresh_times(all_times.end() - std::min<std::ptrdiff_t>(options.drift_runs,
                                                                                      std::ssize(all_times)),
                                          all_times.end());
    const std::vector<double> fresh_median{stats::median(fresh_times)};
    const verdict::DriftCheck drift = verdict::check_drift(stored.wall_times(), fresh_median);
    if (drift.drifted) {
      judged.comparison.command = input.name;
      judged.comparison.weight = input.weight;
      judged.comparison.change = std::nan("");
      judged.comparison.decision = {verdict::Verdict::inconclusive, false,
                                    fmt::format("the stored baseline is stale: {}; no verdict: run `zkbench "
                                                "baseline` (or drop --baseline stored)",
                                                drift.message)};
      judged.warnings.push_back(fmt::format("input '{}': {}", input.name, drift.message));
      return judged;
    }
  }
  sides.push_back({"candidate", options.candidate_dir, measure::VerifyWhen::every_run});
  const bool beside = sides.size() == 2;
  const std::vector<double> stored_times = stored.wall_times();

  verdict::AbJudge judge(primary, policy, ab, verdict::MetricFallback::time, beside ? nullptr : &stored);
  measure.runs = judge.max_pairs();
  const bool may_pause = options.pause_at > 0 && options.pause_at < measure.runs &&
                         options.strategy == verdict::Strategy::sequential;
  if (may_pause) {
    measure.runs = options.pause_at;
  }
  measure.enough = [&judge](std::span<const core::Benchmark> benches) { return judge.look(benches); };

  ZKBENCH_TRY_ASSIGN(m, measure_kept_input(ws, prepared, sides, kept, measure));
  judged.resumed_runs = m->resumed_runs;
  judged.candidate = m->sides.back();
  judged.candidate.command = input.name;
  judged.baseline = beside ? m->sides.front() : stored;
  judged.baseline.command = input.name;
  judged.comparison.command = input.name;
  judged.comparison.weight = input.weight;
  if (m->end == measure::LoopStatus::interrupted) {
    judged.interrupted = true;
    return judged;
  }
  const bool candidate_failed = m->failed_side && *m->failed_side == sides.size() - 1;
  switch (m->end) {
  case measure::LoopStatus::command_failed:
  case measure::LoopStatus::timed_out:
  case measure::LoopStatus::verify_failed:
    if (!candidate_failed) {
      judged.baseline_broken = true;
      judged.failure = fmt::format("input '{}': the baseline's build {}{}", input.name, m->message,
                                   m->verifier_output.empty() ? std::string() : ": " + m->verifier_output);
      return judged;
    }
    if (m->end == measure::LoopStatus::timed_out) {
      judged.comparison.decision = {verdict::Verdict::kill, true,
                                    fmt::format("input '{}': a run hung: {} (the hang guard is {:.1f} s, {:.0f}x "
                                                "the timeout multiplier x the baseline median)",
                                                input.name, m->message, judged.hang_guard_s, k_hang_guard_factor)};
    } else if (m->end == measure::LoopStatus::verify_failed) {
      judged.comparison.decision = {verdict::Verdict::reject, false,
                                    fmt::format("input '{}': {}: {}", input.name, m->message,
                                                m->verifier_output.empty() ? std::string("(no output)")
                                                                           : m->verifier_output)};
    } else {
      judged.comparison.decision = {verdict::Verdict::reject, false,
                                    fmt::format("input '{}': the benchmark command failed: {}", input.name, m->message)};
    }
    judged.comparison.change = std::nan("");
    judged.failure = judged.comparison.decision.reason;
    return judged;
  case measure::LoopStatus::complete:
  case measure::LoopStatus::decided:
  case measure::LoopStatus::interrupted:
  case measure::LoopStatus::contended: // measure_input returns an error instead
    break;
  }

  // The one A/B judge (verdict/ab_judge.hpp): contended runs left out, the deciding look's figures.
  // Paused: the loop ended at pause_at, not at its budget; the rule's look there is not a final one.
  const bool paused = may_pause && m->end == measure::LoopStatus::complete;
  verdict::AbJudgement ruling = judge.judge(judged.baseline, judged.candidate,
                                             m->end == measure::LoopStatus::complete && !paused);
  verdict::CommandComparison c = verdict::compare_benchmarks(ruling.judged[0], ruling.judged[1], policy);
  c.command = input.name;
  c.weight = input.weight;
  judged.metric = ruling.metric;
  c.metric = ruling.killed ? "time" : ruling.metric;
  if (ruling.settled) {
    c.decision = ruling.outcome.decision;
  }
  if (ruling.deciding) { // the deciding look's figures become the metric's (one interval per input)
    for (verdict::MetricComparison& figures : c.metrics) {
      if (figures.metric == ruling.look_metric) {
        verdict::apply_look(figures, *ruling.deciding, ab.sequential);
        if (!ruling.killed) {
          figures.decision = c.decision;
        }
        break;
      }
    }
  }
  if (beside && !ruling.killed && !ruling.metric_lost && ruling.metric != "time") {
    c.decision.reason = ruling.metric + ": " + c.decision.reason;
  }
  if (const verdict::MetricComparison* m2 = verdict::primary_comparison(c.metrics, c.metric)) {
    c.change = m2->change;
  }
  judged.trace = judge.trace(ruling);
  judged.reach = judge.reach(ruling);
  const std::string note = deterministic_note(c);
  if (const verdict::MetricComparison* work = unchanged_work(c);
      work != nullptr && !ruling.metric_lost && c.decision.verdict == verdict::Verdict::inconclusive) {
    // Identical work says nothing about time: a prover-side change (or one to the proof's size) leaves the
    // guest's steps alone and shows in time only. Unsettled time stays INCONCLUSIVE, never a DISCARD.
    c.decision.reason = fmt::format("{} unchanged (deterministic, {} runs per side); time unsettled after {} runs: {}",
                                    work->metric, work->candidate.n, judged.candidate.runs.size(), c.decision.reason);
  } else {
    c.decision.reason += note;
  }
  if (const std::size_t hot = throttled_runs(judged.candidate) + (beside ? throttled_runs(judged.baseline) : 0); hot > 0) {
    c.decision.reason += fmt::format("; the GPU throttled during {} of the runs", hot);
    judged.warnings.push_back(fmt::format("input '{}': the GPU throttled during {} runs", input.name, hot));
  }
  if (beside && stored_times.size() >= 2) { // is the stored baseline still this machine's figure?
    const std::vector<double> fresh_median{stats::median(judged.baseline.wall_times())};
    const verdict::DriftCheck drift = verdict::check_drift(stored_times, fresh_median);
    if (drift.drifted) {
      judged.warnings.push_back(fmt::format("input '{}': the stored baseline is stale ({}): run `zkbench baseline` "
                                            "to refresh the project's reference",
                                            input.name, drift.message));
    }
  }
  c.decision = judge.guard(std::move(c.decision), ruling);
  c.paused = paused;
  judged.comparison = std::move(c);
  return judged;
}

} // namespace zkbench::workflow
