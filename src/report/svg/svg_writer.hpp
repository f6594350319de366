#pragma once
// A minimal SVG builder: escaped text, numbers with bounded precision, one element per line.
// Pure: returns text. No fonts, scripts or external references are ever emitted.

#include <string>
#include <string_view>

namespace zkbench::report::svg {

/// `text` with &, <, >, " and ' replaced by entities, and control characters other than tab and
/// newline dropped (they are not allowed in XML 1.0).
std::string escape_xml(std::string_view text);

/// A coordinate or value for an attribute: at most 2 decimals, trailing zeros dropped, "-0" -> "0".
std::string num(double value);

/// Text anchoring for SvgDocument::text.
enum class Anchor { start, middle, end };

/// Builds one <svg> document of `width` × `height` user units (viewBox 0 0 width height, scales to
/// its container). `title` becomes the <title> (the accessible name) and is escaped.
class SvgDocument {
public:
  SvgDocument(double width, double height, std::string_view title);

  double width() const { return m_width; }
  double height() const { return m_height; }

  /// Appends raw markup. Callers pass only markup built by the helpers below.
  void raw(std::string_view markup);

  void line(double x1, double y1, double x2, double y2, std::string_view stroke, double stroke_width = 1,
            std::string_view dash = {});
  void rect(double x, double y, double w, double h, std::string_view fill, double opacity = 1,
            std::string_view css_class = {});
  void circle(double cx, double cy, double r, std::string_view fill, std::string_view tooltip = {},
              std::string_view css_class = {});
  /// A closed polygon through the points "x,y x,y ..." (build with num()).
  void polygon(std::string_view points, std::string_view fill, double opacity);
  void polyline(std::string_view points, std::string_view stroke, double stroke_width = 1.5);
  void text(double x, double y, std::string_view content, Anchor anchor = Anchor::start, double size = 12,
            std::string_view fill = "#24292f", double rotate = 0);

  /// The complete document (XML declaration-free, so it can be inlined into HTML too).
  std::string finish() const;

private:
  double m_width;
  double m_height;
  std::string m_title;
  std::string m_body;
};

} // namespace zkbench::report::svg
