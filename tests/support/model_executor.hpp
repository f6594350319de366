#pragma once
// A measure::Executor that plays a whole workflow project without running anything: builds succeed, the
// correctness command prints a state root, the verifier passes or fails, generators write their input,
// and the benchmark command "runs" for a time drawn from a model (per input, per side, with noise, a cold
// first run, drift and outliers; optionally heavy-tailed noise and machine load: bursts, anti-correlated
// hits within a round, contention episodes) and prints "steps: N". The side is told by the working folder: the
// candidate's worktree (.zkbench/worktrees/NNN-*, compound-*) or the baseline's (the project root, or
// .zkbench/worktrees/baseline-*). Used by the workflow's unit tests and by bench/verdicts, so the
// simulation drives the workflow's own code.
//
// It is also the machine as the contention gate sees it (measure::LoadSource and util::WaitClock over the
// model's virtual clock): a burst, hit or episode the gate can see (ModelLoad::visible) is a foreign
// process busy on one core while it lasts; the rest slows runs unseen (another VM, a throttled clock).
// Bursts and episodes last a time (their runs' worth), so a gate that waits sees them end.

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "measure/contention.hpp"
#include "measure/executor.hpp"
#include "util/wait_clock.hpp"

namespace zkbench::test {

enum class ModelSide { baseline, candidate };

struct ModelCall {
  std::string text;
  ModelSide side = ModelSide::baseline;
  std::string kind; // "build", "correctness", "verify", "generate", "bench", "other"
  std::string input;   // bench: the input's name
  double seconds = 0;  // bench: the time the run took
};

/// The shape of the run-to-run noise, scaled so that its standard deviation is the model's `cv`.
enum class ModelNoise {
  normal,        // time x (1 + cv N(0,1))
  student_t3,    // time x exp(cv / sqrt(3) t3): heavy tails on both sides
  lognormal_mix, // time x lognormal(cv); one run in ten is slower by lognormal(ln 1.2, 0.1), whatever the cv
};

/// Load on the machine: a process over the benchmark runs in the order they execute (every side and
/// input), so a burst falls on whichever side runs then. Zero probabilities: no load.
struct ModelLoad {
  double burst_start = 0;     // per run: probability that a burst begins (none running)
  int burst_max_runs = 10;    // a burst lasts 1..this runs (across round boundaries: A B | B A)
  double burst_min = 0.1;     // slowdown while it lasts, uniform in [min, max]
  double burst_max = 0.5;
  double exclusive = 0;       // per round (two consecutive runs): one of them, either, is slowed
  double exclusive_min = 0.1; // ... by this much (uniform in [min, max]): anti-correlates the round's sides
  double exclusive_max = 0.5;
  double episode_start = 0;   // per run: probability that a contention episode begins (none running)
  int episode_min_runs = 5;   // an episode lasts this many runs ...
  int episode_max_runs = 20;
  double episode_min = 0.2;   // ... slowed by 20-100%
  double episode_max = 1.0;
  double visible = 0;         // probability that a burst, hit or episode is foreign CPU load the gate sees
  // A command that runs the program itself (one process: measure/cpu_wait.hpp): this share of the load's
  // slowdown of each run is its wait for a CPU, reported as the run's cpu_wait_s (zkbench then judges the
  // unloaded time, wall less wait); the rest stays in the time as in its CPU time. nullopt: the CPU wait is
  // not known (a multi-threaded prover, a shell pipeline), as the executor reports for those.
  std::optional<double> wait_share;
};

class ModelExecutor : public measure::Executor, public measure::LoadSource, public util::WaitClock {
public:
  // The model. Times are seconds of the virtual clock, which advances by every benchmark run.
  std::map<std::string, double> input_seconds;     // by input name (the file name's stem); default 1 s
  double candidate_factor = 1.0;                   // true effect: candidate time = base x factor
  double cv = 0.01;                                // run-to-run noise (normal, relative)
  double cold_first = 1.0;                         // the first execution of each side and input takes x this
  bool cold_first_side_only = false;               // ... only the first of each input, whichever side runs first
  ModelNoise noise = ModelNoise::normal;
  ModelLoad load;
  double drift_step = 0.0;                         // relative slowdown once `drift_after_s` has passed
  double drift_after_s = 1e300;
  double drift_per_hour = 0.0;                     // slow linear drift, relative per hour of virtual time
  double outlier_probability = 0.0;                // a run takes x outlier_factor
  double outlier_factor = 3.0;
  std::map<ModelSide, std::string> state_root{{ModelSide::baseline, "root-ok"}, {ModelSide::candidate, "root-ok"}};
  std::map<ModelSide, double> steps{{ModelSide::baseline, 1000}, {ModelSide::candidate, 1000}};
  double steps_cv = 0;                             // the steps figure's own noise (a metric that is not exact)
  std::size_t steps_until = SIZE_MAX;              // benchmark runs after this many (all inputs) print no steps
  std::optional<double> candidate_cv;              // the candidate's noise, when it differs from `cv`
  std::map<ModelSide, double> correctness_seconds{{ModelSide::baseline, 0.001}, {ModelSide::candidate, 0.001}};
  std::map<ModelSide, bool> verify_ok{{ModelSide::baseline, true}, {ModelSide::candidate, true}};
  std::function<bool(const ModelCall&)> interrupt_when; // marks the execution interrupted (a Ctrl-C)
  /// One build per commit (bisect's simulation): by the name of the worktree folder a benchmark runs in
  /// (".zkbench/worktrees/<name>"), the factor on its time and its steps, in place of candidate_factor and
  /// `steps`.
  struct CommitModel {
    double factor = 1.0;
    double steps = 1000;
  };
  std::map<std::string, CommitModel> commits;

