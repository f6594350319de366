#include "core/run.hpp"

#include <algorithm>
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

const char* to_string(Containment containment) {
  switch (containment) {
  case Containment::cgroup_v2:
    return "cgroup-v2";
  case Containment::cgroup_v1:
    return "cgroup-v1";
  case Containment::process_group:
    return "process-group";
  case Containment::unknown:
    break;
  }
  return "unknown";
}

std::optional<Containment> parse_containment(std::string_view text) {
  for (const Containment c :
       {Containment::unknown, Containment::cgroup_v2, Containment::cgroup_v1, Containment::process_group}) {
    if (text == to_string(c)) {
      return c;
    }
  }
  return std::nullopt;
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

std::string Benchmark::containments() const {
  std::string out;
  for (const Containment c : {Containment::cgroup_v2, Containment::cgroup_v1, Containment::process_group}) {
    if (std::any_of(runs.begin(), runs.end(), [c](const Run& run) { return run.containment == c; })) {
      out += (out.empty() ? "" : ", ") + std::string(to_string(c));
    }
  }
  return out;
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
