// bench_verdicts: is early stopping sound, and does it save runs? A simulation over a grid of true
// effects and noise levels, run through the same A/B loop and decision code as `zkbench ab`
// (verdict::AbDecider in the run loop's order), with a simulated runner behind measure::Executor.
//
// Noise model per run: time = 1 s x (1 + effect, candidate only) x drift x lognormal(sigma) x outlier,
// where sigma = sqrt(log(1 + cv^2)) (so the run-to-run CV is `cv`), outliers hit 2% of runs and slow
// them by 5–10 cv, and drift is a slow linear trend with a per-trial slope in [-0.1%, +0.1%] per run.
//
// Truth: a true improvement <= 2% deserves no KEEP (a KEEP is a false KEEP); one >= 7% deserves KEEP
// (anything else is a missed KEEP); between, every verdict is acceptable (generic policy: KEEP > 5%,
// MAYBE 2–5%).
//
// The workflow path (workflow_table.cpp): `exp run`'s own code (workflow::judge_input per input,
// verdict::combine_inputs across them) behind the model executor of tests/support/model_executor.hpp,
// interleaved and against the stored baseline, beside an emulation of the design before issue 11.
//
// Usage: bench_verdicts [--part ab|workflow|all] [--seed S]
//   ab:       [--trials N] [--min-runs N] [--max-runs N] [--alpha A] [--final-share F]
//   workflow: [--wf-trials N] [--wf-warmup N] [--wf-runs N] [--wf-min-runs N] [--wf-drift-runs N]
//             [--wf-stored-strategy fixed|sequential] [--wf-stored-runs N] [--wf-designs interleaved,stored,today]
//             [--wf-effects -20,-10,..] [--wf-cvs 0.5,2,..] [--wf-drifts 0,5,15] (percent)
//             [--wf-explain N] (the reasons of N wrong verdicts per design)
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "measure/executor.hpp"
#include "util/strings.hpp"
#include "verdict/sequential.hpp"
#include "workflow_table.hpp"

using namespace zkbench;

namespace {

class SimulatedExecutor : public measure::Executor {
public:
  SimulatedExecutor(double effect, double cv, std::uint64_t seed) : m_effect(effect), m_cv(cv), m_rng(seed) {
    m_sigma = std::sqrt(std::log(1.0 + cv * cv));
    m_slope = std::uniform_real_distribution<double>(-0.001, 0.001)(m_rng);
  }

  Result<measure::ExecutionResult> execute(const measure::CommandSpec& command,
                                           const measure::ExecutionOptions& /*options*/) override {
    const bool candidate = command.text == "B";
    double t = 1.0 * (candidate ? 1.0 + m_effect : 1.0);
    t *= 1.0 + m_slope * static_cast<double>(m_runs++);
    t *= std::exp(m_sigma * m_normal(m_rng) - m_sigma * m_sigma / 2.0);
    if (m_uniform(m_rng) < 0.02) {
      t *= 1.0 + m_cv * (5.0 + 5.0 * m_uniform(m_rng));
    }
    measure::ExecutionResult r;
    r.wall_s = t;
    return r;
  }

private:
  double m_effect;
  double m_cv;
  double m_sigma = 0;
  double m_slope = 0;
  std::mt19937_64 m_rng;
  std::normal_distribution<double> m_normal;
  std::uniform_real_distribution<double> m_uniform{0.0, 1.0};
  int m_runs = 0;
};

struct Tally {
  double runs = 0;
  int wrong = 0;
  int keeps = 0;
};

struct Cell {
  double effect = 0;
  double cv = 0;
  Tally fixed;
  Tally sequential;
  int agree = 0;
  int trials = 0;
};

// What the true effect deserves: +1 = KEEP, -1 = no KEEP, 0 = either.
int deserved(double effect) {
  if (-effect <= 0.02 + 1e-12) {
    return -1;
  }
  if (-effect >= 0.07 - 1e-12) {
    return 1;
  }
  return 0;
}

bool is_wrong(double effect, verdict::Verdict v) {
  const int truth = deserved(effect);
  return (truth < 0 && v == verdict::Verdict::keep) || (truth > 0 && v != verdict::Verdict::keep);
}

verdict::AbOutcome simulate(double effect, double cv, std::uint64_t seed, const verdict::AbOptions& options,
                            const verdict::Policy& policy) {
  SimulatedExecutor executor(effect, cv, seed);
  verdict::AbDecider decider("time", policy, options);
  std::vector<double> baseline;
  std::vector<double> candidate;
  for (int pair = 0; pair < decider.max_pairs(); ++pair) {
    // The run loop's order: A B, B A, A B, ...
    for (const bool base : {pair % 2 == 0, pair % 2 != 0}) {
      measure::CommandSpec spec;
      spec.text.assign(1, base ? 'A' : 'B');
      (base ? baseline : candidate).push_back(executor.execute(spec, measure::ExecutionOptions{})->wall_s);
    }
    if (decider.look(baseline, candidate)) {
      break;
    }
  }
  return decider.outcome(baseline, candidate);
}

double arg_value(int argc, char** argv, const std::string& name, double fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (name == argv[i]) {
      return std::atof(argv[i + 1]);
    }
  }
  return fallback;
}

