// --export-markdown: hyperfine's table (mean ± stddev, min, max, relative), in one unit for the table.
#include <fmt/format.h>

#include "report/exporter.hpp"
#include "report/summary.hpp"

namespace zkbench::report {

namespace {

class MarkdownExporter : public Exporter {
public:
  std::string serialize(std::span<const core::Benchmark> benchmarks, TimeUnit unit) const override {
    std::vector<BenchmarkSummary> summaries;
    for (const core::Benchmark& bench : benchmarks) {
      summaries.push_back(summarize_benchmark(bench));
    }
    // hyperfine picks the table's unit from the first result.
    const TimeUnit table_unit = resolve_unit(unit, summaries.empty() ? 0.0 : summaries.front().wall.mean);
    const char* suffix = unit_suffix(table_unit);
    std::string out = fmt::format("| Command | Mean [{0}] | Min [{0}] | Max [{0}] | Relative |\n", suffix);
    out += "|:---|---:|---:|---:|---:|\n";
    const auto speeds = relative_speeds(summaries);
    for (std::size_t i = 0; i < benchmarks.size(); ++i) {
      const stats::Summary& wall = summaries[i].wall;
      std::string relative = "1.00";
      for (const RelativeSpeed& speed : speeds) {
        if (speed.index == i && !speed.fastest) {
          relative = speed.ratio_stddev ? fmt::format("{:.2f} ± {:.2f}", speed.ratio, *speed.ratio_stddev)
                                        : fmt::format("{:.2f}", speed.ratio);
        }
      }
      out += fmt::format("| `{}` | {} ± {} | {} | {} | {} |\n", benchmarks[i].display_name(),
                         format_number_in(wall.mean, table_unit), format_number_in(wall.stddev, table_unit),
                         format_number_in(wall.min, table_unit), format_number_in(wall.max, table_unit), relative);
    }
    return out;
  }
};

} // namespace

std::unique_ptr<Exporter> make_markdown_exporter() {
  return std::make_unique<MarkdownExporter>();
}

} // namespace zkbench::report
