#pragma once
// Figures for people, one formatter for every report (run's terminal summary, compare, the dashboard,
// verdict.md): a value of a named metric with its unit and a sensible number of digits, never
// "6.22128e+06" or "0.0420707 ± 0.00289197". Pure: returns strings.

#include <string>
#include <string_view>
#include <vector>

namespace zkbench::report {

/// What a metric's numbers are, from its declared unit ("s", "bytes", "cycles", …) or else its name:
/// "time", "wall", "user", "system" and names ending in "_s"/"_seconds" are seconds; names ending in
/// "_bytes", containing "size" or "memory" are bytes; anything else is a count.
enum class MetricKind { seconds, bytes, count };
MetricKind metric_kind(std::string_view metric, std::string_view unit = {});

/// One value of `metric` as `run` prints it: seconds "42.1 ms" / "1.234 s" / "512.0 µs"; bytes "3.2 MiB";
/// counts as integers with thousands separators from 1,000 on ("6,221,280"), else 4 significant digits
/// ("0.04207"), followed by a declared unit other than s/bytes ("1,234 cycles"). Not finite: "—".
std::string format_metric(std::string_view metric, double value, std::string_view unit = {});

/// "mean ± sd" of `metric`, both in the mean's format: "42.1 ms ± 2.9 ms".
std::string format_metric_spread(std::string_view metric, double mean, double stddev, std::string_view unit = {});

/// A plain-text table: the first row is the header; columns are padded to their widest cell counted in
/// characters (UTF-8 aware, so "±" and "µ" count once). Column 0 is left-aligned, the others right-aligned.
/// Each line starts with `indent`.
std::string format_text_table(const std::vector<std::vector<std::string>>& rows, std::string_view indent = "  ");

} // namespace zkbench::report