std::string arg_text(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (name == argv[i]) {
      return argv[i + 1];
    }
  }
  return fallback;
}

// "-20,-10,0" (percent) -> {-0.2, -0.1, 0}; the fallback when the option is absent.
std::vector<double> arg_percents(int argc, char** argv, const std::string& name, std::vector<double> fallback) {
  const std::string text = arg_text(argc, argv, name, "");
  if (text.empty()) {
    return fallback;
  }
  std::vector<double> values;
  for (const std::string& item : util::split(text, ',')) {
    values.push_back(std::atof(item.c_str()) / 100.0);
  }
  return values;
}

int run_ab_table(int argc, char** argv) {
  const int trials = static_cast<int>(arg_value(argc, argv, "--trials", 2000));
  const auto seed = static_cast<std::uint64_t>(arg_value(argc, argv, "--seed", 1));
  verdict::AbOptions fixed;
  fixed.strategy = verdict::Strategy::fixed;
  fixed.runs = 10;
  verdict::AbOptions sequential;
  sequential.strategy = verdict::Strategy::sequential;
  sequential.sequential.min_runs = static_cast<int>(arg_value(argc, argv, "--min-runs", 3));
  sequential.sequential.max_runs = static_cast<int>(arg_value(argc, argv, "--max-runs", 20));
  sequential.sequential.alpha = arg_value(argc, argv, "--alpha", 0.05);
  sequential.sequential.final_share = arg_value(argc, argv, "--final-share", 0.8);
  sequential.sequential.futility = arg_value(argc, argv, "--futility", 1) != 0;
  sequential.sequential.futility_z = arg_value(argc, argv, "--futility-z", 1.0);
  const auto policy = *verdict::preset("generic");

  const std::vector<double> effects{0.01, 0.0, -0.01, -0.02, -0.03, -0.04, -0.05, -0.07, -0.10, -0.20};
  const std::vector<double> cvs{0.005, 0.01, 0.02, 0.05, 0.10};
  fmt::print("bench_verdicts: {} trials per cell, generic policy, fixed {} runs/side (flaky: to {}), "
             "sequential min {} max {} alpha {} final share {}\n\n",
             trials, fixed.runs, policy.flaky_runs, sequential.sequential.min_runs, sequential.sequential.max_runs,
             sequential.sequential.alpha, sequential.sequential.final_share);
  fmt::print("{:>7} {:>6} | {:>10} {:>10} {:>6} | {:>9} {:>9} | {:>9} {:>9} | {:>7}\n", "effect", "cv", "runs fix",
             "runs seq", "ratio", "wrong fix", "wrong seq", "KEEP fix", "KEEP seq", "agree");
  std::vector<Cell> cells;
  Tally total_fixed;
  Tally total_seq;
  int total_trials = 0;
  int total_agree = 0;
  int judged = 0;
  double worst_false_keep_seq = 0;
  for (const double cv : cvs) {
    for (const double effect : effects) {
      Cell cell{effect, cv, {}, {}, 0, trials};
      for (int t = 0; t < trials; ++t) {
        // Common random numbers: both strategies see the same run sequence.
        const std::uint64_t s = seed * 1'000'003ULL + static_cast<std::uint64_t>(t) * 7919ULL +
                                static_cast<std::uint64_t>(cv * 1e5) * 104729ULL +
                                static_cast<std::uint64_t>((effect + 1.0) * 1e4);
        const auto f = simulate(effect, cv, s, fixed, policy);
        const auto q = simulate(effect, cv, s, sequential, policy);
        cell.fixed.runs += static_cast<double>(f.baseline.size());
        cell.sequential.runs += static_cast<double>(q.baseline.size());
        cell.fixed.wrong += is_wrong(effect, f.decision.verdict) ? 1 : 0;
        cell.sequential.wrong += is_wrong(effect, q.decision.verdict) ? 1 : 0;
        cell.fixed.keeps += f.decision.verdict == verdict::Verdict::keep ? 1 : 0;
        cell.sequential.keeps += q.decision.verdict == verdict::Verdict::keep ? 1 : 0;
        cell.agree += f.decision.verdict == q.decision.verdict ? 1 : 0;
      }
      const double n = trials;
      fmt::print("{:>+6.0f}% {:>5.1f}% | {:>10.2f} {:>10.2f} {:>6.2f} | {:>8.1f}% {:>8.1f}% | {:>8.1f}% {:>8.1f}% | {:>6.1f}%\n",
                 effect * 100, cv * 100, cell.fixed.runs / n, cell.sequential.runs / n,
                 cell.sequential.runs / cell.fixed.runs, 100.0 * cell.fixed.wrong / n, 100.0 * cell.sequential.wrong / n,
                 100.0 * cell.fixed.keeps / n, 100.0 * cell.sequential.keeps / n, 100.0 * cell.agree / n);
      std::fflush(stdout);
      total_fixed.runs += cell.fixed.runs;
      total_seq.runs += cell.sequential.runs;
      total_fixed.wrong += cell.fixed.wrong;
      total_seq.wrong += cell.sequential.wrong;
      total_trials += trials;
      total_agree += cell.agree;
      if (deserved(effect) != 0) {
        judged += trials;
      }
      if (deserved(effect) < 0) {
        worst_false_keep_seq = std::max(worst_false_keep_seq, static_cast<double>(cell.sequential.keeps) / n);
      }
      cells.push_back(cell);
    }
  }
  const double all = total_trials;
  fmt::print("\noverall: mean runs/side fixed {:.2f}, sequential {:.2f} (ratio {:.2f}, target <= 0.50)\n",
             total_fixed.runs / all, total_seq.runs / all, total_seq.runs / total_fixed.runs);
  fmt::print("wrong verdicts (of {} judged trials): fixed {:.2f}%, sequential {:.2f}% (target: sequential <= fixed)\n",
             judged, 100.0 * total_fixed.wrong / judged, 100.0 * total_seq.wrong / judged);
  fmt::print("worst false-KEEP rate of sequential in a cell: {:.2f}% (target <= 5%)\n", 100.0 * worst_false_keep_seq);
  fmt::print("agreement fixed vs sequential: {:.1f}%\n", 100.0 * total_agree / all);
  return 0;
}

