// `zkbench report` and the live `zkbench serve` on real workflow projects (tests/support/workflow_repo.hpp):
// the report's files from the store, and the JSON API over real HTTP on an ephemeral loopback port while
// another zkbench process measures an experiment into the same store.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "support/env.hpp"
#include "support/process.hpp"
#include "support/serve_client.hpp"
#include "support/workflow_repo.hpp"

using zkbench::test::Background;
using zkbench::test::CliResult;
using zkbench::test::get_json;
using zkbench::test::served_port;
using zkbench::test::read_file;
using zkbench::test::ScopedEnv;
using zkbench::test::WorkflowRepo;

namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

} // namespace

// The lines `zkbench baseline` printed per input: "  a                median 0.0512 s  CV 1.2%  (6 runs)  output …".
std::map<std::string, std::pair<double, int>> printed_medians(const std::string& output) {
  std::map<std::string, std::pair<double, int>> medians;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string input, median_word, unit;
    double median = 0;
    if (!(words >> input >> median_word >> median >> unit) || median_word != "median" || unit != "s") {
      continue;
    }
    const std::size_t open = line.find("  (");
    const std::size_t runs = line.find(" runs)");
    if (open != std::string::npos && runs != std::string::npos) {
      medians[input] = {median, std::stoi(line.substr(open + 3, runs - open - 3))};
    }
  }
  return medians;
}

TEST(ReportDashboardE2e, baseline_table_shows_the_medians_the_terminal_printed_and_the_trend_colours_follow_verdicts) {
  // As in the demo: wall time is the primary metric, and the baseline is resumable: the first
  // `zkbench baseline` is killed after the first input's second run, so that input's runs are in two
  // sessions, linked to the baseline when the second `zkbench baseline` records it.
  WorkflowRepo repo(6, "0.03");
  const fs::path trace = repo.dir() / "trace";
  {
    ScopedEnv env;
    env.set("ZKBENCH_TEST_TRACE", trace.string());
    env.set("ZKBENCH_CONTENTION_GATE", "off");
    const pid_t killed = zkbench::test::spawn_zkbench(repo.dir(), "baseline", repo.dir() / "killed.log");
    // prog.sh writes a line with "e" as it ends: four ends are at most the two inputs' correctness runs
    // and two measured runs of input a, the first of them stored; a has 6 runs to measure.
    ASSERT_TRUE(zkbench::test::wait_until([&] {
      const std::string text = read_file(trace);
      return std::count(text.begin(), text.end(), 'e') >= 4;
    }));
    ::kill(killed, SIGKILL);
    zkbench::test::wait_process(killed);
  }
  const CliResult baseline = repo.zkbench("baseline");
  ASSERT_EQ(baseline.exit_code, 0) << baseline.output;
  ASSERT_TRUE(contains(baseline.output, "resumed a with ")) << baseline.output;
  const auto printed = printed_medians(baseline.output);
  ASSERT_EQ(printed.size(), 2u) << baseline.output;
  const std::string noop =
      repo.experiment("Comment only", "prog.sh", read_file(repo.dir() / "prog.sh") + "# a comment\n");
  ASSERT_EQ(repo.zkbench("exp run " + noop + " --strategy fixed").exit_code, 0);

  const CliResult report = repo.zkbench("report");
  ASSERT_EQ(report.exit_code, 0) << report.output;
  const auto data = nlohmann::json::parse(read_file(repo.dir() / "benchmarks/report/data.json"));
  ASSERT_EQ(data["baseline"]["inputs"].size(), 2u) << data["baseline"];
  for (const auto& input : data["baseline"]["inputs"]) {
    const auto terminal = printed.find(input["input"].get<std::string>());
    ASSERT_NE(terminal, printed.end()) << input;
    const auto& figures = input["metrics"][0];
    EXPECT_EQ(figures["n"], terminal->second.second) << input;
    // The terminal prints 4 decimals.
    EXPECT_NEAR(figures["median"].get<double>(), terminal->second.first, 0.5e-4) << input << baseline.output;
  }
  // The experiment, judged beside the baseline's build, shows both sides' runs: as many as its verdict
  // says it cost.
  ASSERT_EQ(data["experiments"].size(), 1u);
  const auto& experiment = data["experiments"][0];
  std::size_t candidate_runs = 0;
  std::size_t beside_runs = 0;
  for (const auto& input : experiment["inputs"]) {
    candidate_runs += input["candidate_runs"].size();
    beside_runs += input["baseline_runs"].size();
  }
  EXPECT_EQ(candidate_runs, experiment["cost"]["candidate_runs"].get<std::size_t>()) << experiment;
  EXPECT_EQ(beside_runs, experiment["cost"]["baseline_runs"].get<std::size_t>()) << experiment;
  EXPECT_GT(candidate_runs, 0u);
  // The comment-only change's point on the trend is coloured by its verdict: a regression only when it was
  // KILLed or REJECTed or its deciding interval lies above 0, an improvement only for a KEEP.
  const std::string trend = read_file(repo.dir() / "benchmarks/report/charts/trend.svg");
  const std::string verdict = experiment["verdict"].get<std::string>();
  const std::size_t title = trend.find("Comment only: ");
  ASSERT_NE(title, std::string::npos) << trend;
  const std::string label = trend.substr(title, trend.find("</title>", title) - title);
  const bool established = experiment["change_ci_low_pct"].is_number() && experiment["change_ci_low_pct"].get<double>() > 0;
  if (contains(label, "(regression)")) {
    EXPECT_TRUE(verdict == "KILL" || verdict == "REJECT" || (verdict == "DISCARD" && established)) << label << experiment;
  }
  if (contains(label, "(improvement)")) {
    EXPECT_EQ(verdict, "KEEP") << label;
  }
  const std::string index = read_file(repo.dir() / "benchmarks/report/index.html");
  EXPECT_TRUE(contains(index, "<th class=\"num\">median</th>")) << index;
}

