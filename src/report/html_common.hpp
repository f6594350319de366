#pragma once
// Helpers shared by the report's HTML pages (internal to src/report/html_*.cpp).

#include <optional>
#include <string>
#include <string_view>

#include "report/html_report.hpp"

namespace zkbench::report::html {

/// `text` escaped for HTML text and attribute values (&, <, >, ", ').
std::string esc(std::string_view text);

/// "-6.5 %" / "+1.2 %"; "—" when absent.
std::string pct(std::optional<double> value);
/// "[-8.1, -4.9] %"; "" when either bound is absent.
std::string pct_interval(std::optional<double> low, std::optional<double> high);
/// A mean with its CI and unit: "262.00 s ± [258.50, 265.50] (n = 10)".
std::string estimate_text(const Estimate& estimate, std::string_view unit);
/// "42 s", "3 min 5 s", "2 h 10 min".
std::string duration_text(double seconds);
/// The data-value of a sortable cell: the number, or "" (sorted last) when absent.
std::string sort_value(std::optional<double> value);

/// "verdict verdict-keep" etc.: the CSS classes that colour a verdict badge.
std::string verdict_class(core::Outcome verdict, bool regression);
/// <span class="verdict ...">KEEP</span>, the status ("running", "planned", ...) for none.
/// `regression`: the slowdown was established (established_regression).
std::string verdict_badge(core::Outcome verdict, bool regression, core::ExperimentStatus status);

/// <!doctype html> ... <body>: title, style.css under `root` ("" or "../"), no favicon request, the
/// refresh meta when asked.
std::string page_head(std::string_view title, std::string_view root, AutoRefresh refresh);
/// The sorting script and </body></html>.
std::string page_tail();

} // namespace zkbench::report::html
