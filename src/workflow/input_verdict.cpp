#include "workflow/input_verdict.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "stats/descriptive.hpp"
#include "verdict/contention.hpp"
#include "verdict/drift.hpp"
#include "workflow/measure_inputs.hpp"
#include "project/workspace.hpp"

namespace zkbench::workflow {

namespace {

constexpr double k_min_hang_guard_s = 5.0;
constexpr double k_hang_guard_factor = 8.0; // x timeout_multiplier x median: far beyond a cold first run (bench/verdicts)

bool project_measures(const project::ProjectConfig& config, const std::string& metric) {
  return config.benchmark.metrics.count(metric) > 0 || config.benchmark.metric_files.count(metric) > 0;
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
    if (m.metric != "time" && m.metric != "memory" && m.deterministic && m.change == 0.0) {
      return &m;
    }
  }
  return nullptr;
}

// Deterministic work unchanged while time moved: the time change is not less (or more) work.
std::string deterministic_note(const verdict::CommandComparison& c) {
  const verdict::MetricComparison* time = verdict::primary_comparison(c.metrics, "time");
  if (time == nullptr || !time->ci_lo || !time->ci_hi || (*time->ci_lo <= 0 && *time->ci_hi >= 0)) {
    return {};
  }
  const verdict::MetricComparison* work = unchanged_work(c);
  return work == nullptr ? std::string()
                         : fmt::format("; {} unchanged (deterministic) while time moved {}: not a change in the work done",
                                       work->metric, verdict::percent(time->change));
}

} // namespace

double hang_guard_s(const core::Benchmark& stored, const verdict::Policy& policy) {
  const auto times = stored.wall_times();
  const double median = times.empty() ? 0.0 : stats::median(times);
  return std::max({k_min_hang_guard_s, k_hang_guard_factor * policy.timeout_multiplier * median,
                   median + policy.timeout_min_slack_s});
}

