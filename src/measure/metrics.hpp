#pragma once
// Figures a run reports about itself: `--metric NAME=REGEX` reads a number from the run's output
// (stdout+stderr), `--metric-file NAME=PATH` records a file's size after the run (e.g. the proof).

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace re2 {
class RE2;
}

namespace zkbench::measure {

/// A metric read from the output with an RE2 regular expression with exactly one capture group.
struct MetricSpec {
  std::string name;
  std::string pattern;
  std::shared_ptr<const re2::RE2> regex; // compiled `pattern`; shared so specs copy cheaply
};

/// A metric that is the size in bytes of a file after each run.
struct MetricFileSpec {
  std::string name;
  std::filesystem::path path;
};

/// True for a usable metric name: a letter or '_' first, then letters, digits, '_', '-', '.'.
bool is_valid_metric_name(std::string_view name);

/// Parses "NAME=REGEX" (split at the first '='). Errors, each naming the argument: no '='; a bad
/// name; an invalid regex (with RE2's message); not exactly one capture group.
Result<MetricSpec> parse_metric_spec(std::string_view argument);

/// Parses "NAME=PATH". Errors: no '='; a bad name; an empty path.
Result<MetricFileSpec> parse_metric_file_spec(std::string_view argument);

/// The metric's value in `output`: the capture of the LAST match whose capture is a number
/// (util::parse_number, so "1,234,567" reads as 1234567). Tools print running figures first and final
/// ones last, so the last match is the run's result. nullopt when nothing matches.
/// Note: the executor keeps only the tail of a long output (capture_limit_bytes).
std::optional<double> extract_metric(const MetricSpec& spec, std::string_view output);

/// The size in bytes of `spec.path` (relative paths are taken from `base_dir` when given, else from
/// the current folder); nullopt when the file does not exist or is not a regular file.
std::optional<double> measure_metric_file(const MetricFileSpec& spec,
                                          const std::optional<std::filesystem::path>& base_dir = {});

/// Every metric of one run, by name: regex metrics from `output`, then file metrics. A missing value
/// is nullopt (the caller warns). Names are expected to be unique across both lists.
std::map<std::string, std::optional<double>> collect_metrics(
    const std::vector<MetricSpec>& specs, const std::vector<MetricFileSpec>& file_specs,
    std::string_view output, const std::optional<std::filesystem::path>& base_dir = {});

} // namespace zkbench::measure
