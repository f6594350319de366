#include "report/ci_summary.hpp"

#include <vector>

#include <gtest/gtest.h>

using namespace zkbench;

namespace {

verdict::MetricComparison metric(const std::string& name, double base, double cand, bool deterministic) {
  verdict::MetricComparison m;
  m.metric = name;
  m.baseline.n = 10;
  m.baseline.mean = base;
  m.candidate.n = 12;
  m.candidate.mean = cand;
  m.change = cand / base - 1;
  m.deterministic = deterministic;
  if (!deterministic) {
    m.ci_lo = m.change - 0.01;
    m.ci_hi = m.change + 0.01;
  }
  return m;
}

verdict::CommandComparison input(const std::string& name, verdict::Verdict v, std::vector<verdict::MetricComparison> ms,
                                 const std::string& reason) {
  verdict::CommandComparison c;
  c.command = name;
  c.metrics = std::move(ms);
  c.decision = {v, false, reason};
  return c;
}

} // namespace

TEST(CiSummary, shows_each_input_verdict_change_with_interval_and_exact_deterministic_deltas) {
  const std::vector<verdict::CommandComparison> inputs = {
      input("fib", verdict::Verdict::keep,
            {metric("time", 2.0, 1.8, false), metric("steps", 123456789, 123450000, true)}, "-10.00% faster"),
      input("sha | big", verdict::Verdict::maybe, {metric("time", 0.5, 0.49, false)}, "-2.00%, below keep")};
  report::CiSummary s;
  s.title = "zkbench compare a.json b.json";
  s.policy = "zkvm";
  s.inputs = inputs;
  s.overall = {verdict::Verdict::keep, false, "weighted change -8%"};
  const std::string md = report::render_ci_summary(s);

  EXPECT_NE(md.find("## zkbench compare a.json b.json: KEEP\n"), std::string::npos) << md;
  EXPECT_NE(md.find("**Overall (zkvm policy): KEEP** — weighted change -8%"), std::string::npos) << md;
  EXPECT_NE(md.find("| fib | KEEP | 2.000 s (n=10) | 1.800 s (n=12) | -10.00% [-11.00%, -9.00%] |"),
            std::string::npos)
      << md;
  // '|' in a name is escaped so the table keeps its columns; sub-second times in ms.
  EXPECT_NE(md.find("| sha \\| big | MAYBE | 500.0 ms (n=10) | 490.0 ms (n=12) | -2.00% [-3.00%, -1.00%] |"),
            std::string::npos)
      << md;
  // Deterministic metrics exactly: every digit, the delta as an integer.
  EXPECT_NE(md.find("| fib | steps | 123456789 | 123450000 | -6789 | -0.0055% |"), std::string::npos) << md;
  EXPECT_NE(md.find("- **fib** KEEP: -10.00% faster"), std::string::npos) << md;
  EXPECT_NE(md.find("**Exit status 0** (no regression)"), std::string::npos) << md;
}

TEST(CiSummary, a_regression_says_exit_status_4_and_omits_the_deterministic_table_when_there_is_none) {
  const std::vector<verdict::CommandComparison> inputs = {
      input("prove", verdict::Verdict::discard, {metric("time", 1.0, 1.2, false)}, "+20.00% slower")};
  report::CiSummary s;
  s.title = "zkbench ab";
  s.policy = "generic";
  s.inputs = inputs;
  s.overall = {verdict::Verdict::discard, true, "+20.00% slower"};
  s.exit_status = 4;
  const std::string md = report::render_ci_summary(s);
  EXPECT_NE(md.find("**Overall (generic policy): DISCARD (regression)**"), std::string::npos) << md;
  EXPECT_NE(md.find("**Exit status 4** (regression)"), std::string::npos) << md;
  EXPECT_EQ(md.find("Deterministic"), std::string::npos) << md;
}

TEST(CiSummary, an_input_without_the_primary_metric_or_time_shows_dashes) {
  const std::vector<verdict::CommandComparison> inputs = {input("broken", verdict::Verdict::reject, {}, "build failed")};
  report::CiSummary s;
  s.title = "zkbench exp run 003 (x)";
  s.policy = "generic";
  s.primary_metric = "cycles";
  s.inputs = inputs;
  s.overall = {verdict::Verdict::reject, false, "build failed"};
  const std::string md = report::render_ci_summary(s);
  EXPECT_NE(md.find("| Input | Verdict | cycles baseline | cycles candidate |"), std::string::npos) << md;
  EXPECT_NE(md.find("| broken | REJECT | - | - | - |"), std::string::npos) << md;
}
