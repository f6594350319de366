#include "workflow_table.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>

#include <fmt/format.h>

namespace zkbench::bench {

namespace {

constexpr double k_z = 1.959963984540054; // two-sided 95%
constexpr double k_max_false_keep = 0.05;
constexpr double k_max_false_kill = 0.01;
constexpr double k_max_false_regression = 0.05;
constexpr double k_max_missed_keep = 0.10;
constexpr double k_max_runs = 33.4; // issue 11's rule on its grid, 1-4 inputs (bench/verdicts/results.txt of 1f209e9)
constexpr double k_keep_deserved = 0.10;
constexpr double k_missed_max_cv = 0.05;
// The noisier-candidate cells: the candidate's cv is this x the baseline's.
constexpr double k_noisier = 2.5;

// What the true effect deserves under `p`.
bool keep_is_false(const verdict::Policy& p, double effect) { return -effect <= p.maybe_threshold + 1e-12; }
bool kill_is_false(const verdict::Policy& p, double effect) { return 1.0 + effect < p.timeout_multiplier - 1e-12; }
bool regression_is_false(double effect) { return effect <= 1e-12; }
bool keep_deserved(const Scenario& s) {
  return -s.effect >= k_keep_deserved - 1e-12 && s.cv * std::max(1.0, s.candidate_cv_factor) <= k_missed_max_cv + 1e-12;
}

struct Tally {
  int n = 0;
  double runs = 0;
  int keep = 0;
  int maybe = 0;
  int discard = 0;
  int kill = 0;
  int inconclusive = 0;
  int failed = 0;
  int regression = 0;

  void add(const TrialOutcome& o) {
    ++n;
    runs += static_cast<double>(o.runs);
    keep += o.outcome == core::Outcome::keep ? 1 : 0;
    maybe += o.outcome == core::Outcome::maybe ? 1 : 0;
    discard += o.outcome == core::Outcome::discard ? 1 : 0;
    kill += o.outcome == core::Outcome::kill ? 1 : 0;
    inconclusive += o.outcome == core::Outcome::inconclusive ? 1 : 0;
    failed += o.outcome == core::Outcome::failed ? 1 : 0;
    regression += o.regression ? 1 : 0;
  }
  double pct(int k) const { return n > 0 ? 100.0 * k / n : 0.0; }
};

// One rate of a cell against its target: "0.4/1.1" (observed / Wilson upper, percent), '*' when missed.
struct Check {
  bool applies = false;
  int count = 0;
  double limit = 0;
  bool passed(int n) const { return !applies || wilson_upper(count, n) <= limit + 1e-12; }
  std::string text(int n) const {
    if (!applies) {
      return "-";
    }
    return fmt::format("{:.1f}/{:.1f}{}", 100.0 * count / n, 100.0 * wilson_upper(count, n), passed(n) ? "" : "*");
  }
};

std::string cell_name(const Scenario& s) {
  return fmt::format("{} {} {} cv {:.1f}% {:+.0f}%{}", s.policy, to_string(s.noise), to_string(s.load), s.cv * 100,
                     s.effect * 100, s.drift_step != 0 ? fmt::format(" drift {:+.0f}%", s.drift_step * 100) : "") +
         (s.candidate_cv_factor != 1 ? fmt::format(" noisier x{:g}", s.candidate_cv_factor) : "") +
         (s.one_process ? " one-process" : "") + (s.gate ? " gate" : "");
}

std::vector<Scenario> cross(const std::vector<std::string>& policies,
                            const std::vector<std::pair<test::ModelNoise, Load>>& conditions,
                            const std::vector<double>& cvs, const std::vector<double>& generic_effects,
                            const std::vector<double>& zkvm_effects) {
  std::vector<Scenario> cells;
  for (const std::string& policy : policies) {
    for (const auto& [noise, load] : conditions) {
      for (const double cv : cvs) {
        for (const double effect : policy == "zkvm" ? zkvm_effects : generic_effects) {
          Scenario s;
          s.policy = policy;
          s.noise = noise;
          s.load = load;
          s.cv = cv;
          s.effect = effect;
          s.warmup = load == Load::cold ? 0 : 1;
          cells.push_back(s);
        }
      }
    }
  }
  return cells;
}

} // namespace

// The trial's draw: inputs cycle 1-4; the load's intensity, the cold factor and the slow drift are drawn
// from the trial's seed, so every design and every rule sees the same trials (common random numbers).
TrialDraw draw_trial(const WorkflowSimOptions& options, const Scenario& s, std::size_t cell, int trial) {
  TrialDraw d;
  d.inputs = 1 + trial % 4;
  d.seed = options.seed * 1'000'003ULL + cell * 7919ULL + static_cast<std::uint64_t>(trial) * 104729ULL;
  std::mt19937_64 rng(d.seed ^ 0x5bd1e995ULL);
  const auto uniform = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); };
  d.drift_per_hour = uniform(-0.02, 0.02);
  switch (s.load) {
  case Load::quiet:
    break;
  case Load::bursts:
    // Bursts of 1-10 runs over the run sequence (a round's two runs, or one side across a round boundary),
    // and hits of one run of a round: within-round correlations as measured under load (-0.81 .. +0.59,
    // median about -0.2; the table prints the simulated ones).
    d.load.burst_start = uniform(0.01, 0.05);
    d.load.burst_max_runs = 10;
    d.load.burst_min = 0.1;
    d.load.burst_max = 0.5;
    d.load.exclusive = uniform(0.3, 0.9);
    d.load.exclusive_min = 0.1;
    d.load.exclusive_max = 0.5;
    break;
  case Load::contention:
    d.load.episode_start = uniform(0.01, 0.05);
    d.load.episode_min_runs = 5;
    d.load.episode_max_runs = 20;
    d.load.episode_min = 0.2;
    d.load.episode_max = 1.0;
    break;
  case Load::cold:
    d.cold_first = uniform(1.0, 3.0);
    break;
  }
  if (s.one_process) {
    d.load.wait_share = uniform(k_wait_share_min, k_wait_share_max);
  }
  return d;
}

