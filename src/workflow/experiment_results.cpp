#include "workflow/experiment_results.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "stats/descriptive.hpp"

namespace zkbench::workflow {

namespace {

core::ResultSummary summary_of(const stats::Summary& s) {
  return {s.n, s.mean, s.median, s.stddev, s.cv, s.min, s.max};
}

std::string format_p(const std::optional<double>& p) {
  return p ? fmt::format("{:.3g}", *p) : std::string("n/a");
}

// A change or a bound that is not a number (nothing to compare, an unbounded interval) is left unset.
std::optional<double> finite(double value) {
  return std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
}

// The candidate's GPU figures of one input (seed 000's energy per proof, peak memory, throttling); none
// when no run has GPU telemetry.
std::optional<core::ResultGpu> gpu_of(const core::Benchmark& bench) {
  std::vector<double> energy;
  double memory = 0;
  int throttled = 0;
  int with_gpu = 0;
  for (const core::Run& run : bench.runs) {
    if (!run.gpu) {
      continue;
    }
    ++with_gpu;
    energy.push_back(run.gpu->energy_joules);
    memory = std::max(memory, run.gpu->memory_peak_bytes);
    throttled += run.gpu->throttled ? 1 : 0;
  }
  if (with_gpu == 0) {
    return std::nullopt;
  }
  return core::ResultGpu{with_gpu, stats::median(energy), memory, throttled};
}

} // namespace

// results.json: the decision, every input's figures, and the stopping trace of a sequential run.
core::ExperimentResults results_of(const store::ExperimentRecord& e, const verdict::Decision& decision,
                                   const std::vector<verdict::CommandComparison>& inputs,
                                   const std::map<std::string, std::vector<verdict::Look>>& traces,
                                   const std::map<std::string, core::Benchmark>& candidates,
                                   const std::optional<core::VerdictCost>& cost) {
  core::ExperimentResults results;
  results.cost = cost;
  results.experiment = e.experiment_number();
  results.name = e.name;
  results.verdict = e.outcome().value_or(core::Outcome::none);
  results.reason = decision.reason;
  results.change = e.change;
  if (const auto joint = verdict::joint_change(inputs);
      joint && std::isfinite(joint->lo) && joint->lo > -1.0 && std::isfinite(joint->hi)) {
    results.change_low = joint->lo; // one input: its own deciding interval (a weighted mean of one)
    results.change_high = joint->hi;
  }
  results.baseline_commit = e.baseline_commit;
  for (const verdict::CommandComparison& c : inputs) {
    core::InputResult& in = results.inputs.emplace_back();
    in.input = c.command;
    in.weight = c.weight;
    in.verdict = c.decision.verdict;
    in.reason = c.decision.reason;
    in.change = finite(c.change);
    for (const verdict::MetricComparison& m : c.metrics) {
      in.metrics.push_back({m.metric, summary_of(m.baseline), summary_of(m.candidate), finite(m.change), m.ci_lo,
                            m.ci_hi, m.interval, m.welch_p, m.mwu_p, m.decision.verdict});
    }
    if (const auto trace = traces.find(c.command); trace != traces.end()) {
      in.sequential = true;
      if (!trace->second.empty() && trace->second.back().stop) {
        in.stopped_at = trace->second.back().runs;
      }
      for (const verdict::Look& look : trace->second) {
        in.trace.push_back({look.runs, finite(look.change), finite(look.lo), finite(look.hi)});
      }
    }
    if (const auto bench = candidates.find(c.command); bench != candidates.end()) {
      in.gpu = gpu_of(bench->second);
    }
  }
  return results;
}

std::string verdict_markdown(const store::ExperimentRecord& e, const std::string& reason,
                             const std::vector<verdict::CommandComparison>& inputs, const verdict::Policy& policy,
                             const std::optional<core::VerdictCost>& cost) {
  std::string md = fmt::format("# Experiment {}: {}\n\n**Verdict: {}**: {}\n\n", e.experiment_number(), e.name,
                               e.verdict, reason);
  md += fmt::format("- Hypothesis: {}\n- Weighted change of {}: {}\n- Baseline commit: {}\n- Branch: {}\n",
                    e.hypothesis, policy.primary_metric, format_change(e.change), e.baseline_commit, e.branch);
  md += fmt::format("- Policy: {} (KEEP > {:.0f}% with p < {}, MAYBE >= {:.0f}%, timeout {:.2f}x baseline)\n",
                    policy.name, policy.keep_threshold * 100, policy.p_threshold, policy.maybe_threshold * 100,
                    policy.timeout_multiplier);
  if (cost) {
    md += "- Cost: " + cost->describe() + "\n";
  }
  md += "\n";
  if (inputs.empty()) {
    return md;
  }
  md += "| input | weight | metric | baseline median | candidate median | change | interval | Welch p | MWU p | verdict |\n";
  md += "|---|---|---|---|---|---|---|---|---|---|\n";
  for (const verdict::CommandComparison& c : inputs) {
    for (const verdict::MetricComparison& m : c.metrics) {
      const std::string ci = !m.ci_lo && !m.ci_hi ? std::string("n/a")
                             : fmt::format("[{}, {}]", m.ci_lo ? verdict::percent(*m.ci_lo) : "-inf",
                                           m.ci_hi ? verdict::percent(*m.ci_hi) : "+inf");
      md += fmt::format("| {} | {} | {} | {:.6g} | {:.6g} | {} | {} | {} | {} | {} |\n", c.command, c.weight, m.metric,
                        m.baseline.median, m.candidate.median,
                        std::isnan(m.change) ? std::string("n/a") : verdict::percent(m.change), ci, format_p(m.welch_p),
                        format_p(m.mwu_p), verdict::to_string(m.decision.verdict));
    }
  }
  md += "\nPer input:\n\n";
  for (const verdict::CommandComparison& c : inputs) {
    md += fmt::format("- {}: {}: {}\n", c.command, verdict::to_string(c.decision.verdict), c.decision.reason);
    if (const verdict::MetricComparison* m = verdict::primary_comparison(c.metrics, c.metric); m != nullptr) {
      md += fmt::format("  - deciding interval ({}): {}\n", m->metric, m->interval);
    }
  }
  return md;
}

std::string format_change(const std::optional<double>& change) {
  return change && !std::isnan(*change) ? verdict::percent(*change) : std::string("n/a");
}

} // namespace zkbench::workflow