TEST(ReportDashboardE2e, report_writes_the_dashboard_of_the_store) {
  // The primary metric is the steps prog.sh prints, not its sleeps: the verdicts and changes are exact
  // however loaded the machine is.
  WorkflowRepo repo(3, "0.05");
  repo.decide_on_steps("1000");
  ASSERT_EQ(repo.zkbench("baseline").exit_code, 0);
  const std::string keep = repo.experiment("Fewer <steps>", "steps", "500\n");
  const std::string discard = repo.experiment("More steps", "steps", "1600\n");
  ASSERT_EQ(repo.zkbench("exp run " + keep + " --strategy fixed").exit_code, 0);
  ASSERT_EQ(repo.zkbench("exp run " + discard + " --strategy sequential").exit_code, 0);
  ASSERT_EQ(repo.zkbench("learn 'Sleeping is slow & <costly>'").exit_code, 0);

  const CliResult report = repo.zkbench("report");
  ASSERT_EQ(report.exit_code, 0) << report.output;
  const fs::path dir = repo.dir() / "benchmarks" / "report";
  for (const char* file : {"index.html", "style.css", "data.json", "charts/trend.svg", "experiments/001.html",
                           "experiments/002.html"}) {
    EXPECT_TRUE(fs::exists(dir / file)) << file;
  }
  const auto data = nlohmann::json::parse(read_file(dir / "data.json"));
  ASSERT_EQ(data["experiments"].size(), 2u);
  const auto& kept = data["experiments"][0];
  const auto& discarded = data["experiments"][1];
  EXPECT_EQ(kept["verdict"], "KEEP");
  EXPECT_EQ(discarded["verdict"], "DISCARD");
  EXPECT_NEAR(kept["change_pct"].get<double>(), -50.0, 1e-9);
  EXPECT_NEAR(discarded["change_pct"].get<double>(), 60.0, 1e-9);
  ASSERT_EQ(kept["inputs"].size(), 2u);
  EXPECT_EQ(kept["inputs"][0]["candidate_runs"], nlohmann::json::array({500.0, 500.0, 500.0}));
  EXPECT_EQ(kept["inputs"][0]["baseline_runs"], nlohmann::json::array({1000.0, 1000.0, 1000.0}));
  ASSERT_EQ(data["baseline"]["inputs"].size(), 2u);
  // The baseline table shows the runs the baseline measured (3 per input, 1000 steps each): the same
  // figures the terminal printed, read through the workflow's reader of a baseline's linked sessions.
  for (const auto& input : data["baseline"]["inputs"]) {
    ASSERT_EQ(input["metrics"].size(), 1u) << input;
    EXPECT_EQ(input["metrics"][0]["n"], 3) << input;
    EXPECT_NEAR(input["metrics"][0]["mean"].get<double>(), 1000.0, 1e-9) << input;
  }
  EXPECT_EQ(data["baseline"]["primary"]["n"], 6);
  // What each verdict cost: the fixed run measured 3 runs per side on 2 inputs, interleaved (both sides),
  // which is also what a fixed design of the configured 3 runs measures.
  const auto cost = kept["cost"];
  ASSERT_TRUE(cost.is_object()) << kept;
  EXPECT_EQ(cost["baseline_runs"], 6) << cost;
  EXPECT_EQ(cost["candidate_runs"], 6) << cost;
  EXPECT_EQ(cost["fixed_runs"], 12) << cost;
  const std::string verdict_md = read_file(repo.dir() / "benchmarks/experiments" / (keep + "-fewer-steps") / "verdict.md");
  EXPECT_TRUE(contains(verdict_md, "- Cost: 12 runs (6 baseline + 6 candidate)")) << verdict_md;
  const std::string tracker = read_file(repo.dir() / "benchmarks/TRACKER.md");
  EXPECT_TRUE(contains(tracker, "Cost of the verdicts: 2 verdicts, ")) << tracker;
  EXPECT_TRUE(contains(tracker, "; a fixed design would have taken 24 runs")) << tracker;
  EXPECT_EQ(data["overview"]["status"], "complete");
  EXPECT_EQ(data["overview"]["best_experiment"], 1);
  EXPECT_NEAR(data["overview"]["best_change_pct"].get<double>(), -50.0, 1e-9);
  // The fixed run has no stopping trace; the sequential one stopped at its first look (exact figures).
  EXPECT_TRUE(kept["stopping"].empty());
  ASSERT_EQ(discarded["stopping"].size(), 1u);
  EXPECT_EQ(discarded["stopping"][0]["pairs"], 3);
  EXPECT_NEAR(discarded["stopping"][0]["estimate_pct"].get<double>(), 60.0, 1e-9);
  EXPECT_EQ(discarded["stopped_at"], 3);

  const std::string index = read_file(dir / "index.html");
  EXPECT_TRUE(contains(index, "Fewer &lt;steps&gt;"));
  EXPECT_TRUE(contains(index, "Sleeping is slow &amp; &lt;costly&gt;"));
  EXPECT_FALSE(contains(index, "http-equiv=\"refresh\"")); // nothing running
  const std::string page = read_file(dir / "experiments/001.html");
  EXPECT_TRUE(contains(page, "+500")); // the patch
  EXPECT_TRUE(contains(page, "<section id=\"reasoning\">"));
  EXPECT_NE(page.find("<svg"), page.rfind("<svg")); // both inputs' runs drawn
  EXPECT_FALSE(contains(page, "<section id=\"stopping\">"));
  const std::string sequential = read_file(dir / "experiments/002.html");
  EXPECT_TRUE(contains(sequential, "<section id=\"stopping\">")) << sequential;
  EXPECT_TRUE(contains(sequential, "charts/002-stopping.svg"));
  const std::string trace = read_file(dir / "charts/002-stopping.svg");
  EXPECT_TRUE(contains(trace, "<svg"));
  EXPECT_TRUE(contains(trace, "stopped at 3")) << trace;

  // --output elsewhere, and a clear error outside a project.
  EXPECT_EQ(repo.zkbench("report --output out/r").exit_code, 0);
  EXPECT_TRUE(fs::exists(repo.dir() / "out/r/index.html"));
  const CliResult outside = repo.zkbench("report --config nowhere.yaml");
  EXPECT_NE(outside.exit_code, 0);
  EXPECT_TRUE(contains(outside.output, "nowhere.yaml")) << outside.output;
}

