// The report's shared pieces: style.css, the table-sorting script, page head and tail, formatting.
#include <cmath>

#include <fmt/format.h>

#include "report/figures.hpp"
#include "report/html_common.hpp"
#include "report/svg/svg_writer.hpp"

namespace zkbench::report {

const std::string& report_css() {
  // System fonts only: the report must render offline, without fetching anything.
  static const std::string k_css = R"css(:root { --fg: #24292f; --muted: #57606a; --line: #d0d7de; --bg: #ffffff; --panel: #f6f8fa;
  --keep: #1a7f37; --bad: #cf222e; --neutral: #6e7781; --maybe: #bf8700; --running: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { padding: 16px 24px; border-bottom: 1px solid var(--line); background: var(--panel); }
header h1 { margin: 0; font-size: 20px; }
header nav a { margin-right: 12px; }
main { padding: 8px 24px 48px; max-width: 1200px; }
section { margin-top: 24px; }
h2 { font-size: 17px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
a { color: var(--running); text-decoration: none; }
a:hover { text-decoration: underline; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 160px; background: var(--panel); }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 20px; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.sortable th { cursor: pointer; user-select: none; white-space: nowrap; }
table.sortable th::after { content: " \2195"; color: var(--line); }
table.sortable th[aria-sort="ascending"]::after { content: " \2191"; color: var(--fg); }
table.sortable th[aria-sort="descending"]::after { content: " \2193"; color: var(--fg); }
.verdict { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px; font-weight: 600; }
.verdict-keep { background: var(--keep); }
.verdict-regression { background: var(--bad); }
.verdict-discard { background: var(--neutral); }
.verdict-maybe { background: var(--maybe); }
.verdict-running { background: var(--running); }
.verdict-none { background: var(--line); color: var(--fg); }
.better { color: var(--keep); }
.worse { color: var(--bad); }
.chart { width: 100%; max-width: 900px; height: auto; border: 1px solid var(--line); border-radius: 6px; background: #fff; overflow: hidden; }
.chart svg { display: block; width: 100%; height: auto; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 12px; }
.charts img { width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px; overflow-x: auto; font-size: 12px; }
pre.log { max-height: 360px; overflow-y: auto; }
pre.wrap { white-space: pre-wrap; overflow-wrap: anywhere; overflow-x: visible; }
progress { width: 320px; height: 14px; }
.muted { color: var(--muted); }
table.matrix { width: auto; }
.matrix td, .matrix th { text-align: center; min-width: 90px; }
.matrix td.conflict { background: #ffebe9; }
.matrix td.compatible { background: #dafbe1; }
dl.env { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; }
dl.env dt { color: var(--muted); }
dl.env dd { margin: 0; font-family: ui-monospace, monospace; }
footer { color: var(--muted); font-size: 12px; padding: 16px 24px; }
)css";
  return k_css;
}

namespace html {

namespace {

// Sorts the rows of every table.sortable by the clicked column: numbers by data-value (empty last),
// text with localeCompare; clicking again reverses. aria-sort records the state (and drives the arrows).
constexpr const char* k_sort_script = R"js(<script>
(function () {
  function key(row, col) {
    var cell = row.cells[col];
    return cell ? (cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim()) : "";
  }
  function sortBy(table, col, th) {
    var body = table.tBodies[0];
    var numeric = th.getAttribute("data-type") === "number";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, col), y = key(b, col);
      if (numeric) {
        if (x === "" || y === "") { return (x === "") - (y === ""); }
        return ascending ? Number(x) - Number(y) : Number(y) - Number(x);
      }
      return ascending ? x.localeCompare(y) : y.localeCompare(x);
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      th.tabIndex = 0;
      th.addEventListener("click", function () { sortBy(table, col, th); });
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sortBy(table, col, th); } });
    });
  });
})();
</script>
)js";

} // namespace

std::string esc(std::string_view text) { return svg::escape_xml(text); }

std::string pct(std::optional<double> value) {
  if (!value || !std::isfinite(*value)) {
    return "—";
  }
  return fmt::format("{:+.1f} %", *value);
}

std::string duration_text(double seconds) {
  const auto total = static_cast<long long>(seconds);
  if (total < 60) {
    return fmt::format("{} s", total);
  }
  if (total < 3600) {
    return fmt::format("{} min {} s", total / 60, total % 60);
  }
  return fmt::format("{} h {} min", total / 3600, (total % 3600) / 60);
}

std::string pct_interval(std::optional<double> low, std::optional<double> high) {
  if (!low || !high) {
    return "";
  }
  return fmt::format("[{:+.1f}, {:+.1f}] %", *low, *high);
}

std::string estimate_text(const Estimate& estimate, std::string_view unit) {
  // The unit-aware formatter `run` and compare use: "42.1 ms", "6,221,280 cycles".
  const auto figure = [unit](double value) { return esc(format_metric("", value, unit)); };
  std::string text = figure(estimate.mean);
  if (estimate.ci_low && estimate.ci_high) {
    text += fmt::format(" <span class=\"muted\">[{}, {}]</span>", figure(*estimate.ci_low), figure(*estimate.ci_high));
  }
  return text + fmt::format(" <span class=\"muted\">n = {}</span>", estimate.n);
}

std::string sort_value(std::optional<double> value) {
  return value && std::isfinite(*value) ? fmt::format("{}", *value) : "";
}

std::string verdict_class(core::Outcome verdict, bool regression) {
  switch (verdict_kind(verdict, regression)) {
  case svg::Verdict::improvement:
    return "verdict verdict-keep";
  case svg::Verdict::regression:
    return "verdict verdict-regression";
  case svg::Verdict::no_change:
    return "verdict verdict-discard";
  case svg::Verdict::inconclusive:
    return "verdict verdict-maybe";
  case svg::Verdict::running:
    break;
  }
  return "verdict verdict-running";
}

std::string verdict_badge(core::Outcome verdict, bool regression, core::ExperimentStatus status) {
  if (verdict == core::Outcome::none) {
    const bool running = status == core::ExperimentStatus::running;
    return fmt::format("<span class=\"verdict {}\">{}</span>", running ? "verdict-running" : "verdict-none",
                       core::to_string(status));
  }
  return fmt::format("<span class=\"{}\">{}</span>", verdict_class(verdict, regression), core::to_string(verdict));
}

std::string page_head(std::string_view title, std::string_view root, AutoRefresh refresh) {
  std::string out = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  if (refresh == AutoRefresh::every_30s) {
    out += "<meta http-equiv=\"refresh\" content=\"30\">\n";
  }
  out += fmt::format("<title>{}</title>\n<link rel=\"icon\" href=\"data:,\">\n"
                     "<link rel=\"stylesheet\" href=\"{}style.css\">\n</head>\n<body>\n",
                     esc(title), root);
  return out;
}

std::string page_tail() {
  return std::string("<footer>generated by zkbench " ZKBENCH_VERSION "</footer>\n") + k_sort_script +
         "</body>\n</html>\n";
}

} // namespace html
} // namespace zkbench::report
