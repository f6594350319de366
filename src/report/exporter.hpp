#pragma once
// Result exporters, one per format family and one file each (json_export.cpp, csv_export.cpp,
// markup_export.cpp: Markdown, AsciiDoc, org-mode), behind one interface as hyperfine's export/ and google/benchmark's reporters.

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "core/run.hpp"
#include "report/summary.hpp"
#include "report/time_unit.hpp"
#include "util/error.hpp"

namespace zkbench::report {

enum class ExportFormat { json, csv, markdown, asciidoc, orgmode };

class Exporter {
public:
  virtual ~Exporter() = default;
  /// The whole file's text for `benchmarks` (in order). `unit` only matters to formats for people.
  virtual std::string serialize(std::span<const core::Benchmark> benchmarks, TimeUnit unit) const = 0;
};

std::unique_ptr<Exporter> make_json_exporter();
std::unique_ptr<Exporter> make_csv_exporter();
/// The order and base of a markup table: rows in input order (or by mean with SortOrder::mean_time),
/// "Relative" against `reference` (an index) or the fastest.
struct TableOrder {
  SortOrder sort = SortOrder::automatic;
  std::optional<std::size_t> reference;
};

std::unique_ptr<Exporter> make_markdown_exporter(TableOrder order = {});
std::unique_ptr<Exporter> make_asciidoc_exporter(TableOrder order = {});
std::unique_ptr<Exporter> make_orgmode_exporter(TableOrder order = {});
std::unique_ptr<Exporter> make_exporter(ExportFormat format, TableOrder order = {});

enum class WithSummary { no, yes };

/// The hyperfine-schema object (keys in hyperfine's order) for one benchmark (seconds): command, mean, stddev, median, user, system,
/// min, max, times[], exit_codes[] (null for a signal), parameters{}, plus memory_usage_byte[],
/// timed_out[], metrics{name: [value|null per run]}; "command" is the name when -n gave one, and then
/// "command_line" holds the command. With WithSummary::yes also cv, mad, peak_memory_byte,
/// timed_out_count, failed_count, outliers and metrics_summary{name: {median, min, max, mean, missing}}.
nlohmann::ordered_json benchmark_json(const core::Benchmark& bench, WithSummary with_summary);

/// Checks before measuring that `path` can be written (creating it empty, as the export will), so a
/// typo does not waste a long benchmark. Error: "cannot write '<path>': <why>".
Result<void> check_writable(const std::filesystem::path& path);

/// Writes `text` to `path`. Error: "cannot write '<path>': <why>".
Result<void> write_text_file(const std::filesystem::path& path, const std::string& text);

} // namespace zkbench::report
