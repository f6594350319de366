#pragma once
// The workflow path of bench_verdicts: one simulated experiment at a time, run through the workflow's own
// code (workflow::judge_input per input, verdict::combine_inputs across them, as evaluate_checkout does)
// behind the model executor of tests/support/model_executor.hpp, in a real (temporary) project with an
// in-memory SQLite store. "Today's design" (before issue 11) is emulated beside it: 10 candidate runs per
// input against the stored baseline, decided by verdict::compare_benchmarks (its KILL: candidate median
// > timeout_multiplier x the stored median).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "verdict/decide.hpp"
#include "verdict/policy.hpp"
#include "workflow/input_verdict.hpp"
#include "project/workspace.hpp"

namespace zkbench::bench {

/// One cell of the grid: what every trial of it shares.
struct Scenario {
  double effect = 0;     // true change of the candidate: -0.10 = 10% faster
  double cv = 0.01;      // run-to-run noise
  double drift_step = 0; // the machine slower by this between the stored baseline and the experiment
};

/// What varies from trial to trial within a cell (stratified, so every cell sees the same mix).
struct TrialDraw {
  int inputs = 1;             // the first N of the project's four inputs (weights 1, 2, 1, 3)
  double cold_first = 1.0;    // the first run of each side and input takes x this
  double drift_per_hour = 0;  // slow drift within the baseline and within the experiment
  std::uint64_t seed = 1;
};

/// How one simulated experiment ended.
struct TrialOutcome {
  verdict::Verdict verdict = verdict::Verdict::inconclusive;
  bool regression = false;  // the decision's regression flag (exit 4 for compare/ab)
  std::size_t runs = 0;     // benchmark executions, both sides, every input, warmups and drift tests included
  bool guard_kill = false;  // today's design only: a single run (warmups too) past its per-run timeout
  bool failed = false;      // FAILED: the baseline's build broke (a run of it past the hang guard)
  bool hung = false;        // KILL at the hang guard (a candidate run stopped there), not on evidence
  std::string reason;       // the decision's reason (--wf-explain prints the wrong ones)
};

enum class Design {
  interleaved, // the new default: judge_input, BaselineMode::interleaved
  stored,      // judge_input, BaselineMode::stored (drift test first)
  today,       // the emulated old design
};

const char* to_string(Design design);

/// The workflow settings a design is run with (the defaults are evaluate_checkout's).
struct DesignSettings {
  workflow::Strategy strategy = workflow::Strategy::sequential;
  int runs = 0;      // 0: as evaluate_checkout (fixed: zkbench.yaml's runs; sequential: at least flaky_runs)
  int min_runs = workflow::InputJudgeOptions{}.min_runs; // exp run's default
  int warmup = -1;   // -1: zkbench.yaml's
  int drift_runs = workflow::InputJudgeOptions{}.drift_runs;
};

/// A temporary zkbench project (git repository, zkbench.yaml, four inputs) opened as a Workspace whose
/// store is in memory and whose executor is replaced by a model for each experiment.
class SimProject {
public:
  /// `warmup`: zkbench.yaml's benchmark.warmup. Throws std::runtime_error when the project cannot be opened.
  explicit SimProject(int warmup);
  ~SimProject();
  SimProject(const SimProject&) = delete;
  SimProject& operator=(const SimProject&) = delete;

  /// A fresh in-memory store (memory stays bounded over a long simulation).
  void reset_store();
  /// Runs one experiment with `design` on the stored baseline `stored` (one benchmark per input, in order).
  TrialOutcome run(Design design, const DesignSettings& settings, const Scenario& scenario, const TrialDraw& draw,
                   const std::vector<core::Benchmark>& stored);
  /// The stored baseline, "measured earlier": warmups + zkbench.yaml's runs of each input in the project
  /// root, through the same model without the drift step.
  std::vector<core::Benchmark> stored_baseline(const Scenario& scenario, const TrialDraw& draw);

  const verdict::Policy& policy() const { return m_policy; }
  int config_runs() const;
  int config_warmup() const;

private:
  TrialOutcome run_workflow(workflow::BaselineMode mode, const DesignSettings& settings, const Scenario& scenario,
                            const TrialDraw& draw, const std::vector<core::Benchmark>& stored);
  TrialOutcome run_today(const Scenario& scenario, const TrialDraw& draw, const std::vector<core::Benchmark>& stored);

  std::filesystem::path m_dir;
  std::unique_ptr<workflow::Workspace> m_ws;
  verdict::Policy m_policy;
  std::int64_t m_next_owner = 1;
};

} // namespace zkbench::bench