const char* to_string(Target target) {
  switch (target) {
  case Target::false_keep:
    return "false-keep";
  case Target::false_kill:
    return "false-kill";
  case Target::false_regression:
    return "false-regression";
  case Target::missed_keep:
    return "missed-keep";
  case Target::runs:
    return "runs";
  }
  return "?";
}

bool parse_target(const std::string& name, Target& target) {
  for (const Target t : {Target::false_keep, Target::false_kill, Target::false_regression, Target::missed_keep,
                         Target::runs}) {
    if (name == to_string(t)) {
      target = t;
      return true;
    }
  }
  return false;
}

void run_on_threads(std::size_t jobs, int threads, const std::function<std::function<void(std::size_t)>()>& make_worker) {
  std::atomic<std::size_t> next{0};
  std::mutex error_mutex;
  std::string error;
  const auto work = [&] {
    try {
      const std::function<void(std::size_t)> worker = make_worker();
      for (std::size_t job = next++; job < jobs; job = next++) {
        worker(job);
      }
    } catch (const std::exception& e) {
      const std::lock_guard<std::mutex> lock(error_mutex);
      error = e.what();
      next = jobs;
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < std::max(1, threads); ++t) {
    pool.emplace_back(work);
  }
  for (std::thread& t : pool) {
    t.join();
  }
  if (!error.empty()) {
    throw std::runtime_error(error);
  }
}

double wilson_lower(int k, int n) {
  return 1.0 - wilson_upper(n - k, n);
}

double wilson_upper(int k, int n) {
  if (n <= 0) {
    return 1.0;
  }
  const double nn = n;
  const double p = k / nn;
  const double z2 = k_z * k_z;
  return (p + z2 / (2 * nn) + k_z * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn))) / (1 + z2 / nn);
}

