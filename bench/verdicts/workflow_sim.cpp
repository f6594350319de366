#include "workflow_sim.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>
#include <unistd.h>

#include "store/store.hpp"
#include "project/linked_runs.hpp"
#include "workflow/checkout_steps.hpp"
#include "workflow/measure_inputs.hpp"

namespace zkbench::bench {

namespace {

// The project's four inputs: name, seconds per run (a prover's proofs), weight.
struct SimInput {
  const char* name;
  double seconds;
  double weight;
};
constexpr SimInput k_inputs[] = {{"a", 60, 1}, {"b", 30, 2}, {"c", 120, 1}, {"d", 45, 3}};
constexpr const char* k_baseline_commit = "5151515151515151515151515151515151515151";
constexpr std::int64_t k_trials_per_store = 100; // a fresh in-memory store after this many experiments

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

std::uint64_t phase_seed(const TrialDraw& draw, std::uint64_t phase) {
  return draw.seed * 6364136223846793005ULL + phase * 1442695040888963407ULL;
}

// Pearson's correlation of the two sides' log times within a round, from the model's log of one input's
// benchmark runs in execution order: rounds are consecutive pairs after the warmup rounds. NaN when fewer
// than 4 complete rounds.
double round_correlation(const std::vector<test::ModelCall>& calls, const std::string& input, int warmup) {
  std::vector<const test::ModelCall*> runs;
  for (const test::ModelCall& c : calls) {
    if (c.kind == "bench" && c.input == input) {
      runs.push_back(&c);
    }
  }
  std::vector<double> a;
  std::vector<double> b;
  for (std::size_t i = 2 * static_cast<std::size_t>(warmup); i + 1 < runs.size(); i += 2) {
    const test::ModelCall* x = runs[i];
    const test::ModelCall* y = runs[i + 1];
    if (x->side == y->side) {
      return std::nan(""); // not an interleaved pair (stored mode)
    }
    a.push_back(std::log(x->side == test::ModelSide::baseline ? x->seconds : y->seconds));
    b.push_back(std::log(x->side == test::ModelSide::baseline ? y->seconds : x->seconds));
  }
  const std::size_t n = a.size();
  if (n < 4) {
    return std::nan("");
  }
  double ma = 0;
  double mb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ma += a[i] / static_cast<double>(n);
    mb += b[i] / static_cast<double>(n);
  }
  double sab = 0;
  double saa = 0;
  double sbb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : std::nan("");
}

} // namespace

const char* to_string(Load load) {
  switch (load) {
  case Load::quiet:
    return "quiet";
  case Load::bursts:
    return "bursts";
  case Load::contention:
    return "contention";
  case Load::cold:
    return "cold";
  }
  return "?";
}

const char* to_string(test::ModelNoise noise) {
  switch (noise) {
  case test::ModelNoise::normal:
    return "normal";
  case test::ModelNoise::student_t3:
    return "t3";
  case test::ModelNoise::lognormal_mix:
    return "lnmix";
  }
  return "?";
}

std::filesystem::path make_sim_dir(const char* prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("cannot create a temporary folder");
  }
  return pattern;
}

std::unique_ptr<project::Workspace> open_sim_workspace(const std::filesystem::path& dir, verdict::Policy& policy) {
  if (std::system(("git init -q '" + dir.string() + "' >/dev/null 2>&1").c_str()) != 0) {
    throw std::runtime_error("git init failed in " + dir.string());
  }
  auto opened = project::open_workspace(dir / "zkbench.yaml");
  if (!opened) {
    throw std::runtime_error(opened.error().message);
  }
  auto ws = std::make_unique<project::Workspace>(std::move(*opened));
  ws->monitor = nullptr;
  ws->contention = nullptr; // simulated runs: the machine's real load says nothing about them
  ws->stop_requested = {};
  auto configured = project::project_policy(ws->project.config);
  if (!configured) {
    throw std::runtime_error(configured.error().message);
  }
  policy = *configured;
  return ws;
}

