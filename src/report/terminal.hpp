#pragma once
// The summary as hyperfine prints it, with zkbench's extra figures, as text for the cli to print.
// Pure: returns strings.

#include <optional>
#include <span>
#include <string>

#include "core/run.hpp"
#include "report/summary.hpp"
#include "report/time_unit.hpp"

namespace zkbench::report {

/// "Benchmark N: <name>" (N is 1-based).
std::string format_benchmark_header(std::size_t index, const core::Benchmark& bench);

/// The figures of one benchmark, as hyperfine prints them, then zkbench's:
///   Time (mean ± σ):     102.3 ms ±   1.6 ms    [User: 1.1 ms, System: 0.0 ms]
///   Range (min … max):   101.3 ms … 104.1 ms    3 runs
///   Median: 102.0 ms, CV: 1.6%, Peak memory: 3.2 MiB
///   steps: median 1,234,567 (min 1,234,560 … max 1,234,570)
/// then lines for timed-out and failed runs, missing metrics, and warnings (outliers, CV > 10%).
std::string format_benchmark_summary(const core::Benchmark& bench, TimeUnit unit);

/// hyperfine's relative-speed summary for several benchmarks, against `reference` (an index) or the
/// fastest: "Summary\n  a ran\n    1.50 ± 0.10 times faster than b\n" ("times slower than" for one
/// faster than a reference, "As fast (1.00 ± 0.00) as" for an equal mean), ordered by mean; with
/// SortOrder::command hyperfine's "Relative speed comparison" lines in input order. Empty when fewer
/// than two benchmarks have runs.
std::string format_relative_summary(std::span<const core::Benchmark> benchmarks,
                                    std::optional<std::size_t> reference = std::nullopt,
                                    SortOrder sort = SortOrder::automatic);

/// A metric value for people: integers with thousands separators ("1,234,567"), others with 4
/// significant digits.
std::string format_metric_value(double value);

} // namespace zkbench::report
