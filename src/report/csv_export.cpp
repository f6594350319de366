// --export-csv: hyperfine's columns (seconds), then one parameter_<name> column per parameter.
#include <set>

#include <fmt/format.h>

#include "report/exporter.hpp"
#include "report/summary.hpp"

namespace zkbench::report {

namespace {

// RFC 4180: quote a field holding a comma, a quote or a line break; double the quotes inside.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) {
    return text;
  }
  std::string out = "\"";
  for (const char c : text) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  return out + "\"";
}

class CsvExporter : public Exporter {
public:
  std::string serialize(std::span<const core::Benchmark> benchmarks, TimeUnit /*unit*/) const override {
    std::set<std::string> parameter_names;
    for (const core::Benchmark& bench : benchmarks) {
      for (const auto& [name, value] : bench.parameters) {
        parameter_names.insert(name);
      }
    }
    std::string out = "command,mean,stddev,median,user,system,min,max";
    for (const std::string& name : parameter_names) {
      out += ",parameter_" + csv_field(name);
    }
    out += "\n";
    for (const core::Benchmark& bench : benchmarks) {
      const BenchmarkSummary s = summarize_benchmark(bench);
      // "{}" prints the shortest text that reads back as the same double, as hyperfine's Rust does.
      out += fmt::format("{},{},{},{},{},{},{},{}", csv_field(bench.display_name()), s.wall.mean, s.wall.stddev,
                         s.wall.median, s.user_mean, s.system_mean, s.wall.min, s.wall.max);
      for (const std::string& name : parameter_names) {
        const auto it = bench.parameters.find(name);
        out += "," + (it == bench.parameters.end() ? std::string() : csv_field(it->second));
      }
      out += "\n";
    }
    return out;
  }
};

} // namespace

std::unique_ptr<Exporter> make_csv_exporter() {
  return std::make_unique<CsvExporter>();
}

} // namespace zkbench::report