SimProject::SimProject(const ProjectKind& kind) {
  m_dir = make_sim_dir("zkbench-sim");
  std::filesystem::create_directories(m_dir / "benchmarks");
  std::string inputs = "inputs:\n";
  for (const SimInput& input : k_inputs) {
    write(m_dir / (std::string(input.name) + ".txt"), std::string(input.name) + "\n");
    inputs += fmt::format("  - name: {}\n    path: ../{}.txt\n    weight: {}\n", input.name, input.name, input.weight);
  }
  write(m_dir / "benchmarks" / "inputs.yaml", inputs);
  // zkvm: the preset's steps metric (the model prints "steps: N" on every run).
  const std::string metrics = kind.policy == "zkvm" ? "  metrics:\n    steps: 'steps: ([0-9,]+)'\n" : "";
  write(m_dir / "zkbench.yaml", fmt::format("benchmark:\n  build: \"build it\"\n  command: \"prog {{input}}\"\n"
                                            "  runs: 10\n  warmup: {}\n  cooldown_seconds: 0\n{}"
                                            "correctness:\n  command: \"prog {{input}}\"\npolicy: {}\n",
                                            kind.warmup, metrics, kind.policy));
  m_ws = open_sim_workspace(m_dir, m_policy);
  // The baseline's build, stamped as built (evaluate_checkout builds it once per baseline), and the
  // candidate's worktree.
  const std::filesystem::path base_tree = m_ws->worktree_dir(std::string("baseline-") + std::string(k_baseline_commit, 12));
  std::filesystem::create_directories(base_tree);
  write(base_tree / ".zkbench-built", std::string(k_baseline_commit) + "\n");
  m_candidate_dir = m_ws->worktree_dir("001-sim");
  m_all_inputs = m_ws->project.inputs.inputs;
  std::filesystem::create_directories(m_candidate_dir);
  // The baseline record: each input's correctness hash as the model's correctness command gives it.
  m_ws->executor = std::make_unique<test::ModelExecutor>();
  m_baseline.commit = k_baseline_commit;
  for (const project::InputSpec& input : m_ws->project.inputs.inputs) {
    auto hash = workflow::correctness_hash(*m_ws, input, m_ws->root());
    if (!hash) {
      throw std::runtime_error(hash.error().message);
    }
    m_baseline.inputs.push_back({input.name, hash->hash, 0});
  }
}

SimProject::~SimProject() {
  m_ws.reset();
  std::error_code ec;
  std::filesystem::remove_all(m_dir, ec);
}

int SimProject::config_runs() const {
  return m_ws->project.config.benchmark.runs;
}

void SimProject::configure(test::ModelExecutor& model, const Scenario& scenario, const TrialDraw& draw,
                           bool experiment) const {
  for (const SimInput& input : k_inputs) {
    model.input_seconds[input.name] = input.seconds;
  }
  model.candidate_factor = 1.0 + scenario.effect;
  model.cv = scenario.cv;
  if (scenario.candidate_cv_factor != 1) {
    model.candidate_cv = scenario.cv * scenario.candidate_cv_factor;
  }
  model.noise = scenario.noise;
  model.cold_first = draw.cold_first;
  model.cold_first_side_only = true;
  model.drift_step = experiment ? scenario.drift_step : 0.0;
  model.drift_after_s = 0;
  model.drift_per_hour = draw.drift_per_hour;
  model.load = draw.load;
  model.load.visible = scenario.gate ? k_gate_visible : 0.0;
}

