// --export-json: hyperfine's schema, extended per run with memory, timeouts and metrics.
#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "report/exporter.hpp"
#include "report/summary.hpp"
#include "util/text.hpp"

namespace zkbench::report {

namespace {

// JSON has no NaN: an empty benchmark's figures are written as null rather than as invalid JSON.
nlohmann::ordered_json number(double value) {
  return std::isfinite(value) ? nlohmann::ordered_json(value) : nlohmann::ordered_json(nullptr);
}

class JsonExporter : public Exporter {
public:
  std::string serialize(std::span<const core::Benchmark> benchmarks, TimeUnit /*unit*/) const override {
    nlohmann::ordered_json results = nlohmann::ordered_json::array();
    for (const core::Benchmark& bench : benchmarks) {
      results.push_back(benchmark_json(bench, WithSummary::no));
    }
    return util::json_text(nlohmann::ordered_json{{"results", results}}, 2) + "\n";
  }
};

} // namespace

nlohmann::ordered_json benchmark_json(const core::Benchmark& bench, WithSummary with_summary) {
  const BenchmarkSummary summary = summarize_benchmark(bench);
  nlohmann::ordered_json out;
  out["command"] = bench.display_name();
  if (bench.name) {
    out["command_line"] = bench.command;
  }
  out["mean"] = number(summary.wall.mean);
  out["stddev"] = number(summary.wall.n >= 2 ? summary.wall.stddev : std::nan(""));
  out["median"] = number(summary.wall.median);
  out["user"] = number(summary.user_mean);
  out["system"] = number(summary.system_mean);
  out["min"] = number(summary.wall.min);
  out["max"] = number(summary.wall.max);

  nlohmann::ordered_json times = nlohmann::ordered_json::array();
  nlohmann::ordered_json exit_codes = nlohmann::ordered_json::array();
  nlohmann::ordered_json memory = nlohmann::ordered_json::array();
  nlohmann::ordered_json timed_out = nlohmann::ordered_json::array();
  nlohmann::ordered_json containment = nlohmann::ordered_json::array();
  nlohmann::ordered_json cpu_wait = nlohmann::ordered_json::array();
  bool any_cpu_wait = false;
  for (const core::Run& run : bench.runs) {
    containment.push_back(core::to_string(run.containment));
    cpu_wait.push_back(run.cpu_wait_s ? nlohmann::ordered_json(*run.cpu_wait_s) : nlohmann::ordered_json(nullptr));
    any_cpu_wait = any_cpu_wait || run.cpu_wait_s.has_value();
    times.push_back(run.wall_s);
    exit_codes.push_back(run.exit_code ? nlohmann::ordered_json(*run.exit_code) : nlohmann::ordered_json(nullptr));
    memory.push_back(run.peak_rss_bytes);
    timed_out.push_back(run.timed_out());
  }
  out["times"] = times;
  out["exit_codes"] = exit_codes;
  out["parameters"] = nlohmann::ordered_json::object();
  for (const auto& [name, value] : bench.parameters) {
    out["parameters"][name] = value;
  }
  out["memory_usage_byte"] = memory;
  out["timed_out"] = timed_out;
  out["containment"] = containment; // per run: how its processes were held (cgroup-v2, cgroup-v1, process-group)
  if (any_cpu_wait) {
    out["cpu_wait"] = cpu_wait; // per run: seconds its process waited for a CPU (null: not known)
  }
  nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
  for (const std::string& name : bench.metric_names()) {
    nlohmann::ordered_json values = nlohmann::ordered_json::array();
    for (const core::Run& run : bench.runs) {
      const auto it = run.metrics.find(name);
      values.push_back(it != run.metrics.end() && it->second ? nlohmann::ordered_json(*it->second)
                                                             : nlohmann::ordered_json(nullptr));
    }
    metrics[name] = values;
  }
  out["metrics"] = metrics;
  // The contention gate's figures per run (zkbench's own keys), when it measured them: the foreign
  // load in cores (null: not measured) and whether the run was contended (excluded from verdicts).
  if (std::any_of(bench.runs.begin(), bench.runs.end(), [](const core::Run& run) { return run.contention.has_value(); })) {
    nlohmann::ordered_json foreign = nlohmann::ordered_json::array();
    nlohmann::ordered_json contended = nlohmann::ordered_json::array();
    for (const core::Run& run : bench.runs) {
      foreign.push_back(run.contention ? nlohmann::ordered_json(run.contention->foreign_cores)
                                       : nlohmann::ordered_json(nullptr));
      contended.push_back(run.contended());
    }
    out["foreign_cores"] = foreign;
    out["contended"] = contended;
  }

  if (with_summary == WithSummary::yes) {
    out["runs"] = summary.wall.n;
    out["cv"] = number(summary.wall.cv);
    out["mad"] = number(summary.wall.mad);
    out["peak_memory_byte"] = summary.peak_rss_max_bytes;
    out["timed_out_count"] = summary.timed_out;
    out["failed_count"] = summary.failed;
    out["outliers"] = summary.outliers;
    out["high_cv"] = summary.high_cv();
    nlohmann::ordered_json metric_summary = nlohmann::ordered_json::object();
    for (const MetricSummary& metric : summary.metrics) {
      metric_summary[metric.name] = {{"median", number(metric.summary.median)},
                                     {"min", number(metric.summary.min)},
                                     {"max", number(metric.summary.max)},
                                     {"mean", number(metric.summary.mean)},
                                     {"missing", metric.missing}};
    }
    out["metrics_summary"] = metric_summary;
  }
  return out;
}

std::unique_ptr<Exporter> make_json_exporter() {
  return std::make_unique<JsonExporter>();
}

} // namespace zkbench::report
