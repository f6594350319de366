#include "workflow_sim.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>
#include <unistd.h>

#include "stats/descriptive.hpp"
#include "store/store.hpp"
#include "support/model_executor.hpp"

namespace zkbench::bench {

namespace {

// The project's four inputs: name, seconds per run (a prover's proofs), weight.
struct SimInput {
  const char* name;
  double seconds;
  double weight;
};
constexpr SimInput k_inputs[] = {{"a", 60, 1}, {"b", 30, 2}, {"c", 120, 1}, {"d", 45, 3}};

constexpr double k_outlier_probability = 0.02; // a run in fifty is disturbed ...
constexpr double k_outlier_sigmas = 7.5;       // ... by this many standard deviations of the noise
constexpr int k_sentinel_runs = 2;             // today's drift sentinel: runs of the first input

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

// The model of one phase: the stored baseline ("measured earlier": no drift step) or the experiment.
void configure(test::ModelExecutor& model, const Scenario& scenario, const TrialDraw& draw, bool experiment) {
  for (const SimInput& input : k_inputs) {
    model.input_seconds[input.name] = input.seconds;
  }
  model.candidate_factor = 1.0 + scenario.effect;
  model.cv = scenario.cv;
  model.cold_first = draw.cold_first;
  model.drift_step = experiment ? scenario.drift_step : 0.0;
  model.drift_after_s = 0;
  model.drift_per_hour = draw.drift_per_hour;
  model.outlier_probability = k_outlier_probability;
  model.outlier_factor = 1.0 + k_outlier_sigmas * scenario.cv;
}

// One benchmark execution of `input` in `dir` through the model; the run as the loop would keep it.
core::Run execute(test::ModelExecutor& model, const workflow::InputSpec& input, const std::filesystem::path& dir) {
  measure::CommandSpec spec;
  spec.text = "prog '" + input.path.string() + "'";
  spec.working_dir = dir;
  auto result = model.execute(spec, measure::ExecutionOptions{});
  if (!result) {
    throw std::runtime_error(result.error().message);
  }
  core::Run run;
  run.wall_s = result->wall_s;
  run.user_s = result->user_s;
  run.exit_code = result->exit_code;
  return run;
}

std::uint64_t phase_seed(const TrialDraw& draw, std::uint64_t phase) {
  return draw.seed * 6364136223846793005ULL + phase * 1442695040888963407ULL;
}

} // namespace

const char* to_string(Design design) {
  switch (design) {
  case Design::interleaved:
    return "interleaved";
  case Design::stored:
    return "stored";
  case Design::today:
    return "today";
  }
  return "?";
}

SimProject::SimProject(int warmup) {
  std::string pattern = (std::filesystem::temp_directory_path() / "zkbench-sim-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("cannot create a temporary folder");
  }
  m_dir = pattern;
  std::filesystem::create_directories(m_dir / "benchmarks");
  std::string inputs = "inputs:\n";
  for (const SimInput& input : k_inputs) {
    write(m_dir / (std::string(input.name) + ".txt"), std::string(input.name) + "\n");
    inputs += fmt::format("  - name: {}\n    path: ../{}.txt\n    weight: {}\n", input.name, input.name, input.weight);
  }
  write(m_dir / "benchmarks" / "inputs.yaml", inputs);
  write(m_dir / "zkbench.yaml", fmt::format("benchmark:\n  build: \"build it\"\n  command: \"prog {{input}}\"\n"
                                            "  runs: 10\n  warmup: {}\n  cooldown_seconds: 0\n"
                                            "correctness:\n  command: \"prog {{input}}\"\npolicy: generic\n",
                                            warmup));
  if (std::system(("git init -q '" + m_dir.string() + "' >/dev/null 2>&1").c_str()) != 0) {
    throw std::runtime_error("git init failed in " + m_dir.string());
  }
  for (const char* tree : {"baseline-sim", "001-sim"}) {
    std::filesystem::create_directories(m_dir / ".zkbench" / "worktrees" / tree);
  }
  auto ws = workflow::open_workspace(m_dir / "zkbench.yaml");
  if (!ws) {
    throw std::runtime_error(ws.error().message);
  }
  m_ws = std::make_unique<workflow::Workspace>(std::move(*ws));
  m_ws->monitor = nullptr;
  m_ws->contention = nullptr; // simulated runs: the machine's real load says nothing about them
  m_ws->stop_requested = {};
  auto policy = workflow::project_policy(m_ws->project.config);
  if (!policy) {
    throw std::runtime_error(policy.error().message);
  }
  m_policy = *policy;
  reset_store();
}

SimProject::~SimProject() {
  m_ws.reset();
  std::error_code ec;
  std::filesystem::remove_all(m_dir, ec);
}

void SimProject::reset_store() {
  m_ws->store.reset();
  auto store = store::open_store(":memory:");
  if (!store) {
    throw std::runtime_error(store.error().message);
  }
  m_ws->store = std::move(*store);
}

int SimProject::config_runs() const {
  return m_ws->project.config.benchmark.runs;
}

int SimProject::config_warmup() const {
  return m_ws->project.config.benchmark.warmup;
}

std::vector<core::Benchmark> SimProject::stored_baseline(const Scenario& scenario, const TrialDraw& draw) {
  test::ModelExecutor model(phase_seed(draw, 1));
  configure(model, scenario, draw, false);
  std::vector<core::Benchmark> stored;
  for (const workflow::InputSpec& input : m_ws->project.inputs.inputs) {
    core::Benchmark bench;
    bench.command = input.name;
    for (int i = 0; i < config_warmup(); ++i) {
      execute(model, input, m_ws->root());
    }
    for (int i = 0; i < config_runs(); ++i) {
      bench.runs.push_back(execute(model, input, m_ws->root()));
      bench.runs.back().index = i;
    }
    stored.push_back(std::move(bench));
  }
  return stored;
}

TrialOutcome SimProject::run(Design design, const DesignSettings& settings, const Scenario& scenario,
                             const TrialDraw& draw, const std::vector<core::Benchmark>& stored) {
  switch (design) {
  case Design::interleaved:
    return run_workflow(workflow::BaselineMode::interleaved, settings, scenario, draw, stored);
  case Design::stored:
    return run_workflow(workflow::BaselineMode::stored, settings, scenario, draw, stored);
  case Design::today:
    return run_today(scenario, draw, stored);
  }
  return {};
}

// As evaluate_checkout (src/workflow/experiment.cpp): each input judged in turn, a KILL or REJECT ends the
// experiment, else the inputs are combined by weight.
TrialOutcome SimProject::run_workflow(workflow::BaselineMode mode, const DesignSettings& settings,
                                      const Scenario& scenario, const TrialDraw& draw,
                                      const std::vector<core::Benchmark>& stored) {
  auto owned = std::make_unique<test::ModelExecutor>(phase_seed(draw, 2));
  test::ModelExecutor& model = *owned;
  configure(model, scenario, draw, true);
  m_ws->executor = std::move(owned);

  workflow::InputJudgeOptions judge;
  judge.owner = "experiment";
  judge.owner_id = m_next_owner++; // sessions of one experiment only: nothing to resume
  judge.label = "bench_verdicts";
  judge.session_kind = "experiment";
  judge.strategy = settings.strategy;
  judge.mode = mode;
  const int runs = settings.runs > 0 ? settings.runs : config_runs();
  judge.runs = settings.strategy == workflow::Strategy::sequential && settings.runs <= 0
                   ? std::max(runs, m_policy.flaky_runs)
                   : runs;
  judge.min_runs = settings.min_runs;
  judge.warmup = settings.warmup >= 0 ? settings.warmup : config_warmup();
  judge.drift_runs = settings.drift_runs;
  judge.baseline_dir = m_ws->worktree_dir("baseline-sim");
  judge.candidate_dir = m_ws->worktree_dir("001-sim");

  std::vector<verdict::CommandComparison> comparisons;
  TrialOutcome out;
  bool ended = false;
  for (int i = 0; i < draw.inputs; ++i) {
    const workflow::InputSpec& input = m_ws->project.inputs.inputs.at(static_cast<std::size_t>(i));
    auto judged = workflow::judge_input(*m_ws, input, stored.at(static_cast<std::size_t>(i)), m_policy, judge);
    if (!judged) {
      throw std::runtime_error(judged.error().message);
    }
    if (judged->interrupted) {
      throw std::runtime_error("input '" + input.name + "': interrupted");
    }
    if (judged->baseline_broken) { // FAILED, no verdict (evaluate_checkout stops there too)
      out.failed = true;
      out.reason = judged->failure;
      ended = true;
      break;
    }
    comparisons.push_back(std::move(judged->comparison));
    const verdict::Decision& d = comparisons.back().decision;
    if (d.verdict == verdict::Verdict::kill || d.verdict == verdict::Verdict::reject) {
      out.verdict = d.verdict;
      out.regression = d.regression;
      out.hung = d.verdict == verdict::Verdict::kill && !judged->failure.empty(); // a timed-out run, not the evidence
      out.reason = comparisons.back().command + ": " + d.reason;
      ended = true;
      break;
    }
  }
  if (!ended) {
    const verdict::Decision d = verdict::combine_inputs(comparisons, m_policy);
    out.verdict = d.verdict;
    out.regression = d.regression;
    out.reason = d.reason;
  }
  for (const verdict::CommandComparison& c : comparisons) {
    const verdict::MetricComparison* time = verdict::primary_comparison(c.metrics, "time");
    out.reason += fmt::format(" [{} {} {} n={}]", c.command, verdict::to_string(c.decision.verdict),
                              verdict::percent(c.change), time != nullptr ? time->candidate.n : 0);
  }
  out.runs = model.count("bench");
  return out;
}

// Today's design: the drift sentinel (two runs of the first input, whose result never stopped a verdict),
// then warmups + zkbench.yaml's runs of the candidate per input, compared with the stored runs.
TrialOutcome SimProject::run_today(const Scenario& scenario, const TrialDraw& draw,
                                   const std::vector<core::Benchmark>& stored) {
  test::ModelExecutor model(phase_seed(draw, 2));
  configure(model, scenario, draw, true);
  const auto& inputs = m_ws->project.inputs.inputs;
  for (int i = 0; i < k_sentinel_runs; ++i) {
    execute(model, inputs.front(), m_ws->root());
  }
  const std::filesystem::path candidate_dir = m_ws->worktree_dir("001-sim");
  std::vector<verdict::CommandComparison> comparisons;
  TrialOutcome out;
  bool ended = false;
  for (int i = 0; i < draw.inputs; ++i) {
    const workflow::InputSpec& input = inputs.at(static_cast<std::size_t>(i));
    const core::Benchmark& base = stored.at(static_cast<std::size_t>(i));
    // Its per-run timeout, warmups included: timeout_multiplier x the stored median, at least median + slack.
    const double median = stats::median(base.wall_times());
    const double guard = std::max(m_policy.timeout_multiplier * median, median + m_policy.timeout_min_slack_s);
    core::Benchmark cand;
    cand.command = input.name;
    for (int w = 0; w < config_warmup(); ++w) {
      out.guard_kill = execute(model, input, candidate_dir).wall_s > guard || out.guard_kill;
    }
    for (int r = 0; r < config_runs(); ++r) {
      cand.runs.push_back(execute(model, input, candidate_dir));
      cand.runs.back().index = r;
      out.guard_kill = cand.runs.back().wall_s > guard || out.guard_kill;
    }
    verdict::CommandComparison c = verdict::compare_benchmarks(base, cand, m_policy);
    c.command = input.name;
    c.weight = input.weight;
    if (const verdict::MetricComparison* time = verdict::primary_comparison(c.metrics, "time")) {
      c.change = time->change;
    }
    comparisons.push_back(std::move(c));
    const verdict::Decision& d = comparisons.back().decision;
    if (d.verdict == verdict::Verdict::kill || d.verdict == verdict::Verdict::reject) {
      out.verdict = d.verdict;
      out.regression = d.regression;
      out.reason = comparisons.back().command + ": " + d.reason;
      ended = true;
      break;
    }
  }
  if (!ended) {
    const verdict::Decision d = verdict::combine_inputs(comparisons, m_policy);
    out.verdict = d.verdict;
    out.regression = d.regression;
    out.reason = d.reason;
  }
  out.runs = model.count("bench");
  return out;
}

} // namespace zkbench::bench
