// core/experiment: the experiment number (parse, format), status and outcome names, and results.json
// (the one reader and writer): byte-compatible with what `exp run` wrote before the typed value, and
// lenient with older and partial records.
#include <cmath>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/experiment.hpp"
#include "support/fixtures.hpp"

namespace zkbench::core {
namespace {

// results.json as the pre-typed writer (workflow/experiment.cpp at 73d531b) wrote it for three inputs:
// figures on every key, NaN sides and unbounded looks (null), a sequential trace, GPU figures.
std::string written_by_0_1() {
  return test::read_file(std::filesystem::path(ZKBENCH_SOURCE_DIR) / "tests/data/experiment/results-0.1.json");
}

TEST(CoreExperimentNumber, parses_the_forms_the_commands_take) {
  for (const char* text : {"3", "003", "0003", "bench/003-mpt-hash-cache", "3-extra"}) {
    const auto number = ExperimentNumber::parse(text);
    ASSERT_TRUE(number) << text << ": " << number.error().message;
    EXPECT_EQ(number->value(), 3) << text;
  }
  EXPECT_EQ(ExperimentNumber::parse("123456")->value(), 123456);
}

TEST(CoreExperimentNumber, refuses_text_without_a_number_naming_it) {
  for (const char* text : {"", "abc", "exp", "bench/", "bench/x-001", "-3", "1234567"}) {
    const auto number = ExperimentNumber::parse(text);
    ASSERT_FALSE(number) << text;
    EXPECT_EQ(number.error().message, fmt::format("'{}' is not an experiment number (expected e.g. 001)", text));
  }
}

TEST(CoreExperimentNumber, formats_at_least_three_digits_also_through_fmt) {
  EXPECT_EQ(ExperimentNumber(7).format(), "007");
  EXPECT_EQ(ExperimentNumber(42).format(), "042");
  EXPECT_EQ(ExperimentNumber(1000).format(), "1000");
  EXPECT_EQ(fmt::format("exp {} done", ExperimentNumber(5)), "exp 005 done");
  EXPECT_EQ(fmt::format("[{:>5}]", ExperimentNumber(5)), "[  005]");
  EXPECT_EQ(ExperimentNumber::parse(ExperimentNumber(12).format())->value(), 12);
  EXPECT_LT(ExperimentNumber(2), ExperimentNumber(10));
}

TEST(CoreExperimentStatus, names_round_trip_and_other_text_names_none) {
  for (const auto status : {ExperimentStatus::planned, ExperimentStatus::running, ExperimentStatus::done,
                            ExperimentStatus::closed}) {
    EXPECT_EQ(parse_experiment_status(to_string(status)), status);
  }
  EXPECT_STREQ(to_string(ExperimentStatus::done), "done");
  EXPECT_FALSE(parse_experiment_status("decided"));
  EXPECT_FALSE(parse_experiment_status("DONE"));
}

TEST(CoreExperimentOutcome, stored_names_round_trip_and_verdicts_map_onto_outcomes) {
  for (const auto outcome : {Outcome::none, Outcome::keep, Outcome::maybe, Outcome::discard, Outcome::kill,
                             Outcome::reject, Outcome::inconclusive, Outcome::failed, Outcome::invalid,
                             Outcome::exists, Outcome::superseded}) {
    EXPECT_EQ(parse_outcome(to_string(outcome)), outcome) << to_string(outcome);
  }
  EXPECT_STREQ(to_string(Outcome::none), "");
  EXPECT_STREQ(to_string(Outcome::superseded), "SUPERSEDED");
  EXPECT_FALSE(parse_outcome("keep"));
  for (const auto verdict : {Verdict::keep, Verdict::maybe, Verdict::discard, Verdict::kill, Verdict::reject,
                             Verdict::inconclusive}) {
    EXPECT_EQ(parse_verdict(to_string(verdict)), verdict);
    EXPECT_STREQ(to_string(outcome_of(verdict)), to_string(verdict));
  }
  EXPECT_FALSE(parse_verdict("FAILED")); // an outcome, not a verdict of a comparison
  EXPECT_FALSE(parse_verdict(""));
  EXPECT_TRUE(is_improvement(Outcome::maybe));
  EXPECT_FALSE(is_improvement(Outcome::inconclusive));
}

TEST(CoreExperimentResults, reads_the_previous_writers_bytes_and_writes_them_back_unchanged) {
  const std::string text = written_by_0_1();
  const auto results = read_results_json(text);
  ASSERT_TRUE(results) << results.error().message;
  EXPECT_EQ(write_results_json(*results), text);

  EXPECT_EQ(results->experiment, ExperimentNumber(3));
  EXPECT_EQ(results->name, "MPT \"hash\" cache");
  EXPECT_EQ(results->verdict, Outcome::keep);
  EXPECT_EQ(results->change, -0.0734);
  ASSERT_EQ(results->inputs.size(), 3u);
  const InputResult& light = results->inputs[0];
  EXPECT_EQ(light.verdict, Verdict::keep);
  ASSERT_NE(light.metric("time"), nullptr);
  EXPECT_EQ(light.metric("time")->candidate.runs, 10u);
  EXPECT_DOUBLE_EQ(light.metric("time")->candidate.mean, 1.1735);
  EXPECT_EQ(light.metric("time")->ci_low, -0.07);
  EXPECT_EQ(light.metric("time")->interval, "95% Fieller"); // written before issue 22: "ci95"
  EXPECT_FALSE(light.metric("cycles")->welch_p);
  ASSERT_TRUE(light.gpu);
  EXPECT_EQ(light.gpu->throttled_runs, 1);
  EXPECT_FALSE(light.sequential);
  const InputResult& heavy = results->inputs[1];
  EXPECT_TRUE(std::isnan(heavy.metrics[0].baseline.mean)); // an empty side: null
  EXPECT_TRUE(heavy.sequential);
  EXPECT_EQ(heavy.stopped_at, 5);
  ASSERT_EQ(heavy.trace.size(), 3u);
  EXPECT_FALSE(heavy.trace[0].low); // unbounded
  EXPECT_EQ(heavy.trace[1].high, 0.05);
  const InputResult& bare = results->inputs[2];
  EXPECT_FALSE(bare.change);
  EXPECT_TRUE(bare.sequential);
  EXPECT_FALSE(bare.stopped_at);
}

TEST(CoreExperimentResults, a_value_round_trips_and_embeds_as_the_same_json) {
  ExperimentResults results;
  results.experiment = ExperimentNumber(12);
  results.name = "Presize hex";
  results.verdict = Outcome::discard;
  results.reason = "below the threshold";
  InputResult& in = results.inputs.emplace_back();
  in.input = "typical";
  in.weight = 2;
  in.verdict = Verdict::discard;
  in.change = -0.004;
  in.metrics.push_back({"time", {5, 2.0, 2.0, 0.1, 0.05, 1.9, 2.1}, {5, 1.99, 1.99, 0.1, 0.05, 1.9, 2.1}, -0.005,
                        -0.02, 0.01, "sequential unpaired: Hodges–Lehmann", 0.4, 0.5, Verdict::discard});
  const std::string text = write_results_json(results);
  const auto back = read_results_json(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(write_results_json(*back), text);
  EXPECT_EQ(back->inputs[0].metrics[0].mann_whitney_p, 0.5);
  EXPECT_EQ(back->inputs[0].metrics[0].interval, "sequential unpaired: Hodges–Lehmann"); // the deciding interval's kind

  nlohmann::ordered_json embedded;
  embedded["results"] = results;
  EXPECT_EQ(embedded["results"].dump(2) + "\n", text);
}

// The experiment's deciding interval (the joint one over several inputs) is kept beside its change;
// a record without it reads back as before.
TEST(CoreExperimentResults, the_experiments_deciding_interval_round_trips_and_is_absent_from_older_records) {
  ExperimentResults results;
  results.change = -0.12;
  results.change_low = -0.18;
  results.change_high = -0.05;
  const std::string text = write_results_json(results);
  EXPECT_NE(text.find("\"change_interval\": [\n    -0.18,\n    -0.05\n  ]"), std::string::npos) << text;
  const auto back = read_results_json(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->change_low, -0.18);
  EXPECT_EQ(back->change_high, -0.05);
  EXPECT_EQ(write_results_json(*back), text);
  const auto older = read_results_json(R"({"change": -0.12, "change_interval": [-0.1]})");
  ASSERT_TRUE(older);
  EXPECT_FALSE(older->change_low);
  EXPECT_EQ(write_results_json(*older).find("change_interval"), std::string::npos);
}

TEST(CoreExperimentResults, reads_older_and_partial_records_leniently) {
  // An older record: the time metric named wall_s, keys missing, a verdict name since retired, looks
  // without a pair count, values of the wrong type.
  const auto old = read_results_json(
      R"({"verdict": "KEEP", "inputs": [{"input": "a", "weight": "heavy", "verdict": "RETEST",
          "metrics": [{"metric": "wall_s", "baseline": {"runs": 4, "mean": 2.5}, "ci95": [-0.1]}],
          "sequential": {"trace": [7, {"pairs": "x"}, {"pairs": 3, "change": -0.1}]}},
          {"name": "light"}, 5]})");
  ASSERT_TRUE(old) << old.error().message;
  EXPECT_EQ(old->experiment, ExperimentNumber());
  EXPECT_EQ(old->verdict, Outcome::keep);
  ASSERT_EQ(old->inputs.size(), 2u);
  const InputResult& a = old->inputs[0];
  EXPECT_EQ(a.weight, 1.0);
  EXPECT_FALSE(a.verdict);
  ASSERT_NE(a.metric("time"), nullptr); // wall_s is the time metric of older records
  EXPECT_EQ(a.metric("time")->baseline.runs, 4u);
  EXPECT_DOUBLE_EQ(a.metric("time")->baseline.mean, 2.5);
  EXPECT_FALSE(a.metric("time")->ci_low);
  EXPECT_EQ(a.metric("memory"), nullptr);
  ASSERT_EQ(a.trace.size(), 1u);
  EXPECT_EQ(a.trace[0].pairs, 3);
  EXPECT_FALSE(a.trace[0].low);
  EXPECT_EQ(old->inputs[1].input, "");
}

