// --export-markdown, --export-asciidoc, --export-orgmode: hyperfine's table (mean ± stddev, min, max,
// relative) in one unit, with one small dialect per format (hyperfine's export/markup.rs).
#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "report/exporter.hpp"
#include "report/summary.hpp"
#include "util/strings.hpp"

namespace zkbench::report {

namespace {

// How one markup language writes a table with a left-aligned first column and four right-aligned ones.
struct Dialect {
  std::string (*header)();
  std::string (*row)(const std::vector<std::string>& cells);
  std::string (*divider)();
  std::string (*footer)();
  std::string (*code)(const std::string& text);
};

std::string nothing() { return {}; }

std::string markdown_row(const std::vector<std::string>& cells) {
  return "| " + util::join(cells, " | ") + " |\n";
}

std::string asciidoc_row(const std::vector<std::string>& cells) {
  return "\n| " + util::join(cells, " \n| ") + " \n";
}

std::string orgmode_row(const std::vector<std::string>& cells) {
  const std::vector<std::string> rest(cells.begin() + 1, cells.end());
  return "| " + cells.front() + "  |  " + util::join(rest, " |  ") + " |\n";
}

const Dialect k_markdown{nothing, markdown_row, [] { return std::string("|:---|---:|---:|---:|---:|\n"); }, nothing,
                         [](const std::string& text) { return "`" + text + "`"; }};
const Dialect k_asciidoc{[] { return std::string("[cols=\"<,>,>,>,>\"]\n|==="); }, asciidoc_row, nothing,
                         [] { return std::string("|===\n"); }, [](const std::string& text) { return "`" + text + "`"; }};
const Dialect k_orgmode{nothing, orgmode_row, [] { return std::string("|--+--+--+--+--|\n"); }, nothing,
                        [](const std::string& text) { return "=" + text + "="; }};

class MarkupExporter : public Exporter {
public:
  MarkupExporter(const Dialect& dialect, TableOrder order) : m_dialect(dialect), m_order(std::move(order)) {}

  std::string serialize(std::span<const core::Benchmark> benchmarks, TimeUnit unit) const override {
    std::vector<BenchmarkSummary> summaries;
    for (const core::Benchmark& bench : benchmarks) {
      summaries.push_back(summarize_benchmark(bench));
    }
    // hyperfine picks the table's unit from the first result.
    const TimeUnit table_unit = resolve_unit(unit, summaries.empty() ? 0.0 : summaries.front().wall.mean);
    const std::string notation = fmt::format("[{}]", unit_suffix(table_unit));
    std::string out = m_dialect.header();
    out += m_dialect.row({"Command", "Mean " + notation, "Min " + notation, "Max " + notation, "Relative"});
    out += m_dialect.divider();
    const auto speeds = relative_speeds(summaries, m_order.reference);
    std::vector<std::size_t> order(benchmarks.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    if (m_order.sort == SortOrder::mean_time) {
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return summaries[a].wall.mean < summaries[b].wall.mean; });
    }
    for (const std::size_t i : order) {
      const stats::Summary& wall = summaries[i].wall;
      std::string relative = "1.00";
      for (const RelativeSpeed& speed : speeds) {
        if (speed.index == i && !speed.base) {
          relative = speed.ratio_stddev ? fmt::format("{:.2f} ± {:.2f}", speed.ratio, *speed.ratio_stddev)
                                        : fmt::format("{:.2f}", speed.ratio);
        }
      }
      std::string command; // a '|' would end the cell
      for (const char c : benchmarks[i].display_name()) {
        command += c == '|' ? std::string("\\|") : std::string(1, c);
      }
      out += m_dialect.row({m_dialect.code(command),
                            format_number_in(wall.mean, table_unit) + " ± " + format_number_in(wall.stddev, table_unit),
                            format_number_in(wall.min, table_unit), format_number_in(wall.max, table_unit), relative});
    }
    out += m_dialect.footer();
    return out;
  }

private:
  const Dialect& m_dialect;
  TableOrder m_order;
};

} // namespace

std::unique_ptr<Exporter> make_markdown_exporter(TableOrder order) {
  return std::make_unique<MarkupExporter>(k_markdown, std::move(order));
}

std::unique_ptr<Exporter> make_asciidoc_exporter(TableOrder order) {
  return std::make_unique<MarkupExporter>(k_asciidoc, std::move(order));
}

std::unique_ptr<Exporter> make_orgmode_exporter(TableOrder order) {
  return std::make_unique<MarkupExporter>(k_orgmode, std::move(order));
}

} // namespace zkbench::report