  explicit ModelExecutor(std::uint64_t seed = 1) : m_rng(seed), m_load_rng(seed ^ 0x9e3779b97f4a7c15ULL) {}

  std::vector<ModelCall> calls;
  double clock_s = 0;

  static ModelSide side_of(const measure::CommandSpec& spec) {
    const std::string dir = spec.working_dir ? spec.working_dir->string() : std::string();
    const bool worktree = dir.find("/.zkbench/worktrees/") != std::string::npos;
    return worktree && dir.find("/worktrees/baseline-") == std::string::npos ? ModelSide::candidate
                                                                             : ModelSide::baseline;
  }

  static std::string kind_of(const std::string& text) {
    if (text.rfind("build", 0) == 0) {
      return "build";
    }
    if (text.find("2>/dev/null") != std::string::npos) {
      return "correctness";
    }
    if (text.rfind("verify", 0) == 0) {
      return "verify";
    }
    if (text.rfind("gen", 0) == 0) {
      return "generate";
    }
    if (text.rfind("prog", 0) == 0) {
      return "bench";
    }
    return "other";
  }

  std::size_t count(const std::string& kind, std::optional<ModelSide> side = std::nullopt) const {
    std::size_t n = 0;
    for (const ModelCall& call : calls) {
      n += call.kind == kind && (!side || call.side == *side) ? 1 : 0;
    }
    return n;
  }