TEST(CoreExperimentResults, text_that_is_not_a_json_object_is_an_error) {
  for (const char* text : {"", "{", "[1, 2]", "\"results\"", "null"}) {
    const auto results = read_results_json(text);
    ASSERT_FALSE(results) << text;
    EXPECT_NE(results.error().message.find("not a JSON object"), std::string::npos) << results.error().message;
  }
}

} // namespace
} // namespace zkbench::core

namespace {

zkbench::core::Benchmark side_of(std::vector<double> walls, bool gpu) {
  zkbench::core::Benchmark bench;
  for (const double wall : walls) {
    zkbench::core::Run run;
    run.wall_s = wall;
    if (gpu) {
      run.gpu = zkbench::core::GpuRunStats{};
      run.gpu->energy_joules = 100;
    }
    bench.runs.push_back(run);
  }
  return bench;
}

} // namespace

TEST(CoreVerdictCost, counts_runs_wall_gpu_and_a_fixed_designs_runs_and_survives_results_json) {
  zkbench::core::VerdictCost cost;
  cost.add(side_of({1.0, 2.0}, true), true, 10);
  cost.add(side_of({0.5, 0.5, 1.0}, false), false, 10);
  EXPECT_EQ(cost.runs(), 5u);
  EXPECT_DOUBLE_EQ(cost.wall_s, 5.0);
  EXPECT_EQ(cost.gpu_runs, 2u);
  EXPECT_DOUBLE_EQ(cost.gpu_s, 3.0);
  EXPECT_DOUBLE_EQ(cost.energy_j, 200);
  EXPECT_EQ(cost.fixed_runs, 20u);
  EXPECT_EQ(cost.describe(), "5 runs (2 baseline + 3 candidate), 5.0 s of runs; GPU 3.0 s, 200 J; a fixed design: 20 runs");

  zkbench::core::ExperimentResults results;
  results.cost = cost;
  const auto back = zkbench::core::read_results_json(zkbench::core::write_results_json(results));
  ASSERT_TRUE(back && back->cost);
  EXPECT_EQ(back->cost->describe(), cost.describe());
  // An older results.json has no cost.
  EXPECT_FALSE(zkbench::core::read_results_json("{\"experiment\": \"001\"}")->cost);
}
