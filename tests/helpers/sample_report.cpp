// Writes a small sample report folder (index.html, style.css, data.json, charts/*.svg) built with the
// real chart code, for the browser test (tests/browser/) until `zkbench report` exists.
// Usage: sample_report OUT_DIR
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "report/svg/charts.hpp"

namespace {

using namespace zkbench::report::svg;

bool write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

TrendChart trend() {
  TrendChart chart;
  chart.title = "Prove time by experiment";
  chart.y_label = "wall time (s)";
  chart.baseline = 262;
  chart.baseline_ci_low = 258.5;
  chart.baseline_ci_high = 265.5;
  const double values[] = {245, 263, 251, 270, 238, 259, 232, 236};
  const Verdict verdicts[] = {Verdict::improvement, Verdict::no_change,    Verdict::improvement,
                              Verdict::regression,  Verdict::improvement, Verdict::inconclusive,
                              Verdict::improvement, Verdict::running};
  for (int i = 0; i < 8; ++i) {
    chart.points.push_back({i + 1, values[i], values[i] - 4, values[i] + 4, verdicts[i], "experiment & <" + std::to_string(i + 1) + ">"});
  }
  return chart;
}

DistributionChart distribution() {
  return {"Runs of experiment 007 (<MPT> hash cache)", "wall time (s)",
          {{"baseline", {261.2, 262.8, 259.9, 263.5, 262.1, 260.7, 264.0, 261.9, 262.4, 275.0}},
           {"candidate", {232.4, 231.0, 233.9, 230.8, 232.2, 234.1, 231.7, 232.9, 233.3, 231.5}}}};
}

BarChart bars() {
  return {"Profile diff: top functions", "Δ cycles (%)",
          {{"keccak_f1600", -38.5},
           {"mpt::Node::hash", -22.1},
           {"alloc::raw_vec::RawVec<T,A>::grow_one", 12.4},
           {"memcpy", 6.8},
           {"zisk::witness::MemoryCollector::collect_segment_boundaries", -4.2}}};
}

StoppingChart stopping() {
  StoppingChart chart;
  chart.thresholds = {{-1, "-1 % (equivalence)"}, {1, "+1 % (equivalence)"}};
  const double half_widths[] = {18, 11, 7.5, 5.2, 3.9, 3.1};
  for (int i = 0; i < 6; ++i) {
    const double estimate = -11.5 + 0.2 * i;
    chart.steps.push_back({2 * (i + 1), estimate, estimate - half_widths[i], estimate + half_widths[i]});
  }
  chart.stopped_at = 12;
  return chart;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: sample_report OUT_DIR\n");
    return 2;
  }
  const std::filesystem::path out = argv[1];
  std::filesystem::create_directories(out / "charts");
  bool ok = write(out / "charts" / "trend.svg", render_trend(trend())) &&
            write(out / "charts" / "distribution.svg", render_distribution(distribution())) &&
            write(out / "charts" / "profile.svg", render_bars(bars())) &&
            write(out / "charts" / "stopping.svg", render_stopping(stopping()));
  ok = ok && write(out / "style.css",
                   "body{font-family:system-ui,sans-serif;margin:24px;color:#24292f;background:#f6f8fa}\n"
                   "section{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:12px;margin:12px 0}\n"
                   ".charts{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:12px}\n"
                   ".charts img,#trend svg{max-width:100%;height:auto}\n");
  ok = ok && write(out / "data.json", R"({"status": "running", "done": 7, "total": 8})");
  ok = ok && write(out / "index.html", std::string(R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>zkbench sample report</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="style.css">
</head>
<body>
<h1>zkbench sample report</h1>
<section><p>Status: <span id="status">loading</span></p></section>
<section id="trend">)html") + render_trend(trend()) + R"html(</section>
<section class="charts">
<img id="distribution" src="charts/distribution.svg" alt="distribution">
<img id="profile" src="charts/profile.svg" alt="profile diff">
<img id="stopping" src="charts/stopping.svg" alt="stopping trace">
</section>
<script>
fetch("data.json").then(r => r.json()).then(d => {
  document.getElementById("status").textContent = d.status + " (" + d.done + "/" + d.total + " experiments)";
});
</script>
</body>
</html>
)html");
  if (!ok) {
    std::fprintf(stderr, "sample_report: cannot write under %s\n", out.c_str());
    return 1;
  }
  return 0;
}
