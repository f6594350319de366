#pragma once
// Scales, "nice" tick values and the framed plot area that every chart draws into. Pure.

#include <string>
#include <string_view>
#include <vector>

#include "report/svg/svg_writer.hpp"

namespace zkbench::report::svg {

/// Tick values covering a range: lo <= every data value <= hi, lo and hi multiples of step, and step
/// 1, 2 or 5 × 10^k (Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990).
struct Ticks {
  double lo = 0;
  double hi = 1;
  double step = 1;
  std::vector<double> values; // lo, lo+step, ..., hi
};

/// Whether ticks may fall between integers (experiment numbers and pair counts may not).
enum class TickValues { real, integer };

/// Ticks for data in [min, max], about `target` of them. A degenerate range (min == max, or not
/// finite) is widened around the value so the result is always a usable axis.
Ticks nice_ticks(double min, double max, int target = 5, TickValues kind = TickValues::real);

/// A tick label with just the decimals that `step` needs: (2.5, 0.5) -> "2.5", (200, 100) -> "200";
/// large magnitudes use k/M suffixes (1500000, 500000) -> "1.5M".
std::string format_tick(double value, double step);

/// Maps a data interval onto a pixel interval (either may be reversed, as y axes are).
class LinearScale {
public:
  LinearScale(double domain_lo, double domain_hi, double range_lo, double range_hi);
  double operator()(double value) const;

private:
  double m_d0;
  double m_d1;
  double m_r0;
  double m_r1;
};

/// The plot rectangle inside the margins (pixels): left < right, top < bottom.
struct PlotArea {
  double left;
  double top;
  double right;
  double bottom;
};

/// The standard area of a chart of `width` × `height` with room for a title, tick labels and axis
/// labels (`left_margin` wider for long category names).
PlotArea plot_area(double width, double height, double left_margin = 64);

/// Draws the chart title, horizontal grid lines with y tick labels, x tick labels, and axis labels.
void draw_frame(SvgDocument& doc, const PlotArea& area, std::string_view title, const Ticks& x_ticks,
                const LinearScale& x, std::string_view x_label, const Ticks& y_ticks, const LinearScale& y,
                std::string_view y_label);

/// A chart with nothing to show: the title and a centred "no data" note.
void draw_no_data(SvgDocument& doc, std::string_view title);

} // namespace zkbench::report::svg
