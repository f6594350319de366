#include "workflow_table.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>

#include <fmt/format.h>

namespace zkbench::bench {

namespace {

// What the true effect deserves (issue 11's targets, generic policy: KEEP > 5%, MAYBE 2–5%, KILL 1.10x).
bool keep_is_false(const verdict::Policy& p, double effect) { return -effect <= p.maybe_threshold + 1e-12; }
bool kill_is_false(const verdict::Policy& p, double effect) { return 1.0 + effect < p.timeout_multiplier - 1e-12; }
bool regression_is_false(double effect) { return effect <= 1e-12; }
bool keep_deserved(double effect) { return -effect >= 0.10 - 1e-12; }

// A verdict the targets count against: false KEEP, false KILL, missed KEEP (cv <= 5%), FAILED.
bool is_wrong(const verdict::Policy& p, double effect, double cv, const TrialOutcome& o) {
  return o.failed || (o.verdict == verdict::Verdict::keep && keep_is_false(p, effect)) ||
         (o.verdict == verdict::Verdict::kill && kill_is_false(p, effect)) ||
         (keep_deserved(effect) && cv <= 0.05 + 1e-12 && o.verdict != verdict::Verdict::keep &&
          o.verdict != verdict::Verdict::inconclusive);
}

struct Tally {
  int n = 0;
  double runs = 0;
  int keep = 0;
  int kill = 0;
  int regression = 0;
  int missed = 0; // neither KEEP nor INCONCLUSIVE
  int inconclusive = 0;
  int guard_kill = 0;
  int failed = 0;
  int hung = 0;

