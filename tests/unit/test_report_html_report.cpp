// The HTML report: every section, escaping, sort attributes, offline-only references, atomic writes.
#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "report/html_report.hpp"
#include "support/fixtures.hpp"
#include "support/sample_dashboard.hpp"

namespace zkbench::report {
namespace {

namespace fs = std::filesystem;

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

const ReportFile* find_file(const std::vector<ReportFile>& files, const std::string& path) {
  const auto it = std::find_if(files.begin(), files.end(), [&](const ReportFile& f) { return f.path == path; });
  return it == files.end() ? nullptr : &*it;
}

TEST(ReportHtml, index_has_every_section) {
  const std::string page = render_index(test::sample_dashboard(), AutoRefresh::off);
  for (const char* id :
       {"overview", "current", "baseline", "trend", "experiments", "learnings", "backlog", "conflicts", "bisections"}) {
    EXPECT_NE(page.find(std::string("<section id=\"") + id + "\">"), std::string::npos) << id;
  }
  EXPECT_NE(page.find("<svg"), std::string::npos); // the trend chart, inline
  EXPECT_NE(page.find("7/8 experiments"), std::string::npos);
  EXPECT_NE(page.find("id=\"conflicts-matrix\""), std::string::npos);
}

TEST(ReportHtml, current_run_section_only_while_running) {
  Dashboard dashboard = test::sample_dashboard();
  dashboard.current.reset();
  EXPECT_EQ(render_index(dashboard, AutoRefresh::off).find("id=\"current\""), std::string::npos);
}

TEST(ReportHtml, current_run_shows_the_scheduler_job_its_node_and_state) {
  Dashboard dashboard = test::sample_dashboard();
  EXPECT_EQ(render_index(dashboard, AutoRefresh::off).find("class=\"scheduler\""), std::string::npos);
  dashboard.current->scheduler_job = "Slurm job 12";
  dashboard.current->node = "gpu-3";
  dashboard.current->state = "RUNNING";
  EXPECT_NE(render_index(dashboard, AutoRefresh::off).find("<p class=\"scheduler\">Slurm job 12 on gpu-3: RUNNING</p>"),
            std::string::npos);
  dashboard.current->node.clear(); // waiting: no node yet
  dashboard.current->state = "PENDING (Dependency)";
  EXPECT_NE(render_index(dashboard, AutoRefresh::off).find("<p class=\"scheduler\">Slurm job 12: PENDING (Dependency)</p>"),
            std::string::npos);
}

TEST(ReportHtml, current_run_shows_what_the_contention_gate_waits_for) {
  Dashboard dashboard = test::sample_dashboard();
  EXPECT_EQ(render_index(dashboard, AutoRefresh::off).find("class=\"waiting\""), std::string::npos);
  dashboard.current->waiting = "waiting: cc1plus (2 processes, 1.9 cores) — needs < 0.2 cores for 5 s";
  EXPECT_NE(render_index(dashboard, AutoRefresh::off)
                .find("<p class=\"waiting\">waiting: cc1plus (2 processes, 1.9 cores) — needs &lt; 0.2 cores for 5 s</p>"),
            std::string::npos);
  const auto json = nlohmann::json::parse(status_json(dashboard).dump());
  EXPECT_EQ(json["current"]["waiting"], dashboard.current->waiting);
}

TEST(ReportHtml, escapes_names_hypotheses_patches_and_logs) {
  const Dashboard dashboard = test::sample_dashboard();
  const std::vector<ReportFile> files = render_report(dashboard, AutoRefresh::off);
  for (const ReportFile& file : files) {
    if (file.path.size() > 5 && file.path.substr(file.path.size() - 5) == ".html") {
      // The only <script> is the sorting script, once per page.
      EXPECT_EQ(count(file.content, "<script"), 1u) << file.path;
      EXPECT_EQ(file.content.find("<MPT>"), std::string::npos) << file.path;
      EXPECT_EQ(file.content.find("<ok>"), std::string::npos) << file.path;
      EXPECT_EQ(file.content.find("<cached>"), std::string::npos) << file.path;
    }
  }
  const std::string page = find_file(files, "experiments/003.html")->content;
  EXPECT_NE(page.find("cache &lt;script&gt;alert(3)&lt;/script&gt; &amp; &quot;quote&quot;"), std::string::npos);
  EXPECT_NE(page.find("fn hash(&amp;self) -&gt; &amp;H256 { // &lt;cached&gt;"), std::string::npos);
  EXPECT_NE(page.find("Caching &lt;MPT&gt; node hashes"), std::string::npos);
}

TEST(ReportHtml, experiments_table_carries_sort_attributes) {
  const Dashboard dashboard = test::sample_dashboard();
  const std::string page = render_index(dashboard, AutoRefresh::off);
  const std::size_t start = page.find("<table class=\"sortable\" id=\"experiments-table\">");
  ASSERT_NE(start, std::string::npos);
  const std::string table = page.substr(start, page.find("</table>", start) - start);
  EXPECT_EQ(count(table, "<th data-type=\""), 7u);
  EXPECT_EQ(count(table, "<tr>"), dashboard.experiments.size() + 1);
  EXPECT_EQ(count(table, "data-value=\""), 7 * dashboard.experiments.size());
  // Δ sorts by the raw number: experiment 1's change is 7.3 - 11 = -3.7.
  EXPECT_NE(table.find("data-value=\"-3.7"), std::string::npos);
  EXPECT_NE(page.find("table.sortable"), std::string::npos); // the script that sorts them
}

TEST(ReportHtml, verdicts_are_coloured_by_kind) {
  const std::string page = render_index(test::sample_dashboard(), AutoRefresh::off);
  EXPECT_NE(page.find("<span class=\"verdict verdict-keep\">KEEP</span>"), std::string::npos);
  EXPECT_NE(page.find("<span class=\"verdict verdict-regression\">KILL</span>"), std::string::npos);
  EXPECT_NE(page.find("<span class=\"verdict verdict-maybe\">MAYBE</span>"), std::string::npos);
  EXPECT_NE(page.find("<span class=\"verdict verdict-running\">running</span>"), std::string::npos);
  EXPECT_NE(report_css().find(".verdict-keep"), std::string::npos);
}

TEST(ReportHtml, refresh_meta_only_when_asked) {
  const Dashboard dashboard = test::sample_dashboard();
  EXPECT_EQ(render_index(dashboard, AutoRefresh::off).find("http-equiv=\"refresh\""), std::string::npos);
  EXPECT_NE(render_index(dashboard, AutoRefresh::every_30s).find("<meta http-equiv=\"refresh\" content=\"30\">"),
            std::string::npos);
}

TEST(ReportHtml, experiment_page_has_every_section_and_charts) {
  const Dashboard dashboard = test::sample_dashboard();
  const std::string page = render_experiment_page(dashboard, dashboard.experiments[0], AutoRefresh::off);
  for (const char* id : {"hypothesis", "inputs", "charts", "stopping", "profile", "reasoning", "patch"}) {
    EXPECT_NE(page.find(std::string("<section id=\"") + id + "\">"), std::string::npos) << id;
  }
  EXPECT_EQ(count(page, "<svg"), 3u); // each input's runs, inline
  const std::vector<ReportFile> charts = experiment_charts(dashboard.experiments[0]);
  ASSERT_EQ(charts.size(), 2u); // stopping, profile
  for (const ReportFile& chart : charts) {
    EXPECT_NE(page.find("src=\"../" + chart.path + "\""), std::string::npos) << chart.path;
    EXPECT_EQ(chart.content.rfind("<svg", 0), 0u) << chart.path;
  }
  // Experiment 2 was not sequential and has no profile: no empty sections for them.
  const std::string second = render_experiment_page(dashboard, dashboard.experiments[1], AutoRefresh::off);
  EXPECT_EQ(second.find("id=\"stopping\""), std::string::npos);
  EXPECT_EQ(second.find("id=\"profile\""), std::string::npos);
}

TEST(ReportHtml, a_killed_experiment_says_why_it_has_no_results_and_wraps_its_reason) {
  Dashboard dashboard = test::sample_dashboard(2);
  Experiment& killed = dashboard.experiments[1];
  killed.verdict = core::Outcome::kill;
  killed.inputs.clear();
  killed.reasoning = "KILL: run 1 of input a took 12.3 s, past 1.15 x the baseline's slowest run (10.1 s); " +
                     std::string(300, 'x');
  const std::string page = render_experiment_page(dashboard, killed, AutoRefresh::off);
  EXPECT_EQ(page.find("No per-input results yet."), std::string::npos);
  EXPECT_NE(page.find("the experiment ended with KILL before its runs were compared"), std::string::npos);
  EXPECT_NE(page.find("<pre class=\"wrap\">KILL: run 1 of input a"), std::string::npos);
  EXPECT_NE(report_css().find("pre.wrap { white-space: pre-wrap;"), std::string::npos);
}

TEST(ReportHtml, references_only_files_of_the_report) {
  const std::vector<ReportFile> files = render_report(test::sample_dashboard(), AutoRefresh::every_30s);
  std::set<std::string> paths;
  for (const ReportFile& file : files) {
    paths.insert(file.path);
  }
  for (const char* required : {"index.html", "style.css", "data.json", "charts/trend.svg", "experiments/008.html"}) {
    EXPECT_EQ(paths.count(required), 1u) << required;
  }
  const std::regex reference(R"re((?:src|href)="([^"#]*)")re");
  for (const ReportFile& file : files) {
    const fs::path base = fs::path(file.path).parent_path();
    for (auto it = std::sregex_iterator(file.content.begin(), file.content.end(), reference); it != std::sregex_iterator(); ++it) {
      const std::string target = (*it)[1];
      if (target.empty() || target == "data:,") {
        continue;
      }
      EXPECT_EQ(target.find(':'), std::string::npos) << file.path << " refers to " << target;
      EXPECT_EQ(paths.count((base / target).lexically_normal().string()), 1u) << file.path << " refers to " << target;
    }
  }
}

TEST(ReportHtml, data_json_holds_every_experiment) {
  const Dashboard dashboard = test::sample_dashboard();
  const std::vector<ReportFile> files = render_report(dashboard, AutoRefresh::off);
  const auto json = nlohmann::json::parse(find_file(files, "data.json")->content);
  ASSERT_EQ(json["experiments"].size(), dashboard.experiments.size());
  EXPECT_EQ(json["experiments"][2]["name"], dashboard.experiments[2].name);
  EXPECT_EQ(json["overview"]["status"], "running");
  EXPECT_EQ(json["current"]["log_tail"].size(), k_log_tail_lines);
}

TEST(ReportHtml, write_report_replaces_the_folder_whole) {
  test::TempDir tmp;
  const fs::path dir = tmp.path() / "benchmarks" / "report";
  ASSERT_TRUE(write_report(render_report(test::sample_dashboard(3), AutoRefresh::off), dir));
  EXPECT_TRUE(fs::exists(dir / "experiments" / "003.html"));
  ASSERT_TRUE(write_report(render_report(test::sample_dashboard(2), AutoRefresh::off), dir));
  EXPECT_TRUE(fs::exists(dir / "experiments" / "002.html"));
  EXPECT_FALSE(fs::exists(dir / "experiments" / "003.html")); // nothing stale from the old report
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir.parent_path())) {
    ++entries;
  }
  EXPECT_EQ(entries, 1u); // no temporary folder left behind
}

TEST(ReportHtml, write_report_refuses_a_file_in_the_way) {
  test::TempDir tmp;
  test::write_file(tmp.path() / "report", "not a folder");
  const auto written = write_report(render_report(test::sample_dashboard(1), AutoRefresh::off), tmp.path() / "report");
  ASSERT_FALSE(written);
  EXPECT_NE(written.error().message.find("is not a folder"), std::string::npos);
}

// A bisection of four commits: GOOD 0, 1 good, 2 skipped (does not build), 3 bad = BAD's culprit.
core::BisectRecord sample_bisection(bool complete) {
  core::BisectRecord b;
  b.id = "004";
  b.complete = complete;
  b.good = std::string(40, '0');
  b.bad = std::string(40, '4');
  b.metric = "time";
  b.inputs = {"a"};
  b.direction = "slower";
  for (char c = '0'; c <= '4'; ++c) {
    b.commits.push_back({std::string(40, c), std::string("subject <") + c + ">", "", ""});
  }
  b.commits[1].verdict = "good";
  b.commits[2].verdict = "skipped";
  b.commits[2].note = "does not build: <error>";
  b.commits[3].verdict = "bad";
  b.steps = {{b.commits[2].commit, "skipped"}, {b.commits[3].commit, "bad"}, {b.commits[1].commit, "good"}};
  core::BisectRecord::Comparison ends{b.bad, b.good, "a", "time", "KEEP", false, "faster", -0.13, -0.2, -0.05,
                                      "sequential", 10, 10, "", ""};
  core::BisectRecord::Comparison third{b.commits[3].commit, b.good, "a", "time", "KEEP", false, "faster", -0.12,
                                       std::nullopt, -0.04, "sequential", 8, 8, "", ""};
  core::BisectRecord::Comparison first{b.bad, b.commits[1].commit, "a", "time", "KEEP", false, "faster", -0.14,
                                       -0.2, -0.1, "sequential", 9, 9, "", ""};
  b.comparisons = {ends, third, first};
  b.cost.baseline_runs = 27;
  b.cost.candidate_runs = 27;
  if (complete) {
    b.outcome = "culprit";
    b.answer = "first bad commit 333333333333 \"subject <3>\" (slower)";
    b.first_bad = core::BisectRecord::Culprit{b.commits[3].commit, "subject <3>", " prog.c | 2 +-\n"};
    b.confidence = "each step rests on one claim";
    b.git_bisect_fixed_runs = 40;
    b.git_bisect_runs_per_side = 10;
  }
  return b;
}

TEST(ReportHtml, a_bisection_page_shows_the_culprit_every_step_the_skipped_commits_the_confidence_and_the_cost) {
  Dashboard dashboard = test::sample_dashboard();
  dashboard.bisections = {sample_bisection(true)};
  const auto files = render_report(dashboard, AutoRefresh::off);
  const ReportFile* page = find_file(files, "bisect/004.html");
  ASSERT_NE(page, nullptr);
  const std::string& html = page->content;
  for (const char* id : {"answer", "range", "culprit", "steps", "skipped", "confidence", "cost"}) {
    EXPECT_NE(html.find(std::string("<section id=\"") + id + "\">"), std::string::npos) << id;
  }
  EXPECT_NE(html.find("<code class=\"commit\">" + std::string(40, '3') + "</code> <strong class=\"subject\">subject "
                      "&lt;3&gt;</strong>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<pre class=\"diffstat\"> prog.c | 2 +-\n</pre>"), std::string::npos);
  EXPECT_EQ(count(html, "<tr class=\"step\">"), 3U);
  // Steps in probe order: the skipped commit first, with its reason instead of comparisons.
  EXPECT_LT(html.find("<code>222222222222</code>"), html.find("<code>333333333333</code></td>"));
  EXPECT_NE(html.find("does not build: &lt;error&gt;</td>"), std::string::npos) << html;
  // Each comparison with its change and interval (a one-sided one unbounded), the ends' in their own row.
  EXPECT_NE(html.find("<code>000000000000</code> against <code>333333333333</code> · a · time -12.0 % [−inf, -4.0] % · "
                      "KEEP (faster) · runs 8 + 8"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<tr class=\"ends\">"), std::string::npos);
  EXPECT_NE(html.find("[-20.0, -5.0] %"), std::string::npos);
  EXPECT_NE(html.find("<li><code>222222222222</code> subject &lt;2&gt;: skipped — does not build: &lt;error&gt;</li>"),
            std::string::npos);
  EXPECT_NE(html.find("each step rests on one claim."), std::string::npos);
  EXPECT_NE(html.find("54 runs (27 baseline + 27 candidate)"), std::string::npos) << html;
  EXPECT_NE(html.find("fixed 10-run A/B per step would have measured 40 runs"), std::string::npos);
  // Linked from the index, and in data.json.
  const std::string index = render_index(dashboard, AutoRefresh::off);
  EXPECT_NE(index.find("<a href=\"bisect/004.html\">004</a>"), std::string::npos);
  EXPECT_NE(index.find("first bad commit 333333333333 &quot;subject &lt;3&gt;&quot; (slower)"), std::string::npos);
  EXPECT_EQ(to_json(dashboard)["bisections"][0]["first_bad"]["subject"], "subject <3>");
}

TEST(ReportHtml, an_unfinished_bisection_says_so_and_shows_its_steps_so_far) {
  Dashboard dashboard = test::sample_dashboard();
  dashboard.bisections = {sample_bisection(false)};
  const std::string html = render_bisect_page(dashboard.bisections[0], AutoRefresh::off);
  EXPECT_NE(html.find("not finished: 3 commits probed"), std::string::npos) << html;
  EXPECT_NE(html.find("the same <code>zkbench bisect GOOD BAD</code> resumes it"), std::string::npos);
  EXPECT_NE(html.find("Not found yet."), std::string::npos);
  EXPECT_NE(html.find("Not yet: the bisection has not ended."), std::string::npos);
  EXPECT_EQ(count(html, "<tr class=\"step\">"), 3U);
  EXPECT_NE(render_index(dashboard, AutoRefresh::off).find("not finished: 3 commits probed"), std::string::npos);
  dashboard.bisections[0].direction.clear();
  dashboard.bisections[0].steps.clear();
  EXPECT_NE(render_index(dashboard, AutoRefresh::off).find("not finished: comparing the ends"), std::string::npos);
}

} // namespace
} // namespace zkbench::report
