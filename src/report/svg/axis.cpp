#include "report/svg/axis.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace zkbench::report::svg {

namespace {

constexpr const char* k_axis_colour = "#57606a";
constexpr const char* k_grid_colour = "#d0d7de";

// Heckbert's nice number: the 1, 2, 5 (or 10) × 10^k closest to `x` (round) or not below it (ceil).
double nice_number(double x, bool round) {
  const double exponent = std::floor(std::log10(x));
  const double fraction = x / std::pow(10.0, exponent);
  double nice = 10;
  if (round) {
    nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  } else {
    nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  }
  return nice * std::pow(10.0, exponent);
}

} // namespace

Ticks nice_ticks(double min, double max, int target, TickValues kind) {
  if (!std::isfinite(min) || !std::isfinite(max)) {
    min = 0;
    max = 1;
  }
  if (min > max) {
    std::swap(min, max);
  }
  if (max - min < 1e-12 * std::max(1.0, std::fabs(max))) {
    const double pad = min == 0 ? 1.0 : std::fabs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  target = std::max(2, target);
  const double range = nice_number(max - min, false);
  double step = nice_number(range / (target - 1), true);
  if (kind == TickValues::integer) {
    step = std::max(1.0, std::round(step));
  }
  Ticks ticks;
  ticks.step = step;
  ticks.lo = std::floor(min / step) * step;
  ticks.hi = std::ceil(max / step) * step;
  const auto count = static_cast<int>(std::lround((ticks.hi - ticks.lo) / step));
  for (int i = 0; i <= count; ++i) {
    ticks.values.push_back(ticks.lo + i * step);
  }
  return ticks;
}

std::string format_tick(double value, double step) {
  const double magnitude = std::max(std::fabs(value), step);
  double scale = 1;
  const char* suffix = "";
  if (magnitude >= 1e9) {
    scale = 1e9;
    suffix = "G";
  } else if (magnitude >= 1e6) {
    scale = 1e6;
    suffix = "M";
  } else if (magnitude >= 1e4) {
    scale = 1e3;
    suffix = "k";
  }
  const double scaled_step = step / scale;
  const int decimals = scaled_step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(scaled_step) - 1e-9));
  std::string text = fmt::format("{:.{}f}", value / scale, std::clamp(decimals, 0, 9));
  if (text == "-0") {
    text = "0";
  }
  return text + suffix;
}

LinearScale::LinearScale(double domain_lo, double domain_hi, double range_lo, double range_hi)
    : m_d0(domain_lo), m_d1(domain_hi), m_r0(range_lo), m_r1(range_hi) {}

double LinearScale::operator()(double value) const {
  if (m_d1 == m_d0) {
    return (m_r0 + m_r1) / 2;
  }
  return m_r0 + (value - m_d0) / (m_d1 - m_d0) * (m_r1 - m_r0);
}

PlotArea plot_area(double width, double height, double left_margin) {
  return PlotArea{left_margin, 40, width - 20, height - 48};
}

void draw_frame(SvgDocument& doc, const PlotArea& area, std::string_view title, const Ticks& x_ticks,
                const LinearScale& x, std::string_view x_label, const Ticks& y_ticks, const LinearScale& y,
                std::string_view y_label) {
  doc.text(area.left, 22, title, Anchor::start, 15, "#24292f");
  for (const double value : y_ticks.values) {
    const double py = y(value);
    doc.line(area.left, py, area.right, py, k_grid_colour, 1);
    doc.text(area.left - 6, py + 4, format_tick(value, y_ticks.step), Anchor::end, 11, k_axis_colour);
  }
  for (const double value : x_ticks.values) {
    const double px = x(value);
    doc.line(px, area.bottom, px, area.bottom + 4, k_axis_colour, 1);
    doc.text(px, area.bottom + 17, format_tick(value, x_ticks.step), Anchor::middle, 11, k_axis_colour);
  }
  doc.line(area.left, area.bottom, area.right, area.bottom, k_axis_colour, 1);
  doc.line(area.left, area.top, area.left, area.bottom, k_axis_colour, 1);
  if (!x_label.empty()) {
    doc.text((area.left + area.right) / 2, area.bottom + 36, x_label, Anchor::middle, 12, k_axis_colour);
  }
  if (!y_label.empty()) {
    const double cy = (area.top + area.bottom) / 2;
    doc.text(14, cy, y_label, Anchor::middle, 12, k_axis_colour, -90);
  }
}

void draw_no_data(SvgDocument& doc, std::string_view title) {
  doc.text(16, 22, title, Anchor::start, 15, "#24292f");
  doc.text(doc.width() / 2, doc.height() / 2, "no data yet", Anchor::middle, 13, k_axis_colour);
}

} // namespace zkbench::report::svg
