#include "core/run.hpp"

#include <set>

namespace zkbench::core {

const char* to_string(RunStatus status) {
  switch (status) {
  case RunStatus::success:
    return "success";
  case RunStatus::failed:
    return "failed";
  case RunStatus::signaled:
    return "signaled";
  case RunStatus::timed_out:
    return "timed_out";
  }
  return "unknown";
}

std::vector<double> Benchmark::wall_times() const {
  std::vector<double> out;
  out.reserve(runs.size());
  for (const Run& run : runs) {
    out.push_back(run.wall_s);
  }
  return out;
}

std::vector<double> Benchmark::user_times() const {
  std::vector<double> out;
  out.reserve(runs.size());
  for (const Run& run : runs) {
    out.push_back(run.user_s);
  }
  return out;
}

std::vector<double> Benchmark::system_times() const {
  std::vector<double> out;
  out.reserve(runs.size());
  for (const Run& run : runs) {
    out.push_back(run.system_s);
  }
  return out;
}

std::vector<double> Benchmark::metric_values(const std::string& metric) const {
  std::vector<double> out;
  for (const Run& run : runs) {
    const auto it = run.metrics.find(metric);
    if (it != run.metrics.end() && it->second) {
      out.push_back(*it->second);
    }
  }
  return out;
}

std::vector<std::string> Benchmark::metric_names() const {
  std::set<std::string> names;
  for (const Run& run : runs) {
    for (const auto& [metric, value] : run.metrics) {
      names.insert(metric);
    }
  }
  return {names.begin(), names.end()};
}

std::size_t Benchmark::contended_runs() const {
  std::size_t n = 0;
  for (const Run& run : runs) {
    n += run.contended() ? 1 : 0;
  }
  return n;
}

Benchmark Benchmark::uncontended() const {
  Benchmark out{command, name, parameters, {}};
  for (const Run& run : runs) {
    if (!run.contended()) {
      out.runs.push_back(run);
    }
  }
  return out;
}

std::vector<Benchmark> without_contended_rounds(const std::vector<Benchmark>& benchmarks) {
  std::set<std::size_t> contended;
  for (const Benchmark& bench : benchmarks) {
    for (std::size_t i = 0; i < bench.runs.size(); ++i) {
      if (bench.runs[i].contended()) {
        contended.insert(i);
      }
    }
  }
  std::vector<Benchmark> out;
  out.reserve(benchmarks.size());
  for (const Benchmark& bench : benchmarks) {
    Benchmark kept{bench.command, bench.name, bench.parameters, {}};
    for (std::size_t i = 0; i < bench.runs.size(); ++i) {
      if (contended.count(i) == 0) {
        kept.runs.push_back(bench.runs[i]);
      }
    }
    out.push_back(std::move(kept));
  }
  return out;
}

} // namespace zkbench::core
