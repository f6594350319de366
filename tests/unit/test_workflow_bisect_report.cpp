// What `zkbench bisect` writes, from outcome values: the one-line answer, results.json and report.md, and
// the confidence statement (workflow/bisect_report.hpp, workflow::confidence_statement).
#include "workflow/bisect_report.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace zkbench::workflow {
namespace {

std::string sha(char c) {
  return std::string(40, c);
}

// Five commits (GOOD 0 .. BAD 4); commit 3 slowed the program.
BisectOutcome culprit_outcome() {
  BisectOutcome o;
  o.id = "002";
  o.complete = true;
  o.ends_compared = true;
  o.good = sha('0');
  o.bad = sha('4');
  o.metric = "time";
  o.inputs = {"a"};
  o.direction = Shift::slower;
  for (char c = '0'; c <= '4'; ++c) {
    o.commits.push_back({sha(c), std::string("commit ") + c, std::nullopt, {}});
  }
  o.commits[2].verdict = CommitClass::good;
  o.commits[3].verdict = CommitClass::bad;
  SearchResult search;
  search.first_bad = 3;
  search.last_good = 2;
  o.search = search;
  o.culprit_subject = "commit 3";
  o.culprit_diff_stat = " prog.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)";
  BisectEvidence e;
  e.baseline = sha('3');
  e.candidate = sha('0');
  e.input = "a";
  e.metric = "time";
  e.verdict = "KEEP";
  e.shift = Shift::faster;
  e.change = -0.13;
  e.lo = -0.18;
  e.hi = -0.09;
  e.baseline_runs = 5;
  e.candidate_runs = 5;
  o.evidence = {e};
  o.cost.baseline_runs = 5;
  o.cost.candidate_runs = 5;
  o.git_bisect_runs = 40;
  o.fixed_runs = 10;
  o.alpha = 0.05;
  o.claims = 3;
  o.comparisons = 3;
  return o;
}

TEST(BisectReport, names_the_first_bad_commit_with_its_subject_and_direction) {
  const BisectOutcome o = culprit_outcome();
  EXPECT_EQ(bisect_answer(o), "first bad commit 333333333333 \"commit 3\" (slower)");
  const auto j = core::to_json(bisect_record(o));
  EXPECT_EQ(j["outcome"], "culprit");
  EXPECT_EQ(j["first_bad"]["commit"], sha('3'));
  EXPECT_EQ(j["first_bad"]["diff_stat"], o.culprit_diff_stat);
  EXPECT_EQ(j["last_good"], sha('2'));
  EXPECT_EQ(j["commits"][3]["verdict"], "bad");
  EXPECT_TRUE(j["commits"][1]["verdict"].is_null()); // never probed
  EXPECT_EQ(j["comparisons"][0]["interval"][0], -0.18);
  EXPECT_EQ(j["comparisons"][0]["shift"], "faster");
  EXPECT_EQ(j["cost"]["runs"], 10);
  EXPECT_EQ(j["git_bisect_fixed_runs"], 40);
  EXPECT_NEAR(j["confidence"]["bound"].get<double>(), 0.85, 1e-12); // 1 - 3 claims x 5%
}

TEST(BisectReport, markdown_has_the_answer_the_diff_stat_the_evidence_and_the_confidence) {
  const std::string md = bisect_report_markdown(culprit_outcome());
  EXPECT_NE(md.find("**first bad commit 333333333333 \"commit 3\" (slower)**"), std::string::npos) << md;
  EXPECT_NE(md.find("prog.c | 2 +-"), std::string::npos) << md;
  EXPECT_NE(md.find("| 000000000000 | 333333333333 | a | time -13.00% [-18.00%, -9.00%] | KEEP (faster) | 5 + 5 |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("would have measured 40 runs"), std::string::npos) << md;
  EXPECT_NE(md.find("right with probability at least 85%"), std::string::npos) << md;
}

TEST(BisectReport, an_open_range_names_every_commit_it_holds) {
  BisectOutcome o = culprit_outcome();
  o.search->unknown = {2};
  o.search->last_good = 1;
  o.commits[2].verdict = CommitClass::skip;
  EXPECT_EQ(bisect_answer(o), "the first bad commit is one of 222222222222, 333333333333 (skipped or unsettled "
                              "commits left the range open; slower)");
  EXPECT_EQ(core::to_json(bisect_record(o))["outcome"], "range");
  o.search->gave_up = true;
  EXPECT_EQ(bisect_answer(o).substr(0, 73), "the first bad commit lies in 111111111111..333333333333 (2 commits after ");
}

TEST(BisectReport, no_difference_between_the_ends_has_no_culprit_and_no_claim) {
  BisectOutcome o = culprit_outcome();
  o.direction = Shift::none;
  o.search.reset();
  o.claims = 0;
  EXPECT_EQ(bisect_answer(o), "no difference between the ends");
  const auto j = core::to_json(bisect_record(o));
  EXPECT_EQ(j["outcome"], "no difference");
  EXPECT_FALSE(j.contains("first_bad"));
  EXPECT_TRUE(j["confidence"]["bound"].is_null());
  EXPECT_NE(confidence_statement(o).find("no claim was made"), std::string::npos);
}

TEST(BisectReport, ends_not_confirmed_after_a_search_that_placed_nothing_say_so) {
  BisectOutcome o = culprit_outcome();
  o.direction = Shift::none;
  o.search.reset();
  o.claims = 0;
  o.steps = {{2, CommitClass::unsettled}, {3, CommitClass::unsettled}, {1, CommitClass::unsettled}};
  EXPECT_EQ(bisect_answer(o), "no difference between the ends");
  EXPECT_EQ(core::to_json(bisect_record(o))["outcome"], "no difference");
  const std::string statement = confidence_statement(o);
  EXPECT_NE(statement.find("the ends' first claim"), std::string::npos) << statement;
  EXPECT_NE(statement.find("was not confirmed"), std::string::npos) << statement;
  EXPECT_EQ(statement.find("no claim was made"), std::string::npos) << statement;
}

TEST(BisectReport, an_exact_metric_has_no_statistical_error_and_too_many_claims_no_bound) {
  BisectOutcome o = culprit_outcome();
  o.exact = true;
  o.metric = "steps";
  EXPECT_NE(confidence_statement(o).find("decided exactly on the deterministic metric steps"), std::string::npos);
  o.exact = false;
  o.claims = 25; // 25 x 5% >= 1
  EXPECT_NE(confidence_statement(o).find("no useful bound"), std::string::npos) << confidence_statement(o);
}

TEST(BisectReport, describe_change_says_exact_or_unbounded) {
  BisectEvidence e;
  e.change = 0.15;
  e.interval = "exact";
  EXPECT_EQ(describe_change(e), "+15.00% (exact)");
  e.interval = "sequential";
  e.lo = 0.1;
  EXPECT_EQ(describe_change(e), "+15.00% [+10.00%, +inf]");
  e.change = std::nan("");
  EXPECT_EQ(describe_change(e), "n/a");
}

TEST(BisectReport, results_json_reads_back_as_the_record_it_was_written_from) {
  BisectOutcome o = culprit_outcome();
  o.steps = {{2, CommitClass::good}, {3, CommitClass::bad}};
  o.threshold = 0.02;
  o.max_runs = 40;
  o.commits[1].note = "does not build: cc failed";
  const core::BisectRecord written = bisect_record(o);
  // Through the text, as the dashboard and a resumed bisection read it.
  const auto read = core::read_bisect_record(nlohmann::json::parse(core::to_json(written).dump()));
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(core::to_json(*read), core::to_json(written));
  EXPECT_TRUE(read->complete);
  EXPECT_EQ(read->steps.size(), 2U);
  EXPECT_EQ(read->steps[1].commit, sha('3'));
  EXPECT_EQ(read->steps[1].verdict, "bad");
  EXPECT_EQ(read->commits[1].note, "does not build: cc failed");
  ASSERT_TRUE(read->first_bad);
  EXPECT_EQ(read->first_bad->diff_stat, o.culprit_diff_stat);
  ASSERT_EQ(read->comparisons.size(), 1U);
  EXPECT_EQ(read->comparisons[0].low, -0.18);
  EXPECT_EQ(read->cost.runs(), 10U);
  EXPECT_EQ(read->threshold, 0.02);
  EXPECT_EQ(read->confidence, confidence_statement(o));
}

TEST(BisectReport, a_bisection_still_running_has_its_steps_but_no_answer_yet) {
  BisectOutcome o = culprit_outcome();
  o.complete = false;
  o.search.reset();
  o.steps = {{2, CommitClass::good}};
  const auto j = core::to_json(bisect_record(o));
  EXPECT_FALSE(j["complete"].get<bool>());
  EXPECT_EQ(j["direction"], "slower");
  EXPECT_EQ(j["outcome"], "");
  EXPECT_EQ(j["steps"].size(), 1U);
  EXPECT_FALSE(j.contains("first_bad"));
  o.ends_compared = false;
  EXPECT_EQ(core::to_json(bisect_record(o))["direction"], "");
}

} // namespace
} // namespace zkbench::workflow