std::map<std::string, core::Benchmark> SimProject::stored_baseline(const Scenario& scenario, const TrialDraw& draw) {
  auto owned = std::make_unique<test::ModelExecutor>(phase_seed(draw, 1));
  configure(*owned, scenario, draw, false);
  m_ws->executor = std::move(owned);
  // Measured as `zkbench baseline` measures it (the run loop, each input's session linked to the
  // baseline being measured) and read back by the product's one reader of a baseline's runs.
  workflow::MeasureOptions measure;
  measure.owner = workflow::RunOwner{"baseline:sim", m_next_owner, "bench_verdicts baseline", "baseline"};
  measure.runs = config_runs();
  measure.warmup = m_ws->project.config.benchmark.warmup;
  const workflow::SideSpec side{"baseline", m_ws->root(), measure::VerifyWhen::first_run};
  for (const project::InputSpec& input : m_ws->project.inputs.inputs) {
    auto measured = workflow::measure_input(*m_ws, input, std::span(&side, 1), measure);
    if (!measured || measured->end != measure::LoopStatus::complete) {
      throw std::runtime_error(measured ? "the stored baseline's " + input.name + ": " + measured->message
                                        : measured.error().message);
    }
  }
  auto stored = project::linked_runs(*m_ws->store, measure.owner.name, measure.owner.id, "baseline");
  if (!stored) {
    throw std::runtime_error(stored.error().message);
  }
  return std::move(*stored);
}

TrialOutcome SimProject::run(const Scenario& scenario, const TrialDraw& draw, bool stored_mode, int runs) {
  if (m_next_owner % k_trials_per_store == 1) {
    m_ws->store.reset();
    auto store = store::open_store(":memory:");
    if (!store) {
      throw std::runtime_error(store.error().message);
    }
    m_ws->store = std::move(*store);
  }
  const std::map<std::string, core::Benchmark> stored_all = stored_baseline(scenario, draw);
  // The trial's inputs: the first `draw.inputs` of the project's (a baseline of those inputs only).
  m_ws->project.inputs.inputs.resize(static_cast<std::size_t>(draw.inputs));
  std::map<std::string, core::Benchmark> stored;
  store::BaselineRecord baseline = m_baseline;
  baseline.inputs.resize(static_cast<std::size_t>(draw.inputs));
  for (const store::BaselineInput& input : baseline.inputs) {
    stored[input.input] = stored_all.at(input.input);
  }

  auto owned = std::make_unique<test::ModelExecutor>(phase_seed(draw, 2));
  test::ModelExecutor& model = *owned;
  configure(model, scenario, draw, true);
  m_ws->executor = std::move(owned);

  workflow::EvaluationRequest request;
  request.label = "bench/001-sim";
  request.log_name = "001-sim";
  request.owner = {"experiment", m_next_owner++, "bench_verdicts", "experiment"};
  auto kept = project::kept_runs(*m_ws->store, request.owner.name, request.owner.id);
  if (!kept) {
    throw std::runtime_error(kept.error().message);
  }
  request.kept = std::move(*kept);
  workflow::RunExperimentOptions options;
  options.baseline_mode = stored_mode ? workflow::BaselineMode::stored : workflow::BaselineMode::interleaved;
  if (runs > 0) {
    options.runs = runs;
  }
  if (scenario.gate) { // the gate over the model's machine: its load, its virtual clock
    measure::ContentionPolicy gate = m_ws->project.config.contention;
    gate.enabled = true;
    m_ws->contention = std::make_shared<measure::ContentionGate>(model, model, gate);
  }
  const workflow::ComparisonBase base{baseline, std::move(stored), m_policy, {}};
  auto ev = workflow::evaluate_checkout(*m_ws, m_candidate_dir, base, request, options);
  m_ws->contention = nullptr;
  m_ws->project.inputs.inputs = m_all_inputs; // every input back for the next trial
  if (!ev) {
    throw std::runtime_error(ev.error().message);
  }

  TrialOutcome out;
  out.outcome = ev->verdict;
  out.reason = ev->reason;
  out.regression = ev->verdict == core::Outcome::kill || ev->decision.regression;
  for (const verdict::CommandComparison& c : ev->comparisons) {
    out.regression = out.regression || c.decision.regression;
    out.reason += fmt::format(" [{} {} {}]", c.command, verdict::to_string(c.decision.verdict),
                              std::isnan(c.change) ? std::string("n/a") : verdict::percent(c.change));
    const double r = round_correlation(model.calls, c.command, scenario.warmup);
    if (!std::isnan(r)) {
      out.round_correlations.push_back(r);
    }
  }
  out.runs = model.count("bench");
  return out;
}

} // namespace zkbench::bench