TEST(ReportDashboardE2e, serve_answers_the_api_while_an_experiment_runs) {
  WorkflowRepo repo(6, "0.05");
  ASSERT_EQ(repo.zkbench("baseline").exit_code, 0);
  const std::string number = repo.experiment("Slower", "delay", "0.12\n");

  Background server(repo.dir(), "serve --port 0", repo.dir() / "serve.log");
  const int port = served_port(server);
  ASSERT_GT(port, 0) << server.output();
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10, 0);

  const auto before = get_json(client, "/api/experiments");
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0]["verdict"], "");

  // Another process writes the store (WAL) while the server keeps answering.
  // Fixed: all 6 runs per side, so the experiment lasts long enough to be seen running.
  Background experiment(repo.dir(), "exp run " + number + " --strategy fixed", repo.dir() / "exp.log");
  int answered = 0;
  bool saw_running = false;
  while (experiment.running()) {
    const auto status = get_json(client, "/api/status");
    ASSERT_TRUE(status.is_object());
    ++answered;
    saw_running = saw_running || status["status"] == "running";
    const auto index = client.Get("/");
    ASSERT_TRUE(index);
    EXPECT_EQ(index->status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_EQ(experiment.wait(), 0) << experiment.output();
  EXPECT_GT(answered, 5);
  EXPECT_TRUE(saw_running);

  // The server reloads the store every 2 s: the verdict shows up without restarting it.
  nlohmann::json shown;
  for (int i = 0; i < 100; ++i) {
    shown = get_json(client, "/api/experiments/" + number);
    if (shown.is_object() && !shown["verdict"].get<std::string>().empty()) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const CliResult record = repo.zkbench("exp show " + number + " --json");
  ASSERT_EQ(record.exit_code, 0) << record.output;
  EXPECT_FALSE(shown["verdict"].get<std::string>().empty()) << shown.dump();
  EXPECT_EQ(shown["verdict"], nlohmann::json::parse(record.output)["verdict"]);
  EXPECT_EQ(shown["inputs"].size(), 2u);
  EXPECT_GT(shown["change_pct"].get<double>(), 50.0);
  EXPECT_EQ(get_json(client, "/api/experiments/999", 404)["error"], "no experiment 999");
  const auto page = client.Get("/experiments/" + number + ".html");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_TRUE(contains(page->body, "<meta http-equiv=\"refresh\" content=\"30\">"));
  client.set_url_encode(false);
  const auto traversal = client.Get("/../zkbench.yaml");
  ASSERT_TRUE(traversal);
  EXPECT_NE(traversal->status, 200);
  EXPECT_FALSE(contains(traversal->body, "objective"));
  EXPECT_TRUE(server.running()) << server.output();
}

TEST(ReportDashboardE2e, serve_shows_a_bisection_that_ends_while_it_serves) {
  WorkflowRepo repo(3, "0.02");
  repo.decide_on_steps("1000");
  repo.declare_steps_deterministic();
  const std::string good = repo.history_with_a_step("1300");
  Background server(repo.dir(), "serve --port 0", repo.dir() / "serve.log");
  const int port = served_port(server);
  ASSERT_GT(port, 0) << server.output();
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10, 0);
  EXPECT_TRUE(get_json(client, "/api/bisections").empty());

  const CliResult run = repo.zkbench("bisect --metric steps " + good + " HEAD");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  // The server watches benchmarks/bisect/: the finished bisection shows up without restarting it.
  nlohmann::json listed;
  for (int i = 0; i < 100; ++i) {
    listed = get_json(client, "/api/bisections");
    if (listed.size() == 1 && listed[0]["complete"] == true) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // What the server said (and whether it still runs) when it did not answer: CI saw every request of
  // this loop refused once, with no more to go on.
  ASSERT_EQ(listed.size(), 1u) << listed.dump() << "\nserver running: " << server.running() << "\n"
                               << server.output();
  EXPECT_EQ(listed[0]["first_bad"]["commit"], repo.head("HEAD~1"));
  const auto page = client.Get("/bisect/001.html");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_TRUE(contains(page->body, "<strong class=\"subject\">steps 1300</strong>")) << page->body;
  const auto index = client.Get("/");
  ASSERT_TRUE(index);
  EXPECT_TRUE(contains(index->body, "<a href=\"bisect/001.html\">001</a>"));
  // A results.json that appears with no write to the store (a node of a cluster wrote it) shows up too,
  // well before the 30 s after which the server reloads anyway.
  std::filesystem::copy(repo.dir() / "benchmarks" / "bisect" / "001", repo.dir() / "benchmarks" / "bisect" / "002");
  for (int i = 0; i < 100 && listed.size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    listed = get_json(client, "/api/bisections");
  }
  EXPECT_EQ(listed.size(), 2u) << listed.dump();
  EXPECT_TRUE(server.running()) << server.output();
}
