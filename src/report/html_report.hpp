#pragma once
// The HTML report (seed 002 §6.1): index.html, style.css, data.json, charts/*.svg and
// experiments/NNN.html rendered from a Dashboard, self-contained (no network, fonts or external scripts;
// one small inline script sorts tables), so it works from file:// as well as from `zkbench serve`.
// Rendering is pure (render_report); write_report puts the files in place atomically.

#include <filesystem>
#include <string>
#include <vector>

#include "report/dashboard_model.hpp"
#include "util/error.hpp"

namespace zkbench::report {

/// One file of the report, its path relative to the report folder ("experiments/007.html").
struct ReportFile {
  std::string path;
  std::string content;
};

/// Whether pages reload themselves every 30 s (<meta http-equiv="refresh">): `zkbench serve` always,
/// `zkbench report` while something is running.
enum class AutoRefresh { off, every_30s };

/// The index page: overview, current run (when one is running), baseline with 95 % CIs, the trend chart
/// (inline SVG), the sortable experiments table, learnings, backlog, the conflicts matrix. All text is
/// HTML-escaped. Sortable tables carry class "sortable", headers data-type="number"|"text", and cells
/// data-value (the raw number, or the text) that the inline script sorts by.
std::string render_index(const Dashboard& dashboard, AutoRefresh refresh);

/// experiments/NNN.html: verdict, per-input table, each input's runs as a distribution plot (inline SVG),
/// the stopping trace (charts/NNN-stopping.svg), profile diff bars (charts/NNN-profile.svg), reasoning,
/// hypothesis and patch (escaped, in <pre>).
std::string render_experiment_page(const Dashboard& dashboard, const Experiment& experiment, AutoRefresh refresh);

/// The charts of one experiment kept as files ("charts/NNN-stopping.svg", "charts/NNN-profile.svg"), when
/// it has a stopping trace or a profile diff.
std::vector<ReportFile> experiment_charts(const Experiment& experiment);

/// bisect/NNN.html: one bisection (benchmarks/bisect/NNN/results.json): its answer, the range, the first
/// bad commit with its subject and diff stat, every step in probe order (the commit, its verdict, and each
/// comparison's change and interval), the skipped and unsettled commits, the confidence statement, and
/// the runs and time it used against a fixed `git bisect run`. A bisection not complete says so (running,
/// or interrupted: the same command resumes it).
std::string render_bisect_page(const core::BisectRecord& bisection, AutoRefresh refresh);

/// "bisect/001.html", relative to the report folder.
std::string bisection_page_path(const core::BisectRecord& bisection);

/// The bisection's one-line answer, or what it is still doing.
std::string bisection_answer(const core::BisectRecord& bisection);

/// style.css.
const std::string& report_css();

/// Every file of the report: index.html, style.css, data.json, charts/trend.svg, the experiments'
/// pages and charts.
std::vector<ReportFile> render_report(const Dashboard& dashboard, AutoRefresh refresh);

/// Writes `files` as the folder `dir` (created with its parents), replacing what was there at once: the
/// files go to a sibling temporary folder that is then exchanged with `dir` (renameat2 RENAME_EXCHANGE),
/// so a reader (a browser, `zkbench serve`) sees the old report or the new one, never half of one.
/// Errors name the file or folder and the reason; `dir` is left as it was.
Result<void> write_report(const std::vector<ReportFile>& files, const std::filesystem::path& dir);

} // namespace zkbench::report
