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

} // namespace zkbench::core
