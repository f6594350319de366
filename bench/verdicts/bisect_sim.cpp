#include "bisect_sim.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "project/workspace.hpp"
#include "store/store.hpp"
#include "workflow/bisect_judge.hpp"
#include "workflow/bisect_search.hpp"

namespace zkbench::bench {

namespace {

constexpr std::size_t k_commits = 64; // commits after GOOD: GOOD is commit 0, BAD commit 64
constexpr double k_seconds = 60;      // one run of the (only) input: a prover's proof
constexpr double k_target = 0.95;     // right commit / "no difference" rate, by its Wilson lower bound
constexpr std::int64_t k_trials_per_store = 50;
constexpr std::size_t k_git_bisect_runs = 6 * 2 * 10; // git bisect run: log2(64) steps x a fixed 10-run A/B

struct BisectCell {
  Scenario s;         // noise, load, cv; effect: the culprit's step (0: a flat range)
  bool steps = false; // judged on a deterministic steps metric that moves with the step
};

std::string cell_name(const BisectCell& c) {
  return fmt::format("{} {} cv {:.1f}% {}{}", to_string(c.s.noise), to_string(c.s.load), c.s.cv * 100,
                     c.s.effect == 0 ? std::string("flat") : fmt::format("step {:+.0f}%", c.s.effect * 100),
                     c.steps ? " steps" : "");
}

std::vector<BisectCell> bisect_cells() {
  using test::ModelNoise;
  std::vector<BisectCell> cells;
  const std::vector<std::pair<ModelNoise, Load>> conditions{{ModelNoise::normal, Load::quiet},
                                                            {ModelNoise::student_t3, Load::quiet},
                                                            {ModelNoise::lognormal_mix, Load::quiet},
                                                            {ModelNoise::normal, Load::bursts},
                                                            {ModelNoise::normal, Load::contention}};
  for (const auto& [noise, load] : conditions) {
    for (const double cv : {0.01, 0.03, 0.05}) {
      for (const double effect : {0.10, 0.0}) {
        BisectCell c;
        c.s.noise = noise;
        c.s.load = load;
        c.s.cv = cv;
        c.s.effect = effect;
        cells.push_back(c);
      }
    }
  }
  for (const double effect : {0.10, 0.0}) {
    BisectCell c;
    c.s.cv = 0.05;
    c.s.effect = effect;
    c.steps = true;
    cells.push_back(c);
  }
  return cells;
}

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

// right: the culprit exactly (a flat range: no difference); range: the culprit within a range left open;
// missed: "no difference between the ends" on a step; wrong: another commit, direction or range, or an error.
enum class End { right, range, missed, wrong };

struct BisectTrial {
  End end = End::wrong;
  std::size_t runs = 0; // benchmark executions, warmups included
  std::size_t comparisons = 0;
  std::string what; // the answer, for --explain
};

// A temporary project (one input, a steps metric) opened as a Workspace with an in-memory store; one
// worktree folder per commit, whose model the executor plays.
class BisectProject {
public:
  BisectProject() {
    m_dir = make_sim_dir("zkbench-bisect-sim");
    std::filesystem::create_directories(m_dir / "benchmarks");
    write(m_dir / "a.txt", "a\n");
    write(m_dir / "benchmarks" / "inputs.yaml", "inputs:\n  - name: a\n    path: ../a.txt\n");
    write(m_dir / "zkbench.yaml",
          "benchmark:\n  build: \"build it\"\n  command: \"prog {input}\"\n  runs: 10\n"
          "  warmup: 1\n  cooldown_seconds: 0\n  metrics:\n    steps: 'steps: ([0-9,]+)'\n"
          "  deterministic: [steps]\ncorrectness:\n  command: \"prog {input}\"\npolicy: generic\n");
    m_ws = open_sim_workspace(m_dir, m_policy);
    for (std::size_t i = 0; i <= k_commits; ++i) {
      m_builds.push_back({fmt::format("{:040d}", i), m_ws->worktree_dir(fmt::format("bisect-{:03d}", i))});
      std::filesystem::create_directories(m_builds.back().dir);
    }
  }
  ~BisectProject() {
    m_ws.reset();
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
  }
  BisectProject(const BisectProject&) = delete;
  BisectProject& operator=(const BisectProject&) = delete;