  void add(const TrialOutcome& o) {
    ++n;
    failed += o.failed ? 1 : 0;
    if (o.failed) {
      runs += static_cast<double>(o.runs);
      return;
    }
    runs += static_cast<double>(o.runs);
    keep += o.verdict == verdict::Verdict::keep ? 1 : 0;
    kill += o.verdict == verdict::Verdict::kill ? 1 : 0;
    hung += o.hung ? 1 : 0;
    regression += o.regression ? 1 : 0;
    inconclusive += o.verdict == verdict::Verdict::inconclusive ? 1 : 0;
    missed += o.verdict != verdict::Verdict::keep && o.verdict != verdict::Verdict::inconclusive ? 1 : 0;
    guard_kill += o.guard_kill || o.verdict == verdict::Verdict::kill ? 1 : 0;
  }
  double rate(int count) const { return n > 0 ? 100.0 * count / n : 0.0; }
};

// The worst cell of a figure, for the summary.
struct Worst {
  double rate = 0;
  std::string cell = "-";
  void see(double r, const std::string& where) {
    if (cell == "-" || r > rate) {
      rate = r;
      cell = where;
    }
  }
};

struct DesignSummary {
  Tally all;
  Worst false_keep, false_kill, false_regression, missed_keep, inconclusive, guard_kill, failed, evidence_kill;
  double runs_by_inputs[5] = {0, 0, 0, 0, 0};
  int trials_by_inputs[5] = {0, 0, 0, 0, 0};
};

std::string rate_or_dash(bool applies, const Tally& t, int count) {
  return applies ? fmt::format("{:.1f}", t.rate(count)) : std::string("-");
}

TrialDraw draw_trial(const WorkflowSimOptions& options, std::size_t cell, int trial) {
  static constexpr double k_cold[] = {1.0, 2.0, 3.0};
  TrialDraw d;
  d.inputs = 1 + trial % 4;
  d.cold_first = k_cold[(trial / 4) % 3];
  d.seed = options.seed * 1'000'003ULL + cell * 7919ULL + static_cast<std::uint64_t>(trial) * 104729ULL;
  std::mt19937_64 rng(d.seed);
  d.drift_per_hour = std::uniform_real_distribution<double>(-options.drift_per_hour, options.drift_per_hour)(rng);
  return d;
}

std::string settings_text(const DesignSettings& s, const SimProject& project) {
  const bool seq = s.strategy == workflow::Strategy::sequential;
  const int runs = s.runs > 0 ? s.runs : seq ? std::max(project.config_runs(), project.policy().flaky_runs)
                                             : project.config_runs();
  return fmt::format("{}, {} {} runs per side{}, warmup {} per side, drift test (stored only) {} runs",
                     seq ? "sequential" : "fixed", seq ? "at most" : "", runs,
                     seq ? fmt::format(" (at least {})", s.min_runs) : std::string(),
                     s.warmup >= 0 ? s.warmup : project.config_warmup(), s.drift_runs);
}

// The worst cells of each design, against the targets; returns the number of targets the interleaved design misses.
int print_summaries(const WorkflowSimOptions& options, const SimProject& project,
                    const std::vector<DesignSummary>& summary, double mean_inputs) {
  const verdict::Policy& policy = project.policy();
  // Today's design as planned (no early KILL): warmups + runs per input, the 2 sentinel runs; and the stored
  // baseline it needs, warmups + runs per input, shared by the experiments measured against it.
  const double per_input = project.config_warmup() + project.config_runs();
  const double today_runs = per_input * mean_inputs + 2;
  const double baseline_runs = per_input * mean_inputs;
  int missed_targets = 0;
  for (std::size_t d = 0; d < options.designs.size(); ++d) {
    const DesignSummary& s = summary[d];
    const double runs = s.all.runs / s.all.n;
    std::string by_inputs;
    for (int k = 1; k <= 4; ++k) {
      if (s.trials_by_inputs[k] > 0) {
        by_inputs += fmt::format(" {}:{:.1f}", k, s.runs_by_inputs[k] / s.trials_by_inputs[k]);
      }
    }
    fmt::print("{}: runs per experiment {:.1f} (by number of inputs{}); INCONCLUSIVE {:.1f}% overall\n",
               to_string(options.designs[d]), runs, by_inputs, s.all.rate(s.all.inconclusive));
    fmt::print("  worst false KEEP {:.1f}% ({}); worst false KILL {:.1f}% ({}); worst false regression {:.1f}% ({})\n",
               s.false_keep.rate, s.false_keep.cell, s.false_kill.rate, s.false_kill.cell, s.false_regression.rate,
               s.false_regression.cell);
    fmt::print("  worst missed KEEP (gain >= 10%, cv <= 5%) {:.1f}% ({}); worst INCONCLUSIVE {:.1f}% ({})\n",
               s.missed_keep.rate, s.missed_keep.cell, s.inconclusive.rate, s.inconclusive.cell);
    if (summary[d].all.hung > 0) {
      fmt::print("  of the KILLs, {:.2f}% of all trials at the hang guard (a run stopped there); worst false KILL on "
                 "the evidence alone {:.1f}% ({})\n",
                 summary[d].all.rate(summary[d].all.hung), summary[d].evidence_kill.rate, summary[d].evidence_kill.cell);
    }
    if (summary[d].all.failed > 0) {
      fmt::print("  FAILED (a baseline run past the hang guard, no verdict) {:.2f}% overall, worst {:.1f}% ({})\n",
                 summary[d].all.rate(summary[d].all.failed), summary[d].failed.rate, summary[d].failed.cell);
    }
    if (options.designs[d] == Design::today) {
      fmt::print("  with today's per-run timeout (one run, warmups too, past {:.2f}x the stored median KILLs): worst "
                 "false KILL {:.1f}% ({})\n",
                 policy.timeout_multiplier, s.guard_kill.rate, s.guard_kill.cell);
    }
    if (options.designs[d] == Design::interleaved) {
      const bool keep_ok = s.false_keep.rate <= 5.0;
      const bool kill_ok = s.false_kill.rate <= 1.0;
      const bool miss_ok = s.missed_keep.rate <= 5.0;
      // Runs: at most today's when a stored baseline is shared by no more than `break_even` experiments.
      const double break_even = runs <= today_runs ? 1e9 : baseline_runs / (runs - today_runs);
      const bool runs_ok = break_even >= 1.0;
      missed_targets = (keep_ok ? 0 : 1) + (kill_ok ? 0 : 1) + (miss_ok ? 0 : 1) + (runs_ok ? 0 : 1);
      fmt::print("  targets: false KEEP <= 5% {}, false KILL <= 1% {}, missed KEEP <= 5% {}, runs <= today's {} ({})\n",
                 keep_ok ? "met" : "MISSED", kill_ok ? "met" : "MISSED", miss_ok ? "met" : "MISSED",
                 runs_ok ? "met" : "MISSED",
                 break_even >= 1e9 ? std::string("even without its baseline")
                                   : fmt::format("with its baseline shared by up to {:.1f} experiments", break_even));
    }
  }
  fmt::print("today's budget: {:.1f} runs per experiment as planned ({:.0f} per input + 2 sentinel runs), plus its share "
             "of the stored baseline ({:.1f} runs, shared by the experiments measured against it)\n",
             today_runs, per_input, baseline_runs);
  return missed_targets;
}

} // namespace

int run_workflow_simulation(const WorkflowSimOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  SimProject project(options.warmup);
  const verdict::Policy& policy = project.policy();
  fmt::print("workflow path: {} trials per cell; generic policy (KEEP > {:.0f}%, MAYBE >= {:.0f}%, KILL {:.2f}x); "
             "inputs 1-4 of a (60 s, weight 1), b (30 s, 2), c (120 s, 1), d (45 s, 3); {} warmup, {} runs in "
             "zkbench.yaml\n",
             options.trials, policy.keep_threshold * 100, policy.maybe_threshold * 100, policy.timeout_multiplier,
             project.config_warmup(), project.config_runs());
  fmt::print("model: normal noise cv, cold first run 1x/2x/3x, outliers {} of runs at +{} cv, slow drift uniform in "
             "+-{:.0f}%/h within each phase, drift step between the stored baseline and the experiment\n",
             "2%", 7.5, options.drift_per_hour * 100);
  fmt::print("interleaved: {}\nstored: {}\ntoday: warmup {} + {} candidate runs per input vs the stored runs, "
             "compare_benchmarks (KILL: median > {:.2f}x the stored median), 2 sentinel runs\n",
             settings_text(options.interleaved, project), settings_text(options.stored, project),
             project.config_warmup(), project.config_runs(), policy.timeout_multiplier);
  fmt::print("columns per design: runs per experiment (both sides, warmups and drift tests included), false KEEP %, "
             "false KILL %, false regression %, missed KEEP %, INCONCLUSIVE %  ('-': not applicable)\n\n");

  std::string head = fmt::format("{:>6} {:>5} {:>5} |", "effect", "cv", "drift");
  for (const Design d : options.designs) {
    head += fmt::format(" {:>11}: {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} |", to_string(d), "runs", "fKEEP", "fKILL",
                        "fREG", "miss", "INC");
  }
  fmt::print("{}\n", head);

  std::vector<DesignSummary> summary(options.designs.size());
  std::vector<int> explained(options.designs.size(), 0);
  double inputs_sum = 0;
  int trials_run = 0;
  std::size_t cell_index = 0;
  for (const double drift : options.drift_steps) {
    for (const double cv : options.cvs) {
      for (const double effect : options.effects) {
        const Scenario scenario{effect, cv, drift};
        std::vector<Tally> tallies(options.designs.size());
        project.reset_store();
        for (int t = 0; t < options.trials; ++t) {
          const TrialDraw draw = draw_trial(options, cell_index, t);
          const std::vector<core::Benchmark> stored = project.stored_baseline(scenario, draw);
          inputs_sum += draw.inputs;
          ++trials_run;
          for (std::size_t d = 0; d < options.designs.size(); ++d) {
            const DesignSettings& settings =
                options.designs[d] == Design::stored ? options.stored : options.interleaved;
            const TrialOutcome o = project.run(options.designs[d], settings, scenario, draw, stored);
            tallies[d].add(o);
            if (explained[d] < options.explain && is_wrong(policy, effect, cv, o)) {
              ++explained[d];
              fmt::print("  {} {:+.0f}% cv {:.1f}% drift {:+.0f}%, {} inputs, cold {:.0f}x, {:+.1f}%/h: {} in {} runs: {}\n",
                         to_string(options.designs[d]), effect * 100, cv * 100, drift * 100, draw.inputs,
                         draw.cold_first, draw.drift_per_hour * 100,
                         o.failed ? "FAILED" : verdict::to_string(o.verdict), o.runs, o.reason);
            }
            summary[d].all.add(o);
            summary[d].runs_by_inputs[draw.inputs] += static_cast<double>(o.runs);
            summary[d].trials_by_inputs[draw.inputs] += 1;
          }
        }
        const std::string where = fmt::format("{:+.0f}% cv {:.1f}% drift {:+.0f}%", effect * 100, cv * 100, drift * 100);
        std::string row = fmt::format("{:>+5.0f}% {:>4.1f}% {:>+4.0f}% |", effect * 100, cv * 100, drift * 100);
        for (std::size_t d = 0; d < options.designs.size(); ++d) {
          const Tally& t = tallies[d];
          const bool fk = keep_is_false(policy, effect);
          const bool fkill = kill_is_false(policy, effect);
          const bool freg = regression_is_false(effect);
          const bool miss = keep_deserved(effect);
          row += fmt::format(" {:>11}  {:>5.1f} {:>5} {:>5} {:>5} {:>5} {:>5.1f} |", "", t.runs / t.n,
                             rate_or_dash(fk, t, t.keep), rate_or_dash(fkill, t, t.kill),
                             rate_or_dash(freg, t, t.regression), rate_or_dash(miss, t, t.missed),
                             t.rate(t.inconclusive));
          DesignSummary& s = summary[d];
          if (fk) {
            s.false_keep.see(t.rate(t.keep), where);
          }
          if (fkill) {
            s.false_kill.see(t.rate(t.kill), where);
            s.guard_kill.see(t.rate(t.guard_kill), where);
            s.evidence_kill.see(t.rate(t.kill - t.hung), where);
          }
          if (freg) {
            s.false_regression.see(t.rate(t.regression), where);
          }
          if (miss && cv <= 0.05 + 1e-12) {
            s.missed_keep.see(t.rate(t.missed), where);
          }
          s.inconclusive.see(t.rate(t.inconclusive), where);
          s.failed.see(t.rate(t.failed), where);
        }
        fmt::print("{}\n", row);
        std::fflush(stdout);
        ++cell_index;
      }
    }
  }

  const double mean_inputs = trials_run > 0 ? inputs_sum / trials_run : 0.0;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  fmt::print("\n{} cells x {} trials in {:.0f} s\n", cell_index, options.trials, seconds);
  return print_summaries(options, project, summary, mean_inputs);
}

} // namespace zkbench::bench