int run_workflow_table(int argc, char** argv) {
  bench::WorkflowSimOptions options;
  options.trials = static_cast<int>(arg_value(argc, argv, "--wf-trials", options.trials));
  options.seed = static_cast<std::uint64_t>(arg_value(argc, argv, "--seed", 1));
  options.warmup = static_cast<int>(arg_value(argc, argv, "--wf-warmup", options.warmup));
  for (bench::DesignSettings* s : {&options.interleaved, &options.stored}) {
    s->runs = static_cast<int>(arg_value(argc, argv, "--wf-runs", s->runs));
    s->min_runs = static_cast<int>(arg_value(argc, argv, "--wf-min-runs", s->min_runs));
    s->drift_runs = static_cast<int>(arg_value(argc, argv, "--wf-drift-runs", s->drift_runs));
  }
  options.stored.runs = static_cast<int>(arg_value(argc, argv, "--wf-stored-runs", options.stored.runs));
  options.stored.strategy = arg_text(argc, argv, "--wf-stored-strategy", "sequential") == "fixed"
                                ? workflow::Strategy::fixed
                                : workflow::Strategy::sequential;
  if (const std::string designs = arg_text(argc, argv, "--wf-designs", ""); !designs.empty()) {
    options.designs.clear();
    for (const std::string& name : util::split(designs, ',')) {
      for (const auto d : {bench::Design::interleaved, bench::Design::stored, bench::Design::today}) {
        if (name == bench::to_string(d)) {
          options.designs.push_back(d);
        }
      }
    }
  }
  options.effects = arg_percents(argc, argv, "--wf-effects", options.effects);
  options.cvs = arg_percents(argc, argv, "--wf-cvs", options.cvs);
  options.drift_steps = arg_percents(argc, argv, "--wf-drifts", options.drift_steps);
  options.explain = static_cast<int>(arg_value(argc, argv, "--wf-explain", 0));
  bench::run_workflow_simulation(options);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  const std::string part = arg_text(argc, argv, "--part", "all");
  if (part != "ab" && part != "workflow" && part != "all") {
    fmt::print(stderr, "bench_verdicts: --part '{}': expected ab, workflow or all\n", part);
    return 2;
  }
  if (part != "workflow") {
    run_ab_table(argc, argv);
  }
  if (part == "all") {
    fmt::print("\n");
  }
  if (part != "ab") {
    run_workflow_table(argc, argv);
  }
  return 0;
}