  BisectTrial run(const BisectCell& cell, const TrialDraw& draw, int max_runs) {
    if (m_trials++ % k_trials_per_store == 0) {
      m_ws->store.reset();
      auto store = store::open_store(":memory:");
      if (!store) {
        throw std::runtime_error(store.error().message);
      }
      m_ws->store = std::move(*store);
    }
    const std::size_t culprit = 1 + static_cast<std::size_t>(draw.seed % k_commits);
    auto owned = std::make_unique<test::ModelExecutor>(draw.seed);
    test::ModelExecutor& model = *owned;
    model.input_seconds["a"] = k_seconds;
    model.cv = cell.s.cv;
    model.noise = cell.s.noise;
    model.cold_first = draw.cold_first;
    model.cold_first_side_only = true;
    model.drift_per_hour = draw.drift_per_hour;
    model.load = draw.load;
    for (std::size_t i = 0; i <= k_commits; ++i) {
      const double factor = i >= culprit ? 1.0 + cell.s.effect : 1.0;
      model.commits[m_builds[i].dir.filename().string()] = {factor, std::round(100000 * factor)};
    }
    m_ws->executor = std::move(owned);

    workflow::BisectJudgeSettings settings;
    settings.command = "bench_verdicts --bisect";
    settings.first_owner_id = m_trials * 1000;
    settings.inputs = m_ws->project.inputs.inputs;
    settings.policy = workflow::bisect_policy(m_policy, std::nullopt);
    settings.policy.primary_metric = cell.steps ? "steps" : "time";
    settings.max_runs =
        max_runs > 0 ? max_runs : 2 * std::max(m_ws->project.config.benchmark.runs, m_policy.flaky_runs);
    settings.warmup = m_ws->project.config.benchmark.warmup;
    workflow::BisectJudge judge(*m_ws, settings);
    judge.set_reference_seconds(k_seconds);
    const workflow::CommitBuild& good = m_builds.front();
    const workflow::CommitBuild& bad = m_builds.back();
    BisectTrial trial;
    auto direction = judge.compare_ends(good, bad);
    if (!direction) { // an end's run past the hang guard (a t3 tail of 1 in 10^6): the command's error
      trial.end = End::wrong;
      trial.what = "error: " + direction.error().message;
      trial.runs = model.count("bench");
      return trial;
    }
    if (*direction == workflow::Shift::none) {
      trial.end = cell.s.effect == 0 ? End::right : End::missed;
      trial.what = "no difference between the ends;";
      for (const workflow::BisectEvidence& e : judge.evidence()) { // each question: B against A, its runs
        trial.what += fmt::format(" {} {:+.1f}% ({}+{} runs)", e.verdict, e.change * 100, e.baseline_runs,
                                  e.candidate_runs);
      }
    } else {
      auto answer = workflow::search_between(judge, good, bad, *direction, k_commits, [&](std::size_t i) {
        return judge.classify(good, bad, m_builds[i], *direction);
      });
      if (!answer) {
        trial.end = End::wrong;
        trial.what = "error: " + answer.error().message;
        trial.runs = model.count("bench");
        return trial;
      }
      const workflow::SearchResult& search = answer->search;
      std::string steps;
      for (const workflow::SearchStep& step : search.steps) { // a mis-placed step: '!' after it
        const bool wrong_place = (step.verdict == workflow::CommitClass::good && step.index >= culprit) ||
                                 (step.verdict == workflow::CommitClass::bad && step.index < culprit);
        steps += fmt::format(" {}:{}{}", step.index, workflow::to_string(step.verdict), wrong_place ? "!" : "");
      }
      if (answer->direction == workflow::Shift::none) {
        trial.end = cell.s.effect == 0 ? End::right : End::missed;
        trial.what = "no difference between the ends (not confirmed after a search that placed nothing); steps" + steps;
      } else {
        const bool holds =
            search.first_bad == culprit ||
            std::find(search.unknown.begin(), search.unknown.end(), culprit) != search.unknown.end();
        trial.end = cell.s.effect == 0 || *direction != workflow::Shift::slower || !holds ? End::wrong
                    : search.exact()                                                     ? End::right
                                                                                         : End::range;
        trial.what = fmt::format("{}: first bad {} ({} unknown), culprit {}; steps{}", workflow::to_string(*direction),
                                 search.first_bad, search.unknown.size(), culprit, steps);
      }
    }
    trial.runs = model.count("bench");
    trial.comparisons = judge.comparisons();
    return trial;
  }

private:
  std::filesystem::path m_dir;
  std::unique_ptr<project::Workspace> m_ws;
  verdict::Policy m_policy;
  std::vector<workflow::CommitBuild> m_builds;
  std::int64_t m_trials = 0;
};

} // namespace

int run_bisect_simulation(const WorkflowSimOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<BisectCell> cells = bisect_cells();
  std::erase_if(cells,
                [&](const BisectCell& c) { return cell_name(c).find(options.only) == std::string::npos; });
  if (cells.empty()) {
    throw std::runtime_error("--only '" + options.only + "': no bisect cell has it in its name");
  }
  const std::size_t jobs = cells.size() * static_cast<std::size_t>(options.trials);
  std::vector<BisectTrial> trials(jobs);
  run_on_threads(jobs, options.threads, [&] {
    return [&, project = std::make_shared<BisectProject>()](std::size_t job) {
      const std::size_t cell = job / static_cast<std::size_t>(options.trials);
      const int trial = static_cast<int>(job % static_cast<std::size_t>(options.trials));
      trials[job] = project->run(cells[cell], draw_trial(options, cells[cell].s, cell, trial), options.runs);
    };
  });

  fmt::print(
      "bisect path: zkbench bisect's code (workflow::BisectJudge: judge_input per comparison, interleaved, "
      "the "
      "sequential rule; the exact path on a deterministic steps metric; workflow::search_between) behind "
      "tests/support/model_executor.hpp; {} commits after GOOD, the culprit drawn per trial; one input of {} "
      "s, "
      "warmup 1 per side, at most {} runs per side (a question asked again: 2x, then 4x), generic policy (alpha 5% per claim, threshold 2%); {} "
      "cells "
      "x {} trials, seed {}, {} threads\n",
      k_commits, k_seconds, options.runs > 0 ? options.runs : 40, cells.size(), options.trials, options.seed,
      options.threads);
  fmt::print(
      "columns: runs per bisection (both sides, warmups included; git bisect run with a fixed 10-run A/B per "
      "step: {}), comparisons; right (the culprit exactly, or 'no difference' on a flat range), range (the "
      "culprit within a range left open by unsettled commits), missed ('no difference between the ends' on a "
      "step), wrong (another commit or direction, a range without the culprit, a difference on a flat range): "
      "observed % [Wilson 95%]; target: right >= 95% by the lower bound\n\n",
      k_git_bisect_runs);
  fmt::print("{:<36} | {:>6} {:>5} | {:>22} {:>6} {:>6} {:>6} | {}\n", "cell", "runs", "cmp",
             "right [Wilson 95%]", "range", "missed", "wrong", "verdict");
  int missed = 0;
  int explained = 0;
  for (std::size_t c = 0; c < cells.size(); ++c) {
    int right = 0;
    int range = 0;
    int misses = 0;
    double runs = 0;
    double comparisons = 0;
    for (int t = 0; t < options.trials; ++t) {
      const BisectTrial& trial =
          trials[c * static_cast<std::size_t>(options.trials) + static_cast<std::size_t>(t)];
      right += trial.end == End::right ? 1 : 0;
      range += trial.end == End::range ? 1 : 0;
      misses += trial.end == End::missed ? 1 : 0;
      runs += static_cast<double>(trial.runs);
      comparisons += static_cast<double>(trial.comparisons);
      if (trial.end != End::right && explained < options.explain) {
        ++explained;
        fmt::print("  not right: {} trial {}: {}\n", cell_name(cells[c]), t, trial.what);
      }
    }
    const int n = options.trials;
    const int wrong = n - right - range - misses;
    const bool enforced =
        cells[c].s.effect == 0 || (cells[c].s.effect >= 0.10 - 1e-12 && cells[c].s.cv <= 0.05 + 1e-12);
    const bool met = wilson_lower(right, n) >= k_target - 1e-12;
    missed += enforced && !met ? 1 : 0;
    fmt::print("{:<36} | {:>6.1f} {:>5.1f} | {:>5.1f} [{:>5.1f}, {:>5.1f}] {:>6.1f} {:>6.1f} {:>6.1f} | {}\n",
               cell_name(cells[c]), runs / n, comparisons / n, 100.0 * right / n,
               100.0 * wilson_lower(right, n), 100.0 * wilson_upper(right, n), 100.0 * range / n,
               100.0 * misses / n, 100.0 * wrong / n,
               met ? "PASS" : (enforced ? "FAIL" : "miss (not enforced)"));
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  fmt::print("\n{} cells x {} trials in {:.0f} s on {} threads; cells missing the target: {}\n", cells.size(),
             options.trials, seconds, options.threads, missed);
  return missed;
}

} // namespace zkbench::bench