std::vector<Scenario> grid_cells(const std::string& grid) {
  using test::ModelNoise;
  if (grid == "full") {
    const std::vector<std::pair<ModelNoise, Load>> conditions{
        {ModelNoise::normal, Load::quiet},      {ModelNoise::student_t3, Load::quiet},
        {ModelNoise::lognormal_mix, Load::quiet}, {ModelNoise::normal, Load::bursts},
        {ModelNoise::student_t3, Load::bursts}, {ModelNoise::normal, Load::contention},
        {ModelNoise::normal, Load::cold}};
    std::vector<Scenario> cells = cross({"generic", "zkvm"}, conditions, {0.01, 0.05}, {0.05, 0.0, -0.02, -0.10, -0.20},
                                        {0.05, 0.0, -0.01, -0.10, -0.20});
    for (Scenario& s : cross({"generic"}, {{ModelNoise::normal, Load::quiet}}, {0.10}, {0.0, -0.02, -0.10}, {})) {
      cells.push_back(s);
    }
    // A change that adds variance (the candidate's cv k_noisier x the baseline's, the same median): its
    // fastest runs are faster, which is no gain.
    for (Scenario& s : cross({"generic"}, {{ModelNoise::normal, Load::quiet}, {ModelNoise::normal, Load::bursts}},
                             {0.01, 0.05}, {0.0, -0.02, -0.04, -0.10}, {})) {
      s.candidate_cv_factor = k_noisier;
      cells.push_back(s);
    }
    // The same loads with the contention gate on (zkbench's default), which sees k_gate_visible of them.
    for (Scenario& s : cross({"generic", "zkvm"},
                             {{ModelNoise::normal, Load::bursts}, {ModelNoise::student_t3, Load::bursts},
                              {ModelNoise::normal, Load::contention}},
                             {0.01, 0.05}, {0.05, 0.0, -0.02, -0.10, -0.20}, {0.05, 0.0, -0.01, -0.10, -0.20})) {
      s.gate = true;
      cells.push_back(s);
    }
    // The loads again for a command that runs the program itself (one process: a share of each slowdown is
    // its CPU wait, which zkbench takes out), generic policy, gate off. Last, so that the cells before keep
    // their trials (each cell's seed is drawn from its place in the grid).
    for (Scenario& s : cross({"generic"},
                             {{ModelNoise::normal, Load::bursts}, {ModelNoise::student_t3, Load::bursts},
                              {ModelNoise::normal, Load::contention}},
                             {0.01, 0.05}, {0.05, 0.0, -0.02, -0.10, -0.20}, {})) {
      s.one_process = true;
      cells.push_back(s);
    }
    return cells;
  }
  if (grid == "reduced") {
    // The full grid's hardest cells for each target on main's rule at 1f209e9 (results.txt), 1000 trials each
    // in ctest (about 40 s on a loaded 2-core machine): false KEEP (bursts, cold), false KILL (bursts, +5%),
    // false regression (quiet and bursts, no change), missed KEEP (bursts, contention, -10%).
    const auto cell = [](const char* policy, ModelNoise noise, Load load, double cv, double effect) {
      return cross({policy}, {{noise, load}}, {cv}, {effect}, {effect}).front();
    };
    const auto gated = [&](const char* policy, ModelNoise noise, Load load, double cv, double effect) {
      Scenario s = cell(policy, noise, load, cv, effect);
      s.gate = true;
      return s;
    };
    const auto one_process = [](Scenario s) {
      s.one_process = true;
      return s;
    };
    // And since the gate cells (issue 22): the worst false KILL (heavy tails, bursts, +5%), and the gate's
    // own cells for false claims and missed gains.
    return {cell("generic", ModelNoise::normal, Load::bursts, 0.01, -0.02),
            cell("generic", ModelNoise::student_t3, Load::bursts, 0.05, 0.05),
            gated("zkvm", ModelNoise::normal, Load::bursts, 0.05, 0.0),
            gated("generic", ModelNoise::normal, Load::bursts, 0.01, -0.10),
            gated("zkvm", ModelNoise::normal, Load::contention, 0.05, -0.10),
            cell("generic", ModelNoise::normal, Load::cold, 0.05, -0.02),
            cell("zkvm", ModelNoise::normal, Load::cold, 0.05, -0.01),
            cell("generic", ModelNoise::normal, Load::bursts, 0.05, 0.05),
            cell("generic", ModelNoise::normal, Load::quiet, 0.05, 0.0),
            cell("zkvm", ModelNoise::normal, Load::bursts, 0.05, 0.0),
            cell("generic", ModelNoise::student_t3, Load::bursts, 0.05, -0.10),
            cell("zkvm", ModelNoise::normal, Load::bursts, 0.01, -0.10),
            cell("generic", ModelNoise::normal, Load::contention, 0.05, -0.10),
            // And since the one-process cells (session 15): the missed-KEEP cells and the no-op under bursts for a
            // command whose CPU wait zkbench takes out.
            one_process(cell("generic", ModelNoise::student_t3, Load::bursts, 0.05, -0.10)),
            one_process(cell("generic", ModelNoise::normal, Load::contention, 0.05, -0.10)),
            one_process(cell("generic", ModelNoise::normal, Load::bursts, 0.01, -0.02))};
  }
  return {};
}

