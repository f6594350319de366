#include "report/svg/svg_writer.hpp"

#include <cmath>

#include <fmt/format.h>

namespace zkbench::report::svg {

std::string escape_xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    switch (ch) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&apos;";
      break;
    default:
      if (static_cast<unsigned char>(ch) >= 0x20 || ch == '\t' || ch == '\n') {
        out += ch;
      }
    }
  }
  return out;
}

std::string num(double value) {
  if (!std::isfinite(value)) {
    return "0";
  }
  std::string text = fmt::format("{:.2f}", value);
  while (text.back() == '0') {
    text.pop_back();
  }
  if (text.back() == '.') {
    text.pop_back();
  }
  return text == "-0" ? "0" : text;
}

namespace {

std::string_view anchor_name(Anchor anchor) {
  switch (anchor) {
  case Anchor::start:
    return "start";
  case Anchor::middle:
    return "middle";
  case Anchor::end:
    return "end";
  }
  return "start";
}

std::string class_attribute(std::string_view css_class) {
  return css_class.empty() ? std::string() : fmt::format(" class=\"{}\"", escape_xml(css_class));
}

} // namespace

SvgDocument::SvgDocument(double width, double height, std::string_view title)
    : m_width(width), m_height(height), m_title(escape_xml(title)) {}

void SvgDocument::raw(std::string_view markup) {
  m_body += markup;
  m_body += '\n';
}

void SvgDocument::line(double x1, double y1, double x2, double y2, std::string_view stroke, double stroke_width,
                       std::string_view dash) {
  raw(fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"{}/>)", num(x1), num(y1),
                  num(x2), num(y2), escape_xml(stroke), num(stroke_width),
                  dash.empty() ? std::string() : fmt::format(R"( stroke-dasharray="{}")", escape_xml(dash))));
}

void SvgDocument::rect(double x, double y, double w, double h, std::string_view fill, double opacity,
                       std::string_view css_class) {
  raw(fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="{}"{}{}/>)", num(x), num(y),
                  num(std::max(0.0, w)), num(std::max(0.0, h)), escape_xml(fill),
                  opacity < 1 ? fmt::format(R"( fill-opacity="{}")", num(opacity)) : std::string(),
                  class_attribute(css_class)));
}

void SvgDocument::circle(double cx, double cy, double r, std::string_view fill, std::string_view tooltip,
                         std::string_view css_class) {
  if (tooltip.empty()) {
    raw(fmt::format(R"(<circle cx="{}" cy="{}" r="{}" fill="{}"{}/>)", num(cx), num(cy), num(r), escape_xml(fill),
                    class_attribute(css_class)));
  } else {
    raw(fmt::format(R"(<circle cx="{}" cy="{}" r="{}" fill="{}"{}><title>{}</title></circle>)", num(cx), num(cy),
                    num(r), escape_xml(fill), class_attribute(css_class), escape_xml(tooltip)));
  }
}

void SvgDocument::polygon(std::string_view points, std::string_view fill, double opacity) {
  raw(fmt::format(R"(<polygon points="{}" fill="{}" fill-opacity="{}"/>)", escape_xml(points), escape_xml(fill),
                  num(opacity)));
}

void SvgDocument::polyline(std::string_view points, std::string_view stroke, double stroke_width) {
  raw(fmt::format(R"(<polyline points="{}" fill="none" stroke="{}" stroke-width="{}"/>)", escape_xml(points),
                  escape_xml(stroke), num(stroke_width)));
}

void SvgDocument::text(double x, double y, std::string_view content, Anchor anchor, double size,
                       std::string_view fill, double rotate) {
  const std::string transform =
      rotate == 0 ? std::string() : fmt::format(R"x( transform="rotate({} {} {})")x", num(rotate), num(x), num(y));
  raw(fmt::format(R"(<text x="{}" y="{}" font-size="{}" text-anchor="{}" fill="{}"{}>{}</text>)", num(x), num(y),
                  num(size), anchor_name(anchor), escape_xml(fill), transform, escape_xml(content)));
}

std::string SvgDocument::finish() const {
  return fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" "
                     "role=\"img\" font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\">\n"
                     "<title>{}</title>\n"
                     "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n{}</svg>\n",
                     num(m_width), num(m_height), num(m_width), num(m_height), m_title, m_body);
}

} // namespace zkbench::report::svg