Result<InputJudgement> judge_input(project::Workspace& ws, const project::InputSpec& input, const core::Benchmark& stored,
                                   const verdict::Policy& policy, const InputJudgeOptions& options) {
  const project::ProjectConfig& config = ws.project.config;
  InputJudgement judged;
  judged.hang_guard_s = hang_guard_s(stored, policy);
  const std::string primary = project_measures(config, policy.primary_metric) ? policy.primary_metric : "time";

  verdict::AbOptions ab;
  ab.strategy = options.strategy;
  ab.runs = options.runs;
  ab.sequential = verdict::sequential_options(policy, std::min(options.min_runs, std::max(options.runs, 2)), options.runs,
                                             options.inputs);
  ab.sequential.futility_min_runs = options.futility_min_runs;
  ab.sequential.kill_multiplier = policy.timeout_multiplier; // enough() below claims KILL with clearly_slower
  if (options.mode == BaselineMode::stored && !stored.runs.empty()) {
    // Against stored runs the test pairs the candidate's runs with them: it ends (its final look) where they do.
    ab.sequential.max_runs = std::max(ab.sequential.min_runs, std::min(ab.sequential.max_runs,
                                                                       static_cast<int>(stored.runs.size())));
  }
  // The sequential options for judging `metric` (its name decides whether equal runs are exact).
  const auto judging = [&](const std::string& metric) {
    verdict::SequentialOptions seq = ab.sequential;
    seq.metric = metric;
    return seq;
  };
  std::optional<verdict::AbDecider> decider;
  std::string decided_metric = primary;
  bool killed = false;
  bool looked = false;      // the decider has looked at the evidence (sequential: min_runs pairs)
  bool metric_lost = false; // the decided metric went missing after a look

  MeasureOptions measure;
  measure.owner = options.owner;
  measure.warmup = options.warmup;
  measure.timeout_s = judged.hang_guard_s;
  measure.status = options.status;
  measure.settings = fmt::format("{} strategy, {} {} runs per side, {} baseline",
                                 options.strategy == verdict::Strategy::sequential ? "sequential" : "fixed",
                                 options.strategy == verdict::Strategy::sequential ? "at most" : "",
                                 options.strategy == verdict::Strategy::sequential ? ab.sequential.max_runs : options.runs,
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
    fresh.owner.name = options.owner.name + "-drift";
    fresh.settings.clear();
    // Fresh on every attempt: a resumed experiment tests the machine as it is now, not when it started.
    ZKBENCH_TRY_ASSIGN(kept, project::linked_runs(*ws.store, fresh.owner.name, fresh.owner.id, input.name, base.role));
    fresh.runs = static_cast<int>(kept->runs.size()) + options.drift_runs;
    ZKBENCH_TRY_ASSIGN(m, measure_input(ws, input, std::span(&base, 1), fresh));
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

  if (beside) {
    decider.emplace(primary, policy, ab);
    measure.runs = decider->max_pairs();
  } else {
    measure.runs = ab.strategy == verdict::Strategy::fixed ? options.runs : ab.sequential.max_runs;
  }
  measure.enough = [&](std::span<const core::Benchmark> benches) {
    const core::Benchmark& cand = benches.back();
    const core::Benchmark& base = beside ? benches.front() : stored;
    const std::size_t n = cand.runs.size();
    // KILL on evidence: the candidate is clearly slower than timeout_multiplier x the baseline (the one
    // measured beside it, or the stored one's prefix), never on one slow or cold run.
    const std::vector<double> base_times = base.wall_times();
    const std::span<const double> base_prefix(base_times.data(), std::min(n, base_times.size()));
    if (verdict::clearly_slower(base_prefix, cand.wall_times(), policy.timeout_multiplier, ab.sequential)) {
      killed = true;
      return true;
    }
    if (!beside) {
      if (ab.strategy == verdict::Strategy::fixed || n > base_times.size()) {
        return false; // fixed: the run count ends it
      }
      const std::string metric = verdict::judged_metric(base, cand, primary);
      const auto b = verdict::primary_values(base, metric);
      const auto c = verdict::primary_values(cand, metric);
      const std::size_t k = std::min(b.size(), c.size());
      return static_cast<int>(k) >= ab.sequential.min_runs &&
             verdict::sequential_look(std::span(b).first(k), std::span(c).first(k), policy, judging(metric)).look.stop;
    }
    const std::string metric = verdict::judged_metric(base, cand, primary);
    if (metric != decided_metric) {
      if (looked) { // a second test on another metric would spend alpha twice: this input ends without a verdict
        metric_lost = true;
        return true;
      }
      decided_metric = metric; // no look yet: judge both sides on time from the start
      decider.emplace(metric, policy, ab);
    }
    looked = looked || (ab.strategy == verdict::Strategy::sequential &&
                        static_cast<int>(std::min(base.runs.size(), n)) >= ab.sequential.min_runs);
    return decider->look(verdict::primary_values(base, decided_metric), verdict::primary_values(cand, decided_metric));
  };

  ZKBENCH_TRY_ASSIGN(m, measure_input(ws, input, sides, measure));
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

  // Contention (issue 18, verdict/contention.hpp): the rule judges the uncontended runs; the guard at the end.
  const verdict::ContentionCount contention = verdict::count_contention(judged.baseline, judged.candidate);
  // Measured beside each other: whole rounds go; against the stored baseline: each side's own runs.
  const std::vector<core::Benchmark> judged_runs =
      beside ? core::without_contended_rounds({judged.baseline, judged.candidate})
             : std::vector<core::Benchmark>{judged.baseline.uncontended(), judged.candidate.uncontended()};
  const core::Benchmark& judged_baseline = judged_runs[0];
  const core::Benchmark& judged_candidate = judged_runs[1];
  verdict::CommandComparison c = verdict::compare_benchmarks(judged_baseline, judged_candidate, policy);
  c.command = input.name;
  c.weight = input.weight;
  const std::string metric = verdict::judged_metric(judged_baseline, judged_candidate, primary);
  judged.metric = metric;
  const auto b = verdict::primary_values(judged_baseline, metric);
  const auto cv = verdict::primary_values(judged_candidate, metric);
  c.metric = metric;
  // The judged metric's figures become the deciding ones (one interval per input).
  const auto judged_figures = [&]() -> verdict::MetricComparison* {
    for (verdict::MetricComparison& m2 : c.metrics) {
      if (m2.metric == metric) {
        return &m2;
      }
    }
    return nullptr;
  };
  if (metric_lost) {
    c.decision = {verdict::Verdict::inconclusive, false,
                  fmt::format("a run without metric '{}' after the rule had looked at it (judging on another metric "
                              "now would be a second test): no verdict; check the metric's pattern against the "
                              "command's output",
                              decided_metric)};
  } else if (killed) {
    // The interval that established it: the one clearly_slower read, at the level of the stopping look.
    const std::vector<double> base_times = judged_baseline.wall_times();
    const std::vector<double> cand_times = judged_candidate.wall_times();
    const std::size_t k = std::min(base_times.size(), cand_times.size());
    const verdict::Look look =
        verdict::sequential_look(std::span(base_times).first(k), std::span(cand_times).first(k), policy, ab.sequential).look;
    for (verdict::MetricComparison& m2 : c.metrics) {
      if (m2.metric == "time") {
        verdict::apply_look(m2, look, ab.sequential);
      }
    }
    c.metric = "time";
    c.decision = {verdict::Verdict::kill, true,
                  fmt::format("candidate clearly slower than {:.2f}x the baseline {}: time {} (interval {} .. {}, {:.3g}% "
                              "per bound) after {} runs per side",
                              policy.timeout_multiplier, beside ? "measured beside it" : "stored",
                              verdict::percent(look.change), verdict::percent(look.lo),
                              std::isfinite(look.hi) ? verdict::percent(look.hi) : std::string("+inf"), look.bound_level * 100,
                              judged.candidate.runs.size())};
  } else if (beside) {
    verdict::AbDecider final_decider(metric, policy, ab);
    // The loop measured all it may (m->end == measured): with contended rounds left out, the last look
    // there is is the final one.
    const bool budget_spent = m->end == measure::LoopStatus::complete;
    const verdict::AbOutcome outcome = metric == decided_metric && decider ? decider->outcome(b, cv, budget_spent)
                                                                           : final_decider.outcome(b, cv, budget_spent);
    c.decision = outcome.decision;
    if (verdict::MetricComparison* figures = judged_figures(); figures != nullptr && !outcome.trace.empty()) {
      verdict::apply_look(*figures, outcome.trace.back(), ab.sequential);
      figures->decision = outcome.decision;
    }
    if (metric != "time") {
      c.decision.reason = metric + ": " + c.decision.reason;
    }
  } else if (ab.strategy == verdict::Strategy::sequential && cv.size() <= b.size()) {
    const std::size_t k = std::min(b.size(), cv.size());
    const auto look = verdict::sequential_look(std::span(b).first(k), std::span(cv).first(k), policy, judging(metric));
    if (look.look.stop) {
      c.decision = look.decision;
      if (verdict::MetricComparison* figures = judged_figures()) {
        verdict::apply_look(*figures, look.look, ab.sequential);
        figures->decision = look.decision;
      }
    }
  }
  if (const verdict::MetricComparison* m2 = verdict::primary_comparison(c.metrics, c.metric)) {
    c.change = m2->change;
  }
  if (ab.strategy == verdict::Strategy::sequential && !b.empty() && !cv.empty()) {
    const std::size_t k = std::min(b.size(), cv.size());
    judged.trace = verdict::sequential_trace(std::span(b).first(k), std::span(cv).first(k), policy, judging(metric));
  }
  const std::string note = deterministic_note(c);
  if (const verdict::MetricComparison* work = unchanged_work(c);
      work != nullptr && !metric_lost && c.decision.verdict == verdict::Verdict::inconclusive) {
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
  c.decision = verdict::guard_contention(std::move(c.decision), contention,
                                         std::min(judged_baseline.runs.size(), judged_candidate.runs.size()),
                                         static_cast<std::size_t>(std::max(2, ab.sequential.min_runs)));
  judged.comparison = std::move(c);
  return judged;
}

} // namespace zkbench::workflow