int run_workflow_simulation(const WorkflowSimOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<Scenario> cells = grid_cells(options.grid);
  if (cells.empty()) {
    throw std::runtime_error("unknown grid '" + options.grid + "' (full, reduced)");
  }
  std::erase_if(cells, [&](const Scenario& s) { return cell_name(s).find(options.only) == std::string::npos; });
  if (cells.empty()) {
    throw std::runtime_error("--only '" + options.only + "': no cell of grid '" + options.grid + "' has it in its name");
  }
  // Every (cell, trial) once, on `threads` threads, each with its own projects (one per ProjectKind).
  const std::size_t jobs = cells.size() * static_cast<std::size_t>(options.trials);
  std::vector<TrialOutcome> outcomes(jobs);
  std::map<std::string, verdict::Policy> policies;
  run_on_threads(jobs, options.threads, [&] {
    auto projects = std::make_shared<std::map<ProjectKind, std::unique_ptr<SimProject>>>();
    return [&, projects](std::size_t job) {
      const std::size_t cell = job / static_cast<std::size_t>(options.trials);
      const int trial = static_cast<int>(job % static_cast<std::size_t>(options.trials));
      const Scenario& s = cells[cell];
      auto& project = (*projects)[s.project()];
      if (!project) {
        project = std::make_unique<SimProject>(s.project());
      }
      outcomes[job] = project->run(s, draw_trial(options, s, cell, trial), options.stored, options.runs);
      if (options.explain == 0) {
        outcomes[job].reason.clear();
      }
    };
  });
  for (const std::string name : {"generic", "zkvm"}) {
    policies[name] = *verdict::preset(name);
  }

  fmt::print("workflow path: exp run's code (workflow::evaluate_checkout: build, correctness, the inputs judged in stages with joint looks, "
             "combine_inputs) behind tests/support/model_executor.hpp; {} baseline, {}; grid '{}', {} cells x {} "
             "trials, seed {}, {} threads\n",
             options.stored ? "--baseline stored" : "interleaved",
             options.runs > 0 ? fmt::format("--runs {}", options.runs) : std::string("zkbench.yaml's 10 runs"),
             options.grid, cells.size(), options.trials, options.seed, options.threads);
  fmt::print("inputs 1-4 (cycling by trial) of a (60 s, weight 1), b (30 s, 2), c (120 s, 1), d (45 s, 3); warmup 1 per "
             "side (cold cells: 0); slow drift uniform in +-2%/h; generic: no work metric; zkvm: steps measured, "
             "equal on both sides (a prover-side change)\n");
  fmt::print("noise: normal 1+cv N; t3 exp(cv/sqrt3 t3); lnmix lognormal(cv) with 10% of runs x lognormal(ln 1.2, "
             "0.1). load: bursts (start 1-5%/run, 1-10 runs, +10-50%; and per round one run of the two hit +10-50% "
             "with probability 30-90%); contention (episodes start 1-5%/run, 5-20 runs, +20-100%); cold (warmup 0, "
             "the first run of each input, whichever side, x1-3)\n");
  fmt::print("columns: runs per experiment; outcomes %; then observed/Wilson-95%-upper % of false KEEP (gain <= MAYBE "
             "threshold; target <= 5), false KILL (< timeout_multiplier slower; <= 1), false regression (not slower; "
             "<= 5), missed KEEP (not KEEP, INCONCLUSIVE included, gain >= 10% and cv <= 5%; <= 10); '*' missed\n\n");
  fmt::print("{:<40} | {:>5} | {:>5} {:>5} {:>5} {:>5} {:>5} {:>4} | {:>11} {:>11} {:>11} {:>11} | {}\n", "cell", "runs",
             "KEEP", "MAYBE", "DISC", "KILL", "INC", "FAIL", "fKEEP", "fKILL", "fREG", "missed", "verdict");

  const auto enforced = [&](Target t) {
    return std::find(options.targets.begin(), options.targets.end(), t) != options.targets.end();
  };
  int missed_targets = 0;
  double runs_total = 0;
  int trials_total = 0;
  double runs_by_inputs[5] = {0, 0, 0, 0, 0};
  int trials_by_inputs[5] = {0, 0, 0, 0, 0};
  std::vector<double> correlations;
  std::vector<std::string> failing;
  int explained = 0;
  for (std::size_t cell = 0; cell < cells.size(); ++cell) {
    const Scenario& s = cells[cell];
    const verdict::Policy& p = policies.at(s.policy);
    Tally t;
    for (int trial = 0; trial < options.trials; ++trial) {
      const TrialOutcome& o = outcomes[cell * static_cast<std::size_t>(options.trials) + static_cast<std::size_t>(trial)];
      t.add(o);
      const int inputs = 1 + trial % 4;
      runs_by_inputs[inputs] += static_cast<double>(o.runs);
      trials_by_inputs[inputs] += 1;
      if (s.load == Load::bursts && !s.gate) { // with the gate, rounds measured again break the pairs
        correlations.insert(correlations.end(), o.round_correlations.begin(), o.round_correlations.end());
      }
      const bool wrong = (keep_is_false(p, s.effect) && o.outcome == core::Outcome::keep) ||
                         (kill_is_false(p, s.effect) && o.outcome == core::Outcome::kill) ||
                         (regression_is_false(s.effect) && o.regression) ||
                         (keep_deserved(s) && o.outcome != core::Outcome::keep);
      if (wrong && explained < options.explain) {
        ++explained;
        fmt::print("  wrong: {} trial {} ({} inputs): {} in {} runs: {}\n", cell_name(s), trial, inputs,
                   core::to_string(o.outcome), o.runs, o.reason);
      }
    }
    runs_total += t.runs;
    trials_total += t.n;
    const Check fk{keep_is_false(p, s.effect), t.keep, k_max_false_keep};
    const Check fkill{kill_is_false(p, s.effect), t.kill, k_max_false_kill};
    const Check freg{regression_is_false(s.effect), t.regression, k_max_false_regression};
    const Check miss{keep_deserved(s), t.n - t.keep, k_max_missed_keep};
    int cell_missed = 0;
    std::string missed_names;
    for (const auto& [target, check] : {std::pair{Target::false_keep, &fk}, std::pair{Target::false_kill, &fkill},
                                        std::pair{Target::false_regression, &freg}, std::pair{Target::missed_keep, &miss}}) {
      if (!check->passed(t.n)) {
        missed_names += std::string(missed_names.empty() ? "" : ",") + to_string(target);
        cell_missed += enforced(target) ? 1 : 0;
      }
    }
    missed_targets += cell_missed;
    if (!missed_names.empty()) {
      failing.push_back(fmt::format("{} ({})", cell_name(s), missed_names));
    }
    fmt::print("{:<40} | {:>5.1f} | {:>5.1f} {:>5.1f} {:>5.1f} {:>5.1f} {:>5.1f} {:>4.1f} | {:>11} {:>11} {:>11} {:>11} | {}\n",
               cell_name(s), t.runs / t.n, t.pct(t.keep), t.pct(t.maybe), t.pct(t.discard), t.pct(t.kill),
               t.pct(t.inconclusive), t.pct(t.failed), fk.text(t.n), fkill.text(t.n), freg.text(t.n), miss.text(t.n),
               missed_names.empty() ? "PASS" : "FAIL " + missed_names);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double mean_runs = trials_total > 0 ? runs_total / trials_total : 0.0;
  std::string by_inputs;
  for (int k = 1; k <= 4; ++k) {
    if (trials_by_inputs[k] > 0) {
      by_inputs += fmt::format(" {}:{:.1f}", k, runs_by_inputs[k] / trials_by_inputs[k]);
    }
  }
  const bool runs_ok = mean_runs <= k_max_runs;
  missed_targets += !runs_ok && enforced(Target::runs) ? 1 : 0;
  fmt::print("\n{} cells x {} trials in {:.0f} s on {} threads\n", cells.size(), options.trials, seconds, options.threads);
  fmt::print("runs per experiment: {:.1f} (by number of inputs{}); target <= {:.1f}: {}\n", mean_runs, by_inputs,
             k_max_runs, runs_ok ? "PASS" : "FAIL");
  if (!correlations.empty()) {
    std::sort(correlations.begin(), correlations.end());
    const auto q = [&](double f) {
      return correlations[static_cast<std::size_t>(f * static_cast<double>(correlations.size() - 1))];
    };
    fmt::print("bursts cells: within-round correlation of the two sides' log times (inputs with >= 4 rounds, {} of "
               "them): 5% {:+.2f}, 25% {:+.2f}, median {:+.2f}, 75% {:+.2f}, 95% {:+.2f} (measured under load: "
               "-0.81 .. +0.59, median about -0.2)\n",
               correlations.size(), q(0.05), q(0.25), q(0.5), q(0.75), q(0.95));
  }
  fmt::print("cells failing a target: {} of {}\n", failing.size(), cells.size());
  for (const std::string& f : failing) {
    fmt::print("  {}\n", f);
  }
  std::string enforced_names;
  for (const Target t : options.targets) {
    enforced_names += std::string(enforced_names.empty() ? "" : ",") + to_string(t);
  }
  fmt::print("enforced targets ({}): {}\n", enforced_names.empty() ? "none" : enforced_names,
             missed_targets == 0 ? "all met" : fmt::format("{} missed", missed_targets));
  return missed_targets;
}

} // namespace zkbench::bench
