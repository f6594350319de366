#pragma once
// A measure::Executor that plays a whole workflow project without running anything: builds succeed, the
// correctness command prints a state root, the verifier passes or fails, generators write their input,
// and the benchmark command "runs" for a time drawn from a model (per input, per side, with noise, a cold
// first run, drift and outliers) and prints "steps: N". The side is told by the working folder: the
// candidate's worktree (.zkbench/worktrees/NNN-*, compound-*) or the baseline's (the project root, or
// .zkbench/worktrees/baseline-*). Used by the workflow's unit tests and by bench/verdicts, so the
// simulation drives the workflow's own code.

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "measure/executor.hpp"

namespace zkbench::test {

enum class ModelSide { baseline, candidate };

struct ModelCall {
  std::string text;
  ModelSide side = ModelSide::baseline;
  std::string kind; // "build", "correctness", "verify", "generate", "bench", "other"
};

class ModelExecutor : public measure::Executor {
public:
  // The model. Times are seconds of the virtual clock, which advances by every benchmark run.
  std::map<std::string, double> input_seconds;     // by input name (the file name's stem); default 1 s
  double candidate_factor = 1.0;                   // true effect: candidate time = base x factor
  double cv = 0.01;                                // run-to-run noise (normal, relative)
  double cold_first = 1.0;                         // the first execution of each side and input takes x this
  double drift_step = 0.0;                         // relative slowdown once `drift_after_s` has passed
  double drift_after_s = 1e300;
  double drift_per_hour = 0.0;                     // slow linear drift, relative per hour of virtual time
  double outlier_probability = 0.0;                // a run takes x outlier_factor
  double outlier_factor = 3.0;
  std::map<ModelSide, std::string> state_root{{ModelSide::baseline, "root-ok"}, {ModelSide::candidate, "root-ok"}};
  std::map<ModelSide, double> steps{{ModelSide::baseline, 1000}, {ModelSide::candidate, 1000}};
  std::map<ModelSide, bool> verify_ok{{ModelSide::baseline, true}, {ModelSide::candidate, true}};
  std::function<bool(const ModelCall&)> interrupt_when; // marks the execution interrupted (a Ctrl-C)

  explicit ModelExecutor(std::uint64_t seed = 1) : m_rng(seed) {}

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
    ModelCall call{spec.text, side_of(spec), kind_of(spec.text)};
    calls.push_back(call);
    measure::ExecutionResult r;
    r.exit_code = 0;
    r.wall_s = 0.001;
    if (call.kind == "correctness") {
      r.output = state_root[call.side] + "\n";
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
      double t = input_seconds.count(input) > 0 ? input_seconds.at(input) : 1.0;
      if (call.side == ModelSide::candidate) {
        t *= candidate_factor;
      }
      const std::string key = input + (call.side == ModelSide::candidate ? "#c" : "#b");
      if (m_seen[key]++ == 0) {
        t *= cold_first;
      }
      t *= 1.0 + (clock_s >= drift_after_s ? drift_step : 0.0) + drift_per_hour * clock_s / 3600.0;
      std::normal_distribution<double> noise(0.0, cv);
      t *= std::max(0.05, 1.0 + noise(m_rng));
      if (outlier_probability > 0 && std::uniform_real_distribution<double>(0, 1)(m_rng) < outlier_probability) {
        t *= outlier_factor;
      }
      if (options.timeout_s && t > *options.timeout_s) {
        r.status = core::RunStatus::timed_out;
        r.exit_code.reset();
        r.signal = 9;
        t = *options.timeout_s;
      }
      clock_s += t;
      r.wall_s = t;
      r.user_s = t;
      r.output = "steps: " + std::to_string(static_cast<long long>(steps[call.side])) + "\n";
    }
    r.output_bytes = r.output.size();
    if (interrupt_when && interrupt_when(call)) {
      r.interrupted = true;
    }
    return r;
  }

private:
  // "prog '/x/inputs/a.txt'" -> "a"
  static std::string input_of(const std::string& text) {
    std::string path = text.substr(text.find(' ') + 1);
    path.erase(0, path.find_first_not_of(" '"));
    path.erase(path.find_last_not_of(" '") + 1);
    return std::filesystem::path(path).stem().string();
  }

  std::mt19937_64 m_rng;
  std::map<std::string, int> m_seen;
};

} // namespace zkbench::test
