#pragma once
// A deterministic Dashboard for tests, the browser test's sample report and bench/report: `experiments`
// experiments over `inputs` inputs with `runs` runs per side, verdicts cycling through KEEP, DISCARD,
// MAYBE, KILL and a running one, a sequential trace and a profile diff on every other experiment,
// and text that needs escaping (<script>, &, quotes) in names, hypotheses and patches.

#include <cmath>
#include <string>

#include "report/dashboard_model.hpp"

namespace zkbench::test {

inline report::Dashboard sample_dashboard(int experiments = 8, int inputs = 3, int runs = 10) {
  using namespace report;
  Dashboard d;
  d.overview.project = "demo <zk> & co";
  d.overview.primary_metric = "wall_s";
  d.overview.unit = "s";
  d.overview.running = true;
  d.overview.elapsed_s = 7926;
  d.overview.generated_at = "2026-11-21T00:00:00Z";
  BaselineSection baseline;
  baseline.commit = "0123456789abcdef";
  baseline.environment = {{"cpu", "AMD EPYC 9354 <32 cores>"}, {"gpu", "NVIDIA H100 80GB HBM3"}, {"os", "Debian 13"}};
  std::vector<double> all_baseline;
  for (int i = 0; i < inputs; ++i) {
    std::vector<double> values;
    for (int r = 0; r < runs; ++r) {
      values.push_back(100.0 + 10 * i + std::sin(r * 1.7 + i) * 2);
    }
    all_baseline.insert(all_baseline.end(), values.begin(), values.end());
    baseline.inputs.push_back({"input-" + std::to_string(i + 1), {{"wall_s", "s", estimate_of(values)}}});
  }
  baseline.primary = estimate_of(all_baseline);
  d.baseline = baseline;
  const core::Outcome verdicts[] = {core::Outcome::keep, core::Outcome::discard, core::Outcome::maybe,
                                    core::Outcome::kill, core::Outcome::keep,    core::Outcome::discard,
                                    core::Outcome::inconclusive};
  for (int n = 1; n <= experiments; ++n) {
    Experiment e;
    e.number = core::ExperimentNumber(n);
    e.name = n % 3 == 0 ? "cache <script>alert(" + std::to_string(n) + ")</script> & \"quote\"" : "optimisation " + std::to_string(n);
    const bool running = n == experiments;
    e.status = running ? core::ExperimentStatus::running : core::ExperimentStatus::done;
    e.verdict = running ? core::Outcome::none : verdicts[(n - 1) % 7];
    // A change that depends on the experiment in a non-monotonic way, so sorting by Δ reorders rows.
    const double change = std::fmod(n * 7.3, 17.0) - 11.0;
    std::vector<double> all_candidate;
    for (int i = 0; i < inputs; ++i) {
      InputResult input;
      input.input = "input-" + std::to_string(i + 1);
      for (int r = 0; r < runs; ++r) {
        const double b = 100.0 + 10 * i + std::sin(r * 1.7 + i) * 2;
        input.baseline_runs.push_back(b);
        input.candidate_runs.push_back(b * (1 + change / 100) + std::cos(r * 2.3 + n) * 1.5);
      }
      all_candidate.insert(all_candidate.end(), input.candidate_runs.begin(), input.candidate_runs.end());
      input.baseline = estimate_of(input.baseline_runs);
      input.candidate = estimate_of(input.candidate_runs);
      input.change_pct = (input.candidate.mean / input.baseline.mean - 1) * 100;
      input.change_ci_low_pct = *input.change_pct - 1.5;
      input.change_ci_high_pct = *input.change_pct + 1.5;
      input.verdict = e.verdict;
      e.inputs.push_back(std::move(input));
    }
    e.primary = estimate_of(all_candidate);
    e.change_pct = change;
    e.change_ci_low_pct = change - 1.5;
    e.change_ci_high_pct = change + 1.5;
    e.runs_used = runs * inputs;
    if (n % 2 == 1) {
      for (int p = 2; p <= runs; ++p) {
        const double half = 12.0 / std::sqrt(p);
        e.stopping.push_back({p, change + half / 4, change - half, change + half});
      }
      e.stopped_at = runs;
      e.profile_up = {{"keccak::permute<24>", 12.5}, {"memcpy", 3.1}};
      e.profile_down = {{"mpt::hash_node", -30.2}, {"alloc::vec::Vec<u8>::push", -8.4}};
    }
    e.reasoning = "Δ " + std::to_string(change) + " % with p < 0.05; threshold 5 % (KEEP > 5 %)";
    e.hypothesis = "Caching <MPT> node hashes avoids re-hashing & saves \"cycles\"";
    e.patch = "--- a/src/mpt.rs\n+++ b/src/mpt.rs\n@@ -1 +1 @@\n-fn hash(&self) -> H256 {\n+fn hash(&self) -> &H256 { // <cached>\n";
    e.branch = "bench/" + core::ExperimentNumber(n).format() + "-opt";
    d.experiments.push_back(std::move(e));
  }
  d.current = CurrentRun{experiments, d.experiments.empty() ? "" : d.experiments.back().name, 4, runs * inputs, {}};
  for (int i = 0; i < 60; ++i) {
    d.current->log_tail.push_back("prove step " + std::to_string(i) + " <ok> & done");
  }
  if (d.current->log_tail.size() > k_log_tail_lines) {
    d.current->log_tail.erase(d.current->log_tail.begin(),
                              d.current->log_tail.end() - static_cast<long>(k_log_tail_lines));
  }
  d.learnings = {{"Hashing dominates <50%> of cycles", "2026-11-20", false}};
  d.backlog = {{"Try SIMD keccak", "2026-11-20", false}, {"Zero-copy rkyv", "2026-11-19", true}};
  d.conflicts = {{{1, 5}, -12.0, -9.0, false, ""}, {{1, 3}, -4.0, -9.0, true, "both touch <mpt.rs>"}, {{1, 3, 5}, -10.0, -9.0, false, ""}};
  summarise(d);
  return d;
}

} // namespace zkbench::test
