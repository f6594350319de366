#include "verdict/ab_judge.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace zkbench::verdict {

namespace {

// The CPU time of the runs whose wall time stayed unsettled, said beside an INCONCLUSIVE on time. For one
// single-threaded, CPU-bound process, waiting for a CPU is all that load beside it adds, so its CPU time
// settles where its wall time cannot (a C program beside two compilers on 2 cores: robust CV of the wall
// time 20-26%, of the CPU time about 1%). Said, never decided on: the CPU time of a command that sleeps,
// waits for I/O or a GPU, or runs threads is not its time; `primary_metric: cpu` is the user's to choose.
// The same rule at the final look's level on the same runs, so what it says is what that choice would give.
std::string cpu_time_reading(const core::Benchmark& baseline, const core::Benchmark& candidate, const Policy& policy,
                             SequentialOptions options) {
  const std::vector<double> b = primary_values(baseline, k_cpu_metric);
  const std::vector<double> c = primary_values(candidate, k_cpu_metric);
  const std::size_t k = std::min(b.size(), c.size());
  if (static_cast<int>(k) < std::max(options.min_runs, 2)) {
    return {};
  }
  options.metric = k_cpu_metric;
  options.last_look = static_cast<int>(k);
  options.carry = false; // another metric's runs: one look at the final level, nothing carried
  const SequentialResult cpu = sequential_look(std::span(b).first(k), std::span(c).first(k), policy, options);
  if (!cpu.look.stop || cpu.decision.verdict == Verdict::inconclusive || !std::isfinite(cpu.look.lo) ||
      !std::isfinite(cpu.look.hi)) {
    return {};
  }
  return fmt::format("; the CPU time (user + system) of the same runs reads {} {} [{}, {}]: for one single-threaded "
                     "process that never waits (no sleep, I/O or GPU) that is its time without the load, and a policy "
                     "with `primary_metric: cpu` judges it",
                     to_string(cpu.decision.verdict), percent(cpu.look.change), percent(cpu.look.lo),
                     percent(cpu.look.hi));
}

// Said beside an unsettled time that was judged as wall time because runs lacked their CPU wait: why, and
// how to get it (the wait is measured only where the started process does the run's CPU work itself).
std::string unloaded_hint(const core::Benchmark& baseline, const core::Benchmark& candidate) {
  const auto lacking = [](const core::Benchmark& bench) {
    return std::count_if(bench.runs.begin(), bench.runs.end(), [](const core::Run& run) { return !run.cpu_wait_s; });
  };
  const auto missing = lacking(baseline) + lacking(candidate);
  if (missing == 0) {
    return {};
  }
  return fmt::format("; the load could not be taken out of the time ({} of {} runs without their CPU wait: their "
                     "threads or child processes did the CPU work, e.g. a shell, make or a multi-threaded program); a "
                     "command that runs the program itself is judged on its unloaded time",
                     missing, baseline.runs.size() + candidate.runs.size());
}

} // namespace

AbJudge::AbJudge(std::string primary, Policy policy, AbOptions options, MetricFallback fallback,
                 const core::Benchmark* stored)
    : m_primary(std::move(primary)), m_policy(std::move(policy)), m_options(std::move(options)), m_fallback(fallback),
      m_stored(stored), m_decided_metric(m_primary) {
  if (m_stored == nullptr) {
    m_decider.emplace(m_primary, m_policy, m_options);
  }
}

int AbJudge::max_pairs() const {
  if (m_decider) {
    return m_decider->max_pairs();
  }
  return m_options.strategy == Strategy::fixed ? m_options.runs : m_options.sequential.max_runs;
}

// The sequential options for judging `metric` (its name decides whether equal runs are exact).
SequentialOptions AbJudge::judging(const std::string& metric) const {
  SequentialOptions options = m_options.sequential;
  options.metric = metric;
  return options;
}

