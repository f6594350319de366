// The two line charts: the trend across experiments and the stopping trace of a sequential run.
// Both draw a value line inside a shaded interval band over nice axes.
#include <algorithm>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "core/experiment.hpp"
#include "report/svg/axis.hpp"
#include "report/svg/charts.hpp"

namespace zkbench::report::svg {

namespace {

constexpr const char* k_band_colour = "#8c959f";
constexpr const char* k_baseline_colour = "#0969da";

struct Extent {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
};

std::string band_points(const std::vector<std::pair<double, double>>& upper,
                        const std::vector<std::pair<double, double>>& lower) {
  std::string points;
  for (const auto& [x, y] : upper) {
    points += num(x) + "," + num(y) + " ";
  }
  for (auto it = lower.rbegin(); it != lower.rend(); ++it) {
    points += num(it->first) + "," + num(it->second) + " ";
  }
  if (!points.empty()) {
    points.pop_back();
  }
  return points;
}

} // namespace

const char* verdict_colour(Verdict verdict) {
  switch (verdict) {
  case Verdict::improvement:
    return "#1a7f37";
  case Verdict::regression:
    return "#cf222e";
  case Verdict::no_change:
    return "#6e7781";
  case Verdict::inconclusive:
    return "#bf8700";
  case Verdict::running:
    return "#0969da";
  }
  return "#6e7781";
}

const char* verdict_label(Verdict verdict) {
  switch (verdict) {
  case Verdict::improvement:
    return "improvement";
  case Verdict::regression:
    return "regression";
  case Verdict::no_change:
    return "no change";
  case Verdict::inconclusive:
    return "inconclusive";
  case Verdict::running:
    return "running";
  }
  return "";
}

std::string render_trend(const TrendChart& chart, ChartSize size) {
  SvgDocument doc(size.width, size.height, chart.title);
  if (chart.points.empty() && !chart.baseline) {
    draw_no_data(doc, chart.title);
    return doc.finish();
  }
  std::vector<TrendPoint> points = chart.points;
  std::stable_sort(points.begin(), points.end(),
                   [](const TrendPoint& a, const TrendPoint& b) { return a.experiment < b.experiment; });

  Extent xs;
  Extent ys;
  for (const TrendPoint& p : points) {
    xs.add(p.experiment);
    ys.add(p.value);
    if (p.ci_low && p.ci_high) {
      ys.add(*p.ci_low);
      ys.add(*p.ci_high);
    }
  }
  for (const auto& v : {chart.baseline, chart.baseline_ci_low, chart.baseline_ci_high}) {
    if (v) {
      ys.add(*v);
    }
  }
  if (points.empty()) {
    xs.add(1);
  }
  PlotArea area = plot_area(size.width, size.height);
  area.top += 14; // a row for the legend under the title
  const Ticks x_ticks = nice_ticks(xs.lo, xs.hi, 8, TickValues::integer);
  const Ticks y_ticks = nice_ticks(ys.lo, ys.hi, 5);
  const LinearScale x(x_ticks.lo, x_ticks.hi, area.left + 12, area.right - 12);
  const LinearScale y(y_ticks.lo, y_ticks.hi, area.bottom, area.top);
  draw_frame(doc, area, chart.title, x_ticks, x, "experiment", y_ticks, y, chart.y_label);

  if (chart.baseline_ci_low && chart.baseline_ci_high) {
    const double top = y(std::max(*chart.baseline_ci_low, *chart.baseline_ci_high));
    const double bottom = y(std::min(*chart.baseline_ci_low, *chart.baseline_ci_high));
    doc.rect(area.left, top, area.right - area.left, bottom - top, k_baseline_colour, 0.12, "baseline-ci");
  }
  if (chart.baseline) {
    const double py = y(*chart.baseline);
    doc.line(area.left, py, area.right, py, k_baseline_colour, 1.5, "6 4");
    const std::string label = chart.baseline_label.empty()
                                  ? "baseline " + format_tick(*chart.baseline, y_ticks.step / 10)
                                  : chart.baseline_label;
    doc.text(area.right - 4, py - 5, label, Anchor::end, 11, k_baseline_colour);
  }

  // Each experiment's interval as a whisker of its own: experiments are independent, so nothing joins them.
  for (const TrendPoint& p : points) {
    if (p.ci_low && p.ci_high) {
      doc.line(x(p.experiment), y(std::max(*p.ci_low, *p.ci_high)), x(p.experiment),
               y(std::min(*p.ci_low, *p.ci_high)), k_band_colour, 1.5);
    }
  }
  std::set<Verdict> present;
  for (const TrendPoint& p : points) {
    present.insert(p.verdict);
    const std::string tooltip = fmt::format("#{} {}: {} ({})", core::ExperimentNumber(p.experiment), p.label,
                                            format_tick(p.value, y_ticks.step / 100), verdict_label(p.verdict));
    doc.circle(x(p.experiment), y(p.value), 4.5, verdict_colour(p.verdict), tooltip, "point");
  }

  double legend_x = area.right;
  for (auto it = present.rbegin(); it != present.rend(); ++it) {
    const std::string label = verdict_label(*it);
    // About 7 units per character at font size 11, plus the dot and a gap.
    legend_x -= 24 + 7 * static_cast<double>(label.size());
    doc.circle(legend_x, 38, 4.5, verdict_colour(*it));
    doc.text(legend_x + 8, 42, label, Anchor::start, 11, "#57606a");
  }
  return doc.finish();
}

std::string render_stopping(const StoppingChart& chart, ChartSize size) {
  SvgDocument doc(size.width, size.height, chart.title);
  if (chart.steps.empty()) {
    draw_no_data(doc, chart.title);
    return doc.finish();
  }
  std::vector<StoppingStep> steps = chart.steps;
  std::stable_sort(steps.begin(), steps.end(),
                   [](const StoppingStep& a, const StoppingStep& b) { return a.pairs < b.pairs; });
  Extent xs;
  Extent ys;
  ys.add(0);
  for (const StoppingStep& s : steps) {
    xs.add(s.pairs);
    ys.add(s.low);
    ys.add(s.high);
    ys.add(s.estimate);
  }
  for (const Threshold& t : chart.thresholds) {
    ys.add(t.value);
  }
  if (chart.stopped_at) {
    xs.add(*chart.stopped_at);
  }
  const PlotArea area = plot_area(size.width, size.height);
  const Ticks x_ticks = nice_ticks(xs.lo, xs.hi, 8, TickValues::integer);
  const Ticks y_ticks = nice_ticks(ys.lo, ys.hi, 6);
  const LinearScale x(x_ticks.lo, x_ticks.hi, area.left + 8, area.right - 8);
  const LinearScale y(y_ticks.lo, y_ticks.hi, area.bottom, area.top);
  draw_frame(doc, area, chart.title, x_ticks, x, "pairs measured", y_ticks, y, chart.y_label);

  std::vector<std::pair<double, double>> upper;
  std::vector<std::pair<double, double>> lower;
  std::string estimate;
  for (const StoppingStep& s : steps) {
    upper.emplace_back(x(s.pairs), y(std::max(s.low, s.high)));
    lower.emplace_back(x(s.pairs), y(std::min(s.low, s.high)));
    estimate += num(x(s.pairs)) + "," + num(y(s.estimate)) + " ";
  }
  doc.polygon(band_points(upper, lower), k_baseline_colour, 0.18);
  doc.line(area.left, y(0), area.right, y(0), "#24292f", 1);
  for (const Threshold& t : chart.thresholds) {
    doc.line(area.left, y(t.value), area.right, y(t.value), "#cf222e", 1.2, "5 4");
    // Labels of thresholds below zero go under their line, the others above, so that a pair of
    // close thresholds (±1 %) does not print its labels on top of each other.
    const double label_y = t.value < 0 ? y(t.value) + 13 : y(t.value) - 4;
    doc.text(area.right - 4, label_y, t.label, Anchor::end, 11, "#cf222e");
  }
  estimate.pop_back();
  doc.polyline(estimate, k_baseline_colour, 2);
  for (const StoppingStep& s : steps) {
    doc.circle(x(s.pairs), y(s.estimate), 2.5, k_baseline_colour,
               fmt::format("{} pairs: {} [{}, {}]", s.pairs, num(s.estimate), num(s.low), num(s.high)));
  }
  if (chart.stopped_at) {
    const double px = x(*chart.stopped_at);
    doc.line(px, area.top, px, area.bottom, "#24292f", 1.2, "2 3");
    doc.text(px - 4, area.top + 12, fmt::format("stopped at {}", *chart.stopped_at), Anchor::end, 11, "#24292f");
  }
  return doc.finish();
}

} // namespace zkbench::report::svg
