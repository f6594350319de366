// The SVG charts: well-formed XML, values at the right coordinates, escaped text, empty data.
#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "report/svg/axis.hpp"
#include "report/svg/charts.hpp"
#include "report/svg/svg_writer.hpp"

namespace zkbench::report::svg {
namespace {

/// A small well-formedness check: tags nest and close, attribute values are quoted, no raw '<' or
/// '&' in text, exactly one root <svg>. Returns "" when fine, else what is wrong.
std::string xml_problem(const std::string& xml) {
  std::vector<std::string> open;
  int roots = 0;
  std::size_t i = 0;
  while (i < xml.size()) {
    if (xml[i] == '&') {
      const std::size_t semi = xml.find(';', i);
      const std::string entity = semi == std::string::npos ? "" : xml.substr(i, semi - i + 1);
      static const std::vector<std::string> k_entities = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
      if (std::find(k_entities.begin(), k_entities.end(), entity) == k_entities.end()) {
        return "bad entity at " + std::to_string(i);
      }
      i = semi + 1;
      continue;
    }
    if (xml[i] != '<') {
      ++i;
      continue;
    }
    const std::size_t end = xml.find('>', i);
    if (end == std::string::npos) {
      return "unterminated tag at " + std::to_string(i);
    }
    std::string tag = xml.substr(i + 1, end - i - 1);
    if (tag.find('<') != std::string::npos) {
      return "'<' inside a tag at " + std::to_string(i);
    }
    if (std::count(tag.begin(), tag.end(), '"') % 2 != 0) {
      return "unbalanced quotes in <" + tag + ">";
    }
    if (tag.front() == '/') {
      const std::string name = tag.substr(1);
      if (open.empty() || open.back() != name) {
        return "unexpected </" + name + ">";
      }
      open.pop_back();
    } else if (tag.back() != '/') {
      const std::string name = tag.substr(0, tag.find_first_of(" \n"));
      if (open.empty()) {
        ++roots;
      }
      open.push_back(name);
    } else if (open.empty()) {
      return "self-closing root";
    }
    i = end + 1;
  }
  if (!open.empty()) {
    return "unclosed <" + open.back() + ">";
  }
  return roots == 1 ? "" : "expected one root element, got " + std::to_string(roots);
}

int count_of(const std::string& text, const std::string& needle) {
  int n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

/// The circles' (cx, cy) that carry `css_class`, in document order.
std::vector<std::pair<double, double>> circles(const std::string& svg, const std::string& css_class) {
  std::vector<std::pair<double, double>> found;
  const std::regex pattern(R"re(<circle cx="([-0-9.]+)" cy="([-0-9.]+)" r="[0-9.]+" fill="[^"]*" class=")re" +
                           css_class + "\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), pattern); it != std::sregex_iterator(); ++it) {
    found.emplace_back(std::stod((*it)[1]), std::stod((*it)[2]));
  }
  return found;
}

TrendChart sample_trend() {
  TrendChart chart;
  chart.y_label = "wall time (s)";
  chart.baseline = 262;
  chart.baseline_ci_low = 258;
  chart.baseline_ci_high = 266;
  chart.points = {{1, 245, 241, 249, Verdict::improvement, "MPT <hash> caching & more"},
                  {2, 263, 259, 267, Verdict::no_change, "inline keccak"},
                  {3, 270, 266, 274, Verdict::regression, "bigger pages"}};
  return chart;
}

TEST(ReportSvgWriter, escapes_text_and_drops_control_characters) {
  EXPECT_EQ(escape_xml(R"(a<b>&"c"'d')"), "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
  EXPECT_EQ(escape_xml(std::string("x\x01y\tz", 5)), "xy\tz");
  EXPECT_EQ(num(1.005), "1");
  EXPECT_EQ(num(-0.001), "0");
  EXPECT_EQ(num(12.5), "12.5");
}

TEST(ReportSvgCharts, every_chart_is_well_formed_with_and_without_data) {
  DistributionChart distribution{"Runs", "s", {{"baseline", {1, 2, 3, 4, 100}}, {"candidate", {1.5, 2.5}}}};
  BarChart bars{"Functions", "Δ %", {{"keccak<F>", 12}, {"memcpy", -30}}};
  StoppingChart stopping;
  stopping.steps = {{5, -4, -12, 4}, {10, -5, -9, -1}};
  stopping.thresholds = {{-1, "-1 %"}, {1, "+1 %"}};
  stopping.stopped_at = 10;
  const std::vector<std::string> documents = {
      render_trend(sample_trend()),   render_trend(TrendChart{}),
      render_distribution(distribution), render_distribution(DistributionChart{}),
      render_bars(bars),               render_bars(BarChart{}),
      render_stopping(stopping),       render_stopping(StoppingChart{}),
  };
  for (const std::string& svg : documents) {
    EXPECT_EQ(xml_problem(svg), "") << svg;
    EXPECT_NE(svg.find(R"(viewBox="0 0 )"), std::string::npos);
    EXPECT_EQ(svg.find("<script"), std::string::npos);
    EXPECT_EQ(svg.find("href"), std::string::npos); // no external fonts, images or links
  }
  for (std::size_t i = 1; i < documents.size(); i += 2) {
    EXPECT_NE(documents[i].find("no data yet"), std::string::npos);
  }
}

TEST(ReportSvgCharts, trend_maps_points_and_baseline_to_their_coordinates) {
  const TrendChart chart = sample_trend();
  const ChartSize size{720, 360};
  const std::string svg = render_trend(chart, size);
  // Recompute the axes the chart uses (nice ticks over data, CIs and the baseline band).
  PlotArea area = plot_area(size.width, size.height);
  area.top += 14; // the legend row
  const Ticks x_ticks = nice_ticks(1, 3, 8, TickValues::integer);
  const Ticks y_ticks = nice_ticks(241, 274, 5);
  const LinearScale x(x_ticks.lo, x_ticks.hi, area.left + 12, area.right - 12);
  const LinearScale y(y_ticks.lo, y_ticks.hi, area.bottom, area.top);

  const auto points = circles(svg, "point");
  ASSERT_EQ(points.size(), 3U);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(points[i].first, x(chart.points[i].experiment), 0.01);
    EXPECT_NEAR(points[i].second, y(chart.points[i].value), 0.01);
  }
  EXPECT_GT(points[0].second, points[2].second) << "a smaller value sits lower (larger y)";
  EXPECT_NE(svg.find("y1=\"" + num(y(262)) + "\" x2=\"" + num(area.right) + "\" y2=\"" + num(y(262)) +
                     "\" stroke=\"#0969da\""),
            std::string::npos)
      << "the baseline is a horizontal line at y(262)";
  EXPECT_EQ(count_of(svg, "class=\"baseline-ci\""), 1);
  // Independent experiments: each interval is a whisker of its own, no band or line joins the points.
  EXPECT_EQ(count_of(svg, "<polygon"), 0);
  EXPECT_EQ(count_of(svg, "<polyline"), 0);
  // Coloured by verdict, and the label escaped.
  EXPECT_NE(svg.find(std::string("fill=\"") + verdict_colour(Verdict::improvement) + "\" class=\"point\""),
            std::string::npos);
  EXPECT_NE(svg.find(std::string("fill=\"") + verdict_colour(Verdict::regression) + "\" class=\"point\""),
            std::string::npos);
  EXPECT_NE(svg.find("MPT &lt;hash&gt; caching &amp; more"), std::string::npos);
}

TEST(ReportSvgCharts, distribution_draws_every_run_and_a_box_per_sample) {
  DistributionChart chart{"Runs", "s", {{"baseline", {10, 11, 12, 13, 14}}, {"candidate", {8, 9, 10}}}};
  const std::string svg = render_distribution(chart);
  EXPECT_EQ(count_of(svg, "class=\"run\""), 8);
  EXPECT_EQ(count_of(svg, "class=\"box\""), 2);
  EXPECT_NE(svg.find("n = 5, mean 12"), std::string::npos);
  EXPECT_NE(svg.find("n = 3, mean 9"), std::string::npos);
  // Runs of the candidate (column 2) lie right of the baseline's (column 1), and 14 above 10.
  const auto runs = circles(svg, "run");
  ASSERT_EQ(runs.size(), 8U);
  EXPECT_LT(runs[4].first, runs[5].first);
  EXPECT_LT(runs[4].second, runs[0].second);
}

TEST(ReportSvgCharts, bars_grow_right_when_positive_and_left_when_negative) {
  BarChart chart{"Functions", "Δ cycles (%)", {{"grows", 20}, {"shrinks", -40}}};
  const std::string svg = render_bars(chart);
  const std::regex bar(R"re(<rect x="([-0-9.]+)" y="[-0-9.]+" width="([0-9.]+)" height="[0-9.]+" fill="(#[0-9a-f]+)" fill-opacity="0.85" class="bar"/>)re");
  std::vector<std::smatch> found;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), bar); it != std::sregex_iterator(); ++it) {
    found.push_back(*it);
  }
  ASSERT_EQ(found.size(), 2U);
  const double grows_x = std::stod(found[0][1]);
  const double grows_w = std::stod(found[0][2]);
  const double shrinks_x = std::stod(found[1][1]);
  const double shrinks_w = std::stod(found[1][2]);
  EXPECT_EQ(found[0][3], "#cf222e");
  EXPECT_EQ(found[1][3], "#1a7f37");
  EXPECT_NEAR(shrinks_x + shrinks_w, grows_x, 0.02); // both start at the zero line
  EXPECT_NEAR(shrinks_w / grows_w, 2.0, 0.01);       // lengths proportional to |value|
  EXPECT_NE(svg.find(">+20.0<"), std::string::npos);
  EXPECT_NE(svg.find(">-40.0<"), std::string::npos);
}

TEST(ReportSvgCharts, long_bar_labels_are_shortened_on_a_character_boundary) {
  BarChart chart{"Functions", "", {{std::string(38, 'a') + "ééé", 1}}};
  const std::string svg = render_bars(chart);
  EXPECT_NE(svg.find(std::string(38, 'a') + "…"), std::string::npos);
  EXPECT_EQ(xml_problem(svg), "");
}

TEST(ReportSvgCharts, stopping_trace_draws_thresholds_and_the_stop) {
  StoppingChart chart;
  chart.steps = {{2, -3, -20, 14}, {4, -4, -10, 2}, {6, -5, -7, -3}};
  chart.thresholds = {{-1, "-1 % equivalence"}, {1, "+1 % equivalence"}};
  chart.stopped_at = 6;
  const std::string svg = render_stopping(chart);
  EXPECT_EQ(count_of(svg, "stroke=\"#cf222e\" stroke-width=\"1.2\" stroke-dasharray=\"5 4\""), 2);
  EXPECT_NE(svg.find("stopped at 6"), std::string::npos);
  EXPECT_NE(svg.find("-1 % equivalence"), std::string::npos);
  EXPECT_EQ(count_of(svg, "<polygon"), 1);
  EXPECT_NE(svg.find("6 pairs: -5 [-7, -3]"), std::string::npos);
}

} // namespace
} // namespace zkbench::report::svg
