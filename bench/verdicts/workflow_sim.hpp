#pragma once
// One simulated experiment at a time, run through `exp run`'s own code: workflow::evaluate_checkout (the
// build, the correctness check, workflow::judge_input per input, verdict::combine_inputs across them)
// behind the model executor of tests/support/model_executor.hpp, in a real (temporary) project with an
// in-memory SQLite store. The simulation decides nothing itself: it reads the outcome evaluate_checkout
// returns.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/run.hpp"
#include "project/workspace.hpp"
#include "store/workflow_records.hpp"
#include "support/model_executor.hpp"
#include "verdict/policy.hpp"
#include "workflow/evaluate_checkout.hpp"

namespace zkbench::bench {

/// What the machine does to the runs of a cell (every one has the cell's base noise `cv` on top).
enum class Load {
  quiet,      // nothing else
  bursts,     // load bursts of 1-10 runs (across round boundaries) and anti-correlated hits within a round
  contention, // contention episodes: a stretch of 5-20 runs slowed 20-100%
  cold,       // warmup 0 and a cold first run (1-3x) on the side that runs first
};

/// The share of bursts, hits and episodes the contention gate can see in gate cells: foreign processes
/// on this machine. The rest slows runs unseen (a neighbour VM, a throttled clock), for the rule to bear.
inline constexpr double k_gate_visible = 0.75;

/// One-process cells: the share of the load's slowdown that is the run's wait for a CPU (zkbench takes it
/// out: the unloaded time), drawn per trial in [min, max]. Measured on this project's 2-vCPU host beside two
/// busy loops (session 15, `zkbench run -N`, 15 runs each): the demo's state_demo (0.36 s) ran +166 ms
/// slower with 172 ms of wait (all of it), a 17 ms C loop +36 ms slower with 5 ms of wait (0.13: the rest
/// was CPU time itself slowed, by the hypervisor or a shared core, which no reading inside the machine sees).
inline constexpr double k_wait_share_min = 0.1;
inline constexpr double k_wait_share_max = 1.0;

const char* to_string(Load load);
const char* to_string(test::ModelNoise noise);

/// The project a cell is run in: its zkbench.yaml's policy preset and warmup. "zkvm" measures a steps
/// metric (equal on both sides: a prover-side change, where only time can show the gain), "generic" none.
struct ProjectKind {
  std::string policy = "generic";
  int warmup = 1;
  bool operator<(const ProjectKind& o) const { return policy != o.policy ? policy < o.policy : warmup < o.warmup; }
};

/// One cell of the grid: what every trial of it shares.
struct Scenario {
  std::string policy = "generic";
  test::ModelNoise noise = test::ModelNoise::normal;
  Load load = Load::quiet;
  double cv = 0.01;      // base run-to-run noise
  double effect = 0;     // true change of the candidate: -0.10 = 10% faster
  int warmup = 1;        // zkbench.yaml's benchmark.warmup (cold cells: 0)
  double drift_step = 0; // the machine slower by this between the stored baseline and the experiment
  bool gate = false;     // the contention gate on (zkbench's default), seeing k_gate_visible of the load
  // The candidate's noise is this x cv (a change that adds variance: its fastest runs are faster at the same
  // median, which the sequential rule's trimmed reading must not take for a gain).
  double candidate_cv_factor = 1;
  // The command runs the program itself (one process): a share of the load's slowdown is its CPU wait,
  // which zkbench measures and takes out (k_wait_share_min..max). Otherwise (a multi-threaded prover, the
  // zkvm cells) the wait is unknown and the time is judged as measured.
  bool one_process = false;

  ProjectKind project() const { return {policy, warmup}; }
};

/// What varies from trial to trial within a cell (stratified, so every cell sees the same mix).
struct TrialDraw {
  int inputs = 1;            // the first N of the project's four inputs (weights 1, 2, 1, 3)
  double cold_first = 1.0;   // cold cells: the first run of each input, whichever side, takes x this
  double drift_per_hour = 0; // slow drift within the baseline and within the experiment
  test::ModelLoad load;      // this trial's load (its intensity drawn within the cell's kind)
  std::uint64_t seed = 1;
};

/// How one simulated experiment ended, as evaluate_checkout returned it.
struct TrialOutcome {
  core::Outcome outcome = core::Outcome::none;
  bool regression = false;  // a regression claimed: KILL, the decision's flag, or any input's
  std::size_t runs = 0;     // benchmark executions, both sides, every input, warmups and drift tests included
  std::string reason;
  /// Per input with at least 4 measured rounds: the correlation of the two sides' log times within a round.
  std::vector<double> round_correlations;
};

/// A fresh temporary folder "<tmp>/<prefix>-XXXXXX". Throws std::runtime_error.
std::filesystem::path make_sim_dir(const char* prefix);

/// The project in `dir` (its zkbench.yaml and inputs written) made a git repository and opened as a
/// Workspace without monitor, contention gate or interrupt; `policy` gets its policy. Throws
/// std::runtime_error.
std::unique_ptr<project::Workspace> open_sim_workspace(const std::filesystem::path& dir, verdict::Policy& policy);

/// A temporary zkbench project (git repository, zkbench.yaml, four inputs, a stored baseline record, the
/// baseline's build stamped as built) opened as a Workspace whose store is in memory and whose executor is
/// replaced by a model for each experiment. One per thread: nothing is shared.
class SimProject {
public:
  /// Throws std::runtime_error when the project cannot be made or opened.
  explicit SimProject(const ProjectKind& kind);
  ~SimProject();
  SimProject(const SimProject&) = delete;
  SimProject& operator=(const SimProject&) = delete;

  /// Runs one experiment of `scenario` (`runs`: exp run --runs, 0 for zkbench.yaml's; `stored`: --baseline
  /// stored). A fresh in-memory store each time.
  TrialOutcome run(const Scenario& scenario, const TrialDraw& draw, bool stored_mode, int runs);

  const verdict::Policy& policy() const { return m_policy; }
  int config_runs() const;

private:
  /// The stored baseline, "measured earlier": warmups + zkbench.yaml's runs of each input in the project
  /// root, through the same model without the drift step, measured into the store as `zkbench baseline`
  /// does and read back through project::linked_runs (the product's reader of a baseline's runs).
  std::map<std::string, core::Benchmark> stored_baseline(const Scenario& scenario, const TrialDraw& draw);
  void configure(test::ModelExecutor& model, const Scenario& scenario, const TrialDraw& draw, bool experiment) const;

  std::filesystem::path m_dir;
  std::unique_ptr<project::Workspace> m_ws;
  verdict::Policy m_policy;
  store::BaselineRecord m_baseline;
  std::filesystem::path m_candidate_dir;
  std::vector<project::InputSpec> m_all_inputs;
  std::int64_t m_next_owner = 1;
};

} // namespace zkbench::bench