  Result<measure::ExecutionResult> execute(const measure::CommandSpec& spec, const measure::ExecutionOptions& options) override {
    ModelCall call{spec.text, side_of(spec), kind_of(spec.text), {}, 0.0};
    calls.push_back(call);
    measure::ExecutionResult r;
    r.exit_code = 0;
    r.wall_s = 0.001;
    if (call.kind == "correctness") {
      r.output = state_root[call.side] + "\n";
      if (options.timeout_s && correctness_seconds[call.side] > *options.timeout_s) {
        r.status = core::RunStatus::timed_out;
        r.exit_code.reset();
        r.signal = 9;
        r.output.clear();
      }
    } else if (call.kind == "verify") {
      if (!verify_ok[call.side]) {
        r.status = core::RunStatus::failed;
        r.exit_code = 1;
        r.output = "verifying proof\nerror: proof does not verify";
      }
    } else if (call.kind == "generate") {
      // "gen <seed> > <output>": write the seed to the output path given after '>'.
      const auto at = spec.text.find('>');
      std::string path = spec.text.substr(at + 1);
      path.erase(0, path.find_first_not_of(" '"));
      path.erase(path.find_last_not_of(" '") + 1);
      std::filesystem::path file(path);
      if (file.is_relative() && spec.working_dir) {
        file = *spec.working_dir / file;
      }
      std::ofstream(file) << spec.text << "\n";
    } else if (call.kind == "bench") {
      const std::string input = input_of(spec.text);
      call.input = input;
      double t = input_seconds.count(input) > 0 ? input_seconds.at(input) : 1.0;
      const std::string folder = spec.working_dir ? spec.working_dir->filename().string() : std::string();
      const auto commit = commits.find(folder);
      if (commit != commits.end()) {
        t *= commit->second.factor;
      } else if (call.side == ModelSide::candidate) {
        t *= candidate_factor;
      }
      const std::string key = cold_first_side_only ? input : input + (call.side == ModelSide::candidate ? "#c" : "#b");
      if (m_seen[key]++ == 0) {
        t *= cold_first;
      }
      t *= 1.0 + (clock_s >= drift_after_s ? drift_step : 0.0) + drift_per_hour * clock_s / 3600.0;
      t *= noise_factor(call.side == ModelSide::candidate && candidate_cv ? *candidate_cv : cv);
      if (outlier_probability > 0 && std::uniform_real_distribution<double>(0, 1)(m_rng) < outlier_probability) {
        t *= outlier_factor;
      }
      const double base_t = input_seconds.count(input) > 0 ? input_seconds.at(input) : 1.0;
      bool seen = false;
      const double unloaded_t = t;
      t *= load_factor(base_t, seen);
      double wait_s = load.wait_share ? *load.wait_share * (t - unloaded_t) : 0.0;
      if (options.timeout_s && t > *options.timeout_s) {
        r.status = core::RunStatus::timed_out;
        r.exit_code.reset();
        r.signal = 9;
        wait_s *= *options.timeout_s / t;
        t = *options.timeout_s;
      }
      if (load.wait_share) {
        r.cpu_wait_s = wait_s;
      }
      m_own_s += t - wait_s; // the run is CPU-bound: one core of zkbench's child, but while it waited
      m_busy_ticks += t * k_ticks_per_s;
      if (seen) {
        m_foreign_ticks += t * k_ticks_per_s;
        m_busy_ticks += t * k_ticks_per_s;
      }
      clock_s += t;
      r.wall_s = t;
      r.user_s = t - wait_s;
      double n_steps = commit != commits.end() ? commit->second.steps : steps[call.side];
      if (steps_cv > 0) {
        n_steps *= 1.0 + std::normal_distribution<double>(0.0, steps_cv)(m_rng);
      }
      r.output = count("bench") > steps_until ? "no figures\n"
                                              : "steps: " + std::to_string(static_cast<long long>(n_steps)) + "\n";
      calls.back().input = input;
      calls.back().seconds = t;
    }
    r.output_bytes = r.output.size();
    if (interrupt_when && interrupt_when(call)) {
      r.interrupted = true;
    }
    return r;
  }

  // --- measure::LoadSource: the machine's CPU over the virtual clock
  std::optional<std::uint64_t> busy_ticks() override { return static_cast<std::uint64_t>(m_busy_ticks); }
  long ticks_per_second() override { return static_cast<long>(k_ticks_per_s); }
  double own_cpu_s() override { return m_own_s; }
  std::vector<measure::ProcSample> processes() override {
    std::vector<measure::ProcSample> out{{k_self_pid, 1, "zkbench", static_cast<std::uint64_t>(m_own_s * k_ticks_per_s)}};
    if (m_foreign_ticks > 0) {
      out.push_back({k_self_pid + 1000, 1, "load", static_cast<std::uint64_t>(m_foreign_ticks)});
    }
    return out;
  }
  int self_pid() override { return k_self_pid; }
  std::vector<measure::GpuProcess> gpu_processes() override { return {}; }

  // --- util::WaitClock: waiting is the machine running on (a visible burst or episode keeps a core busy)
  double now_s() override { return clock_s; }
  void sleep_for(double seconds) override {
    const double end = clock_s + seconds;
    double busy_s = 0;
    if (m_burst_visible) {
      busy_s = std::max(busy_s, std::min(end, m_burst_end_s) - clock_s);
    }
    if (m_episode_visible) {
      busy_s = std::max(busy_s, std::min(end, m_episode_end_s) - clock_s);
    }
    busy_s = std::max(0.0, busy_s);
    m_foreign_ticks += busy_s * k_ticks_per_s;
    m_busy_ticks += busy_s * k_ticks_per_s;
    clock_s = end;
  }

private:
  static constexpr double k_ticks_per_s = 100;
  static constexpr int k_self_pid = 100;

