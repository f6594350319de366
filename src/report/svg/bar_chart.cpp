// Horizontal bars diverging from zero: what grew (red, right) and what shrank (green, left).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "report/svg/axis.hpp"
#include "report/svg/charts.hpp"

namespace zkbench::report::svg {

namespace {

constexpr std::size_t k_max_label_chars = 40;
constexpr double k_row_height = 22;

// Shortens at a UTF-8 character boundary so that no multi-byte character is cut in half.
std::string shorten(const std::string& label) {
  if (label.size() <= k_max_label_chars) {
    return label;
  }
  std::size_t cut = k_max_label_chars - 1;
  while (cut > 0 && (static_cast<unsigned char>(label[cut]) & 0xC0U) == 0x80U) {
    --cut;
  }
  return label.substr(0, cut) + "…";
}

} // namespace

std::string render_bars(const BarChart& chart, ChartSize size) {
  const double rows = static_cast<double>(chart.bars.size());
  const double height = std::max(size.height, 40 + 48 + rows * k_row_height);
  SvgDocument doc(size.width, height, chart.title);
  if (chart.bars.empty()) {
    draw_no_data(doc, chart.title);
    return doc.finish();
  }

  std::size_t longest = 0;
  double lo = 0;
  double hi = 0;
  for (const Bar& bar : chart.bars) {
    longest = std::max(longest, std::min(bar.label.size(), k_max_label_chars));
    if (std::isfinite(bar.value)) {
      lo = std::min(lo, bar.value);
      hi = std::max(hi, bar.value);
    }
  }
  const double label_width = std::clamp(6.5 * static_cast<double>(longest) + 16, 80.0, 300.0);
  const PlotArea area = plot_area(size.width, height, label_width);
  // Room beyond the longest bars for their value labels.
  const double pad = 0.12 * (hi - lo);
  const Ticks x_ticks = nice_ticks(lo < 0 ? lo - pad : lo, hi > 0 ? hi + pad : hi, 6);
  const LinearScale x(x_ticks.lo, x_ticks.hi, area.left, area.right);
  // Rows: the y "scale" is the row index; no y ticks, the labels are the function names.
  const LinearScale y(0, rows, area.top, area.bottom);
  draw_frame(doc, area, chart.title, x_ticks, x, chart.x_label, Ticks{0, rows, 1, {}}, y, "");
  for (const double value : x_ticks.values) {
    doc.line(x(value), area.top, x(value), area.bottom, "#d0d7de", 1);
  }

  const double zero = x(0);
  for (std::size_t i = 0; i < chart.bars.size(); ++i) {
    const Bar& bar = chart.bars[i];
    const double value = std::isfinite(bar.value) ? bar.value : 0;
    const double top = y(static_cast<double>(i)) + 3;
    const double bar_height = k_row_height - 6;
    const double end = x(value);
    const char* colour = value > 0 ? "#cf222e" : value < 0 ? "#1a7f37" : "#6e7781";
    doc.rect(std::min(zero, end), top, std::fabs(end - zero), bar_height, colour, 0.85, "bar");
    doc.text(area.left - 8, top + bar_height - 4, shorten(bar.label), Anchor::end, 11, "#24292f");
    const std::string value_text = (value > 0 ? "+" : "") + format_tick(value, x_ticks.step / 100);
    if (value >= 0) {
      doc.text(end + 4, top + bar_height - 4, value_text, Anchor::start, 10, "#57606a");
    } else {
      doc.text(end - 4, top + bar_height - 4, value_text, Anchor::end, 10, "#57606a");
    }
  }
  doc.line(zero, area.top, zero, area.bottom, "#24292f", 1.2);
  return doc.finish();
}

} // namespace zkbench::report::svg
