// Samples side by side: a box plot per sample with every run drawn as a point.
#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <limits>

#include <fmt/format.h>

#include "report/svg/axis.hpp"
#include "report/svg/charts.hpp"
#include "stats/descriptive.hpp"

namespace zkbench::report::svg {

namespace {

constexpr std::array<const char*, 4> k_sample_colours = {"#0969da", "#bc4c00", "#8250df", "#1a7f37"};

// Deterministic jitter in [-1, 1): the fractional parts of i × the golden ratio spread evenly, so
// the same data always draws the same picture (no random numbers in a report).
double jitter(std::size_t i) {
  const double golden = 0.6180339887498949;
  const double fraction = std::fmod(static_cast<double>(i + 1) * golden, 1.0);
  return fraction * 2.0 - 1.0;
}

} // namespace

std::string render_distribution(const DistributionChart& chart, ChartSize size) {
  SvgDocument doc(size.width, size.height, chart.title);
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  for (const Sample& sample : chart.samples) {
    for (const double v : sample.values) {
      if (std::isfinite(v)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
  }
  if (chart.samples.empty() || !std::isfinite(lo)) {
    draw_no_data(doc, chart.title);
    return doc.finish();
  }

  PlotArea area = plot_area(size.width, size.height);
  area.bottom -= 14; // room for "n = …, mean …" under each column
  const double n_columns = static_cast<double>(chart.samples.size());
  const Ticks y_ticks = nice_ticks(lo, hi, 6);
  const LinearScale y(y_ticks.lo, y_ticks.hi, area.bottom, area.top);
  // Categories, not numbers: an x "axis" with no ticks, columns centred in equal slots.
  const LinearScale x(0, n_columns, area.left, area.right);
  draw_frame(doc, area, chart.title, Ticks{0, n_columns, 1, {}}, x, "", y_ticks, y, chart.y_label);

  const double slot = (area.right - area.left) / n_columns;
  const double box_half = std::min(40.0, slot * 0.22);
  for (std::size_t c = 0; c < chart.samples.size(); ++c) {
    const Sample& sample = chart.samples[c];
    const char* colour = k_sample_colours[c % k_sample_colours.size()];
    const double cx = x(static_cast<double>(c) + 0.5);
    doc.text(cx, area.bottom + 17, sample.name, Anchor::middle, 12, "#24292f");

    std::vector<double> values;
    std::copy_if(sample.values.begin(), sample.values.end(), std::back_inserter(values),
                 [](double v) { return std::isfinite(v); });
    if (values.empty()) {
      doc.text(cx, area.bottom + 31, "no runs", Anchor::middle, 11, "#57606a");
      continue;
    }
    std::sort(values.begin(), values.end());
    const double q1 = stats::quantile(values, 0.25);
    const double q2 = stats::quantile(values, 0.5);
    const double q3 = stats::quantile(values, 0.75);
    const double iqr = q3 - q1;
    // Tukey's whiskers: the most extreme runs within 1.5 IQR of the box.
    const double whisker_lo = *std::find_if(values.begin(), values.end(), [&](double v) { return v >= q1 - 1.5 * iqr; });
    const double whisker_hi = *std::find_if(values.rbegin(), values.rend(), [&](double v) { return v <= q3 + 1.5 * iqr; });

    doc.line(cx, y(whisker_lo), cx, y(q1), colour, 1.5);
    doc.line(cx, y(q3), cx, y(whisker_hi), colour, 1.5);
    doc.line(cx - box_half / 2, y(whisker_lo), cx + box_half / 2, y(whisker_lo), colour, 1.5);
    doc.line(cx - box_half / 2, y(whisker_hi), cx + box_half / 2, y(whisker_hi), colour, 1.5);
    doc.rect(cx - box_half, y(q3), 2 * box_half, y(q1) - y(q3), colour, 0.15, "box");
    doc.line(cx - box_half, y(q2), cx + box_half, y(q2), colour, 2.5);

    for (std::size_t i = 0; i < values.size(); ++i) {
      const double px = cx + jitter(i) * box_half * 0.8;
      doc.circle(px, y(values[i]), 3, colour, format_tick(values[i], y_ticks.step / 100), "run");
    }
    doc.text(cx, area.bottom + 31,
             fmt::format("n = {}, mean {}", values.size(), format_tick(stats::mean(values), y_ticks.step / 100)),
             Anchor::middle, 11, "#57606a");
  }
  return doc.finish();
}

} // namespace zkbench::report::svg