bool AbJudge::look(std::span<const core::Benchmark> sides) {
  const core::Benchmark& cand = sides.back();
  const core::Benchmark& base = m_stored != nullptr ? *m_stored : sides.front();
  const std::size_t n = cand.runs.size();
  const std::vector<double> base_times = base.wall_times();
  // KILL on evidence: the candidate is clearly slower than kill_multiplier x the baseline (the one
  // measured beside it, or the stored one's prefix), never on one slow or cold run.
  if (const double multiplier = m_options.sequential.kill_multiplier; multiplier > 0) {
    const std::span<const double> base_prefix(base_times.data(), std::min(n, base_times.size()));
    if (clearly_slower(base_prefix, cand.wall_times(), multiplier, m_options.sequential)) {
      m_killed = true;
      return true;
    }
  }
  const std::string metric = m_fallback == MetricFallback::time ? judged_metric(base, cand, m_primary) : m_primary;
  if (m_stored != nullptr) {
    if (m_options.strategy == Strategy::fixed || n > base_times.size()) {
      return false; // fixed: the run count ends it
    }
    const auto b = primary_values(base, metric);
    const auto c = primary_values(cand, metric);
    const std::size_t k = std::min(b.size(), c.size());
    return static_cast<int>(k) >= m_options.sequential.min_runs &&
           sequential_look(std::span(b).first(k), std::span(c).first(k), m_policy, judging(metric)).look.stop;
  }
  if (metric != m_decided_metric) {
    if (m_looked) { // a second test on another metric would spend alpha twice: this input ends without a verdict
      m_metric_lost = true;
      return true;
    }
    m_decided_metric = metric; // no look yet: judge both sides on time from the start
    m_decider.emplace(metric, m_policy, m_options);
  }
  m_looked = m_looked || (m_options.strategy == Strategy::sequential &&
                          static_cast<int>(std::min(base.runs.size(), n)) >= m_options.sequential.min_runs);
  return m_decider->look(primary_values(base, m_decided_metric), primary_values(cand, m_decided_metric));
}

