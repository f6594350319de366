#pragma once
// The report's charts as SVG text (pure functions: data in, a complete <svg> document out). Used by
// the static report, the live server, and anywhere an SVG can go (Markdown, Slack uploads). Every
// chart handles empty data by drawing its title and "no data yet"; text is escaped; the documents
// use a viewBox, no external fonts, images or scripts.

#include <optional>
#include <string>
#include <vector>

namespace zkbench::report::svg {

/// The outcome a point is coloured by.
enum class Verdict { improvement, regression, no_change, inconclusive, running };

/// "#1a7f37" (improvement, green), "#cf222e" (regression, red), "#6e7781" (no change, grey),
/// "#bf8700" (inconclusive, amber), "#0969da" (running, blue).
const char* verdict_colour(Verdict verdict);
/// "improvement", "regression", "no change", "inconclusive", "running".
const char* verdict_label(Verdict verdict);

struct ChartSize {
  double width = 720;
  double height = 360;
};

// --- trend: experiment number vs the primary metric ---------------------------------------------

struct TrendPoint {
  int experiment = 0;            // x: 1, 2, 3, ...
  double value = 0;              // y: the experiment's primary metric (mean)
  std::optional<double> ci_low;  // its 95 % confidence interval, when known
  std::optional<double> ci_high;
  Verdict verdict = Verdict::inconclusive;
  std::string label; // tooltip: "MPT hash caching"
};

struct TrendChart {
  std::string title = "Primary metric by experiment";
  std::string y_label;           // "wall time (s)"
  std::optional<double> baseline; // drawn as a dashed horizontal line
  std::string baseline_label;     // its label ("" : "baseline <value>")
  std::optional<double> baseline_ci_low; // drawn as a shaded horizontal band
  std::optional<double> baseline_ci_high;
  std::vector<TrendPoint> points; // any order; drawn sorted by experiment
};

/// Points coloured by verdict, each point's CI as a vertical whisker (experiments are independent: no
/// line or band joins them), the baseline and its CI as a horizontal line and band, and a legend of the
/// verdicts present.
std::string render_trend(const TrendChart& chart, ChartSize size = {});

// --- distribution: two (or more) samples side by side -------------------------------------------

struct Sample {
  std::string name; // "baseline", "candidate"
  std::vector<double> values;
};

struct DistributionChart {
  std::string title = "Runs";
  std::string y_label;
  std::vector<Sample> samples;
};

/// One column per sample: a box plot (quartiles, median, Tukey whiskers at 1.5 IQR) with every run
/// drawn as a point (deterministic jitter), and n and the mean under the column.
std::string render_distribution(const DistributionChart& chart, ChartSize size = {});

// --- horizontal bars: functions up and down (profile diffs) -------------------------------------

struct Bar {
  std::string label; // function name
  double value = 0;  // change, signed: positive grows (red, right), negative shrinks (green, left)
};

struct BarChart {
  std::string title = "Largest changes";
  std::string x_label; // "Δ cycles (%)"
  std::vector<Bar> bars; // drawn top to bottom in the given order
};

/// Bars diverging from a zero line, labelled with their value. The height grows with the number of
/// bars (size.height is the minimum); long labels are shortened with "…".
std::string render_bars(const BarChart& chart, ChartSize size = {});

// --- stopping trace of a sequential run ----------------------------------------------------------

struct StoppingStep {
  int pairs = 0;     // x: pairs (or runs) measured so far
  double estimate = 0; // y: the current Δ estimate, e.g. percent
  double low = 0;      // the current interval
  double high = 0;
};

struct Threshold {
  double value = 0;  // y of the line
  std::string label; // "−1 % (equivalence)"
};

struct StoppingChart {
  std::string title = "Sequential stopping trace";
  std::string y_label = "Δ (%)";
  std::vector<StoppingStep> steps;
  std::vector<Threshold> thresholds; // dashed horizontal lines
  std::optional<int> stopped_at;     // a vertical marker at this pair count
};

/// The interval narrowing as pairs accumulate (a shaded band), the estimate as a line, the zero line,
/// the decision thresholds, and where the run stopped.
std::string render_stopping(const StoppingChart& chart, ChartSize size = {});

} // namespace zkbench::report::svg
