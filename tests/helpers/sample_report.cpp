// Writes a sample report folder with the real report code (report/html_report.hpp) from the test
// dashboard (tests/support/sample_dashboard.hpp: 8 experiments, sequential traces, profile diffs, text
// that needs escaping), for the browser test's file:// check. Usage: sample_report OUT_DIR
#include <cstdio>

#include "report/html_report.hpp"
#include "support/sample_dashboard.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: sample_report OUT_DIR\n");
    return 2;
  }
  using namespace zkbench;
  const auto written = report::write_report(report::render_report(test::sample_dashboard(), report::AutoRefresh::off), argv[1]);
  if (!written) {
    std::fprintf(stderr, "error: %s\n", written.error().message.c_str());
    return 1;
  }
  return 0;
}