  double noise_factor(double sd) {
    switch (noise) {
    case ModelNoise::normal:
      break;
    case ModelNoise::student_t3:
      return std::exp(sd / std::sqrt(3.0) * std::student_t_distribution<double>(3.0)(m_rng));
    case ModelNoise::lognormal_mix: {
      const double sigma = std::sqrt(std::log(1.0 + sd * sd));
      double f = std::exp(sigma * std::normal_distribution<double>(0.0, 1.0)(m_rng) - sigma * sigma / 2);
      if (std::uniform_real_distribution<double>(0, 1)(m_rng) < 0.1) {
        f *= std::exp(std::normal_distribution<double>(std::log(1.2), 0.1)(m_rng));
      }
      return f;
    }
    }
    std::normal_distribution<double> normal(0.0, sd);
    return std::max(0.05, 1.0 + normal(m_rng));
  }

  // The load's slowdown of the next benchmark run (1: none), of `base_t` seconds unslowed; `seen`: a load
  // the contention gate can see is on during it. Draws nothing without load.
  double load_factor(double base_t, bool& seen) {
    const std::size_t index = m_bench_runs++;
    const auto uniform = [this](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(m_load_rng); };
    const auto visible = [&] { return load.visible > 0 && uniform(0, 1) < load.visible; };
    double f = 1.0;
    if (load.burst_start > 0) {
      if (clock_s >= m_burst_end_s && uniform(0, 1) < load.burst_start) {
        const int runs = std::uniform_int_distribution<int>(1, std::max(1, load.burst_max_runs))(m_load_rng);
        m_burst_end_s = clock_s + runs * base_t;
        m_burst_slow = uniform(load.burst_min, load.burst_max);
        m_burst_visible = visible();
      }
      if (clock_s < m_burst_end_s) {
        f *= 1.0 + m_burst_slow;
        seen = seen || m_burst_visible;
      }
    }
    if (load.exclusive > 0) {
      if (index % 2 == 0) {
        m_exclusive_hit = uniform(0, 1) < load.exclusive ? index + (uniform(0, 1) < 0.5 ? 0 : 1) : SIZE_MAX;
        m_exclusive_slow = uniform(load.exclusive_min, load.exclusive_max);
        m_exclusive_visible = visible();
      }
      if (index == m_exclusive_hit) {
        f *= 1.0 + m_exclusive_slow;
        seen = seen || m_exclusive_visible;
      }
    }
    if (load.episode_start > 0) {
      if (clock_s >= m_episode_end_s && uniform(0, 1) < load.episode_start) {
        const int runs = std::uniform_int_distribution<int>(load.episode_min_runs,
                                                            std::max(load.episode_min_runs, load.episode_max_runs))(m_load_rng);
        m_episode_end_s = clock_s + runs * base_t;
        m_episode_slow = uniform(load.episode_min, load.episode_max);
        m_episode_visible = visible();
      }
      if (clock_s < m_episode_end_s) {
        f *= 1.0 + m_episode_slow;
        seen = seen || m_episode_visible;
      }
    }
    return f;
  }

  // "prog '/x/inputs/a.txt'" -> "a"
  static std::string input_of(const std::string& text) {
    std::string path = text.substr(text.find(' ') + 1);
    path.erase(0, path.find_first_not_of(" '"));
    path.erase(path.find_last_not_of(" '") + 1);
    return std::filesystem::path(path).stem().string();
  }

  std::mt19937_64 m_rng;
  std::mt19937_64 m_load_rng;
  std::map<std::string, int> m_seen;
  std::size_t m_bench_runs = 0;
  double m_burst_end_s = -1;
  double m_burst_slow = 0;
  bool m_burst_visible = false;
  std::size_t m_exclusive_hit = SIZE_MAX;
  double m_exclusive_slow = 0;
  bool m_exclusive_visible = false;
  double m_episode_end_s = -1;
  double m_episode_slow = 0;
  bool m_episode_visible = false;
  double m_own_s = 0;
  double m_busy_ticks = 0;
  double m_foreign_ticks = 0;
};

} // namespace zkbench::test