AbJudgement AbJudge::judge(const core::Benchmark& baseline, const core::Benchmark& candidate, bool budget_spent,
                           std::optional<Decision> ended) const {
  AbJudgement j;
  // Contention (verdict/contention.hpp): the rule judges the uncontended runs; guard() at the end.
  j.contention = count_contention(baseline, candidate);
  // Measured beside each other: whole rounds go; against the stored baseline: each side's own runs.
  j.judged = m_stored == nullptr ? core::without_contended_rounds({baseline, candidate})
                                 : std::vector<core::Benchmark>{baseline.uncontended(), candidate.uncontended()};
  const core::Benchmark& base = j.judged[0];
  const core::Benchmark& cand = j.judged[1];
  const auto metric_of = [&](const core::Benchmark& b, const core::Benchmark& c) {
    return m_fallback == MetricFallback::time ? judged_metric(b, c, m_primary) : m_primary;
  };
  // The metric of every run, for the final look on every run (below; before any look the decider may still
  // take it), and the judged runs' own; every round contended, none judged: that of every run.
  const std::string every_metric = metric_of(baseline, candidate);
  j.metric = base.runs.empty() || cand.runs.empty() ? every_metric : metric_of(base, cand);
  const auto b = primary_values(base, j.metric);
  const auto c = primary_values(cand, j.metric);
  j.metric_lost = m_metric_lost;
  j.killed = m_killed && !m_metric_lost;
  j.outcome.baseline = b; // beside the baseline and decided by the rule, its outcome replaces these below
  j.outcome.candidate = c;
  if (ended) {
    j.outcome.decision = std::move(*ended);
    j.outcome.comparison = compare_metric(j.metric, b, c, m_policy);
    j.outcome.comparison.decision = j.outcome.decision;
    return j;
  }
  if (m_metric_lost) {
    j.outcome.decision = {
        Verdict::inconclusive, false,
        m_decided_metric == k_unloaded_metric
            ? fmt::format("a run whose CPU wait could not be measured (its threads or child processes did the CPU "
                          "work) after the rule had looked at '{}' (judging the wall time now would be a second "
                          "test): no verdict",
                          m_decided_metric)
            : fmt::format("a run without metric '{}' after the rule had looked at it (judging on another metric now "
                          "would be a second test): no verdict; check the metric's pattern against the command's "
                          "output",
                          m_decided_metric)};
  } else if (m_killed) {
    // The interval that established it: the one clearly_slower read, at the level of the stopping look.
    const std::vector<double> base_times = base.wall_times();
    const std::vector<double> cand_times = cand.wall_times();
    const std::size_t k = std::min(base_times.size(), cand_times.size());
    const Look look =
        sequential_look(std::span(base_times).first(k), std::span(cand_times).first(k), m_policy, m_options.sequential)
            .look;
    j.deciding = look;
    j.look_metric = "time";
    j.outcome.decision = {Verdict::kill, true,
                          fmt::format("candidate clearly slower than {:.2f}x the baseline {}: time {} (interval {} .. "
                                      "{}, {:.3g}% per bound) after {} runs per side",
                                      m_options.sequential.kill_multiplier,
                                      m_stored == nullptr ? "measured beside it" : "stored", percent(look.change),
                                      percent(look.lo), std::isfinite(look.hi) ? percent(look.hi) : std::string("+inf"),
                                      look.bound_level * 100, candidate.runs.size())};
  } else if (m_stored == nullptr && budget_spent && j.contention.contended > 0 &&
             m_options.strategy == Strategy::sequential && (every_metric == m_decided_metric || !m_looked) &&
             !m_decider->decided()) {
    // The contention gate took rounds out and the budget ended before the rule decided on the rest: the final
    // look, which none of the loop's looks made, judges every run. Load only slows runs and hits either side
    // alike, so the rule's reading of the fastest runs leaves the slowed ones out, while the uncontended
    // rounds alone may be too few to settle anything (bench/verdicts' gate cells).
    j.judged = {baseline, candidate};
    j.every_run = true;
    j.metric = every_metric;
    j.outcome = (every_metric == m_decided_metric ? *m_decider : AbDecider(every_metric, m_policy, m_options))
                    .final_on_every_run(primary_values(baseline, j.metric), primary_values(candidate, j.metric));
    j.deciding = j.outcome.trace.empty() ? std::nullopt : std::optional<Look>(j.outcome.trace.back());
    j.look_metric = j.metric;
  } else if (m_stored == nullptr) {
    // The loop measured all it may (budget_spent): with contended rounds left out, the last look there is
    // is the final one.
    j.outcome = j.metric == m_decided_metric ? m_decider->outcome(b, c, budget_spent)
                                             : AbDecider(j.metric, m_policy, m_options).outcome(b, c, budget_spent);
    if (!j.outcome.trace.empty()) {
      j.deciding = j.outcome.trace.back();
      j.look_metric = j.metric;
    }
  } else {
    j.settled = false;
    if (m_options.strategy == Strategy::sequential && c.size() <= b.size()) {
      const std::size_t k = std::min(b.size(), c.size());
      const auto look = sequential_look(std::span(b).first(k), std::span(c).first(k), m_policy, judging(j.metric));
      if (look.look.stop) {
        j.settled = true;
        j.outcome.decision = look.decision;
        j.deciding = look.look;
        j.look_metric = j.metric;
      }
    }
  }
  if (m_options.strategy == Strategy::sequential && j.metric == "time" && j.settled &&
      j.outcome.decision.verdict == Verdict::inconclusive && !j.metric_lost) {
    j.outcome.decision.reason += cpu_time_reading(j.judged[0], j.judged[1], m_policy, judging("time"));
    if (m_primary == "time" && m_fallback == MetricFallback::time) {
      j.outcome.decision.reason += unloaded_hint(j.judged[0], j.judged[1]);
    }
    j.outcome.comparison.decision = j.outcome.decision;
  }
  return j;
}

std::vector<Look> AbJudge::trace(const AbJudgement& judgement) const {
  const std::vector<double>& b = judgement.outcome.baseline;
  const std::vector<double>& c = judgement.outcome.candidate;
  if (m_options.strategy != Strategy::sequential || b.empty() || c.empty()) {
    return {};
  }
  const std::size_t k = std::min(b.size(), c.size());
  return sequential_trace(std::span(b).first(k), std::span(c).first(k), m_policy, judging(judgement.metric));
}

std::optional<Reach> AbJudge::reach(const AbJudgement& judgement) const {
  const std::vector<double>& b = judgement.outcome.baseline;
  const std::vector<double>& c = judgement.outcome.candidate;
  if (m_options.strategy != Strategy::sequential || b.empty() || c.empty()) {
    return std::nullopt;
  }
  return futility_reach(b, c, m_policy, judging(judgement.metric));
}

Decision AbJudge::guard(Decision decision, const AbJudgement& judgement, bool decided_by_contended_run) const {
  return guard_contention(std::move(decision), judgement.contention,
                          std::min(judgement.outcome.baseline.size(), judgement.outcome.candidate.size()),
                          static_cast<std::size_t>(std::max(2, m_options.sequential.min_runs)),
                          decided_by_contended_run, judgement.every_run);
}

} // namespace zkbench::verdict
