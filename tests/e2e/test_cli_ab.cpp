#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/busy_neighbours.hpp"
#include "support/cli.hpp"
#include "support/env.hpp"
#include "support/fixtures.hpp"

using namespace zkbench;

TEST(CliAb, faster_candidate_is_keep_found_early) {
  const auto r = test::run_zkbench("ab --strategy sequential --json 'sleep 0.1' 'sleep 0.05'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto doc = nlohmann::json::parse(r.output);
  EXPECT_EQ(doc.at("overall").at("verdict"), "KEEP") << r.output;
  EXPECT_TRUE(doc.at("stopped_early").get<bool>());
  const int used = doc.at("runs_used").at("candidate").get<int>();
  EXPECT_GE(used, 3);
  EXPECT_LT(used, 20);
  EXPECT_EQ(doc.at("runs_used").at("baseline").get<int>(), used);
  // What the verdict cost: every measured run, against a fixed design of --runs (10) per side.
  const auto& cost = doc.at("cost");
  EXPECT_EQ(cost.at("runs").get<int>(), 2 * used) << cost;
  EXPECT_EQ(cost.at("fixed_runs").get<int>(), 20) << cost;
  EXPECT_GT(cost.at("wall_s").get<double>(), used * 0.15) << cost; // 0.1 s + 0.05 s per pair at least
  EXPECT_EQ(cost.at("gpu_runs").get<int>(), 0) << cost;
  const auto& trace = doc.at("trace");
  ASSERT_FALSE(trace.empty());
  EXPECT_TRUE(trace.back().at("stop").get<bool>());
  EXPECT_LT(trace.back().at("hi").get<double>(), 0.0);
  const auto& c = doc.at("comparisons").at(0);
  // `sleep` is one process: its time is judged as the unloaded time (wall less its wait for a CPU).
  EXPECT_EQ(c.at("metric"), "unloaded_time");
  EXPECT_LT(c.at("change").get<double>(), -0.2);
}

TEST(CliAb, fixed_strategy_runs_the_given_count_and_flags_a_regression) {
  // The regression is in a deterministic metric: a doubled sleep was not one on a loaded machine (one
  // slow baseline run among 4 makes a 20 ms difference insignificant, as it would for a user).
  test::TempDir dir;
  test::write_file(dir / "policy.yaml", "preset: zkvm\nprimary_metric: steps\n");
  const auto r = test::run_zkbench("ab --strategy fixed --runs 4 --json --policy '" + (dir / "policy.yaml").string() +
                                   "' --metric 'steps=steps: (\\d+)' 'echo steps: 1000' 'echo steps: 2000'");
  EXPECT_EQ(r.exit_code, 4) << r.output;
  const auto doc = nlohmann::json::parse(r.output);
  EXPECT_EQ(doc.at("runs_used").at("baseline"), 4);
  EXPECT_FALSE(doc.at("stopped_early").get<bool>());
  EXPECT_TRUE(doc.at("overall").at("regression").get<bool>());
}

TEST(CliAb, failing_candidate_is_reject) {
  const auto r = test::run_zkbench("ab --runs 3 true false");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("REJECT: candidate run 1 (false) terminated with non-zero exit code 1"), std::string::npos) << r.output;
}

TEST(CliAb, failing_baseline_is_an_error) {
  const auto r = test::run_zkbench("ab --runs 3 false true");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("error: baseline run 1 (false) terminated with non-zero exit code 1"), std::string::npos) << r.output;
}

TEST(CliAb, unknown_strategy_is_a_usage_error) {
  const auto r = test::run_zkbench("ab --strategy bold true true");
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

TEST(CliAb, deterministic_primary_metric_decides_at_min_runs) {
  test::TempDir dir;
  test::write_file(dir / "policy.yaml", "preset: zkvm\nprimary_metric: steps\n");
  const auto r = test::run_zkbench("ab --json --policy '" + (dir / "policy.yaml").string() +
                                   "' --metric 'steps=steps: (\\d+)' 'echo steps: 100000' 'echo steps: 99800'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto doc = nlohmann::json::parse(r.output);
  EXPECT_EQ(doc.at("overall").at("verdict"), "KEEP");
  EXPECT_NE(doc.at("overall").at("reason").get<std::string>().find("deterministic"), std::string::npos);
  EXPECT_EQ(doc.at("runs_used").at("baseline"), 3);
  EXPECT_EQ(doc.at("comparisons").size(), 2u); // steps and time
}

TEST(CliAb, missing_metric_is_an_error_naming_the_run) {
  const auto r = test::run_zkbench("ab --metric 'steps=steps: (\\d+)' 'echo nothing' 'echo steps: 1'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("metric 'steps' not found in the output of baseline run 1"), std::string::npos) << r.output;
}

TEST(CliAb, missing_metric_is_an_error_also_when_the_gate_held_every_round) {
  // With the contention gate on, the first window holds the rounds of commands this short until it is
  // judged, so the stop rule may never see the run without its metric: the error must still come.
  test::ScopedEnv env;
  env.set("ZKBENCH_CONTENTION_GATE", "on");
  test::TempDir dir;
  const auto r = test::run_zkbench("ab --contention-wait 1 --store '" + (dir / "s.db").string() +
                                   "' --metric 'steps=steps: (\\d+)' 'echo nothing' 'echo steps: 1'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  // Run 1, or a later one where the gate measured a contended first round again.
  EXPECT_NE(r.output.find("metric 'steps' not found in the output of baseline run "), std::string::npos) << r.output;
}

TEST(CliAb, hooks_run_around_each_side_and_runs_are_kept_in_the_store) {
  test::TempDir dir;
  const std::string log = (dir / "log").string();
  const std::string store = (dir / "ab.db").string();
  // A deterministic deciding metric keeps the run count fixed whatever the machine's timing noise.
  test::write_file(dir / "policy.yaml", "preset: zkvm\nprimary_metric: steps\n");
  const auto r = test::run_zkbench(
      "ab --strategy fixed --runs 3 --policy '" + (dir / "policy.yaml").string() + "' --metric 'steps=steps: (\\d+)'" +
      " --store '" + store + "' -s 'echo setup >> " + log + "' -p 'echo prepare-A >> " +
      log + "' -p 'echo prepare-B >> " + log + "' -C 'echo conclude >> " + log + "' -c 'echo cleanup >> " + log +
      "' 'echo A >> " + log + "; echo steps: 100' 'echo B >> " + log + "; echo steps: 90'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string text = test::read_file(dir / "log");
  std::vector<std::string> lines;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t end = text.find('\n', at);
    lines.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  // setup x2, then 6 runs each wrapped as prepare-X, X, conclude, then cleanup x2 (3 runs per side: equal
  // values make a metric deterministic only from 3 runs on).
  ASSERT_EQ(lines.size(), 2u + 6u * 3u + 2u) << text;
  EXPECT_EQ(lines[0], "setup");
  EXPECT_EQ(lines[1], "setup");
  int a_runs = 0;
  int b_runs = 0;
  for (std::size_t i = 2; i + 2 < lines.size(); i += 3) {
    const std::string side = lines[i + 1];
    ASSERT_TRUE(side == "A" || side == "B") << text;
    (side == "A" ? a_runs : b_runs) += 1;
    EXPECT_EQ(lines[i], "prepare-" + side) << text;
    EXPECT_EQ(lines[i + 2], "conclude") << text;
  }
  EXPECT_EQ(a_runs, 3);
  EXPECT_EQ(b_runs, 3);
  EXPECT_EQ(lines[lines.size() - 1], "cleanup");

  const auto history = test::run_zkbench("history --json --store '" + store + "'");
  ASSERT_EQ(history.exit_code, 0) << history.output;
  const auto sessions = nlohmann::json::parse(history.output).at("sessions");
  ASSERT_EQ(sessions.size(), 1u) << history.output;
  EXPECT_EQ(sessions.at(0).at("kind"), "ab") << history.output;
  EXPECT_EQ(sessions.at(0).at("runs").get<int>(), 6) << history.output;
}

TEST(CliAb, failing_prepare_stops_with_the_hook_named) {
  const auto r = test::run_zkbench("ab --runs 2 -p false true true");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("the preparation command 'false' exited with code 1"), std::string::npos) << r.output;
}

TEST(CliAb, metric_file_size_can_be_the_deciding_metric) {
  test::TempDir dir;
  // A file's size repeats exactly: declared deterministic, it decides by its exact change.
  test::write_file(dir / "policy.yaml",
                   "preset: zkvm\nprimary_metric: proof_bytes\ndeterministic_metrics: [steps, proof_bytes]\n");
  const std::string out = (dir / "proof.bin").string();
  const auto r = test::run_zkbench("ab --json --policy '" + (dir / "policy.yaml").string() +
                                   "' --metric-file 'proof_bytes=" + out + "' 'head -c 1000 /dev/zero > " + out +
                                   "' 'head -c 900 /dev/zero > " + out + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto doc = nlohmann::json::parse(r.output);
  EXPECT_EQ(doc.at("overall").at("verdict"), "KEEP") << r.output;
  EXPECT_EQ(doc.at("comparisons").at(0).at("metric"), "proof_bytes") << r.output;
  EXPECT_NEAR(doc.at("comparisons").at(0).at("change").get<double>(), -0.1, 1e-9) << r.output;
}

// Beside two busy loops (no contention gate) the wall time of a CPU-bound command scatters by the waits
// for a CPU, which its CPU time leaves out. A policy whose primary_metric is cpu judges that: a real 20%
// cut in the work is KEEP; the same command on both sides is never KEEP, MAYBE or a regression. The CPU
// time still scatters where the loops share the command's cores and caches (SMT siblings, a preemption
// every few milliseconds): robust CV 22-32% seen on the 2-core test machine, where the no-op is then
// INCONCLUSIVE "too noisy" rather than DISCARD. Both are right; a claim would not be.
TEST(CliAb, a_cpu_policy_judges_cpu_time_and_settles_beside_busy_loops) {
  test::TempDir dir;
  test::write_file(dir / "cpu.yaml", "preset: generic\nprimary_metric: cpu\n");
  const auto loop = [](int n) {
    return "'dash -c \"i=0; while [ \\$i -lt " + std::to_string(n) + " ]; do i=\\$((i+1)); done\"'";
  };
  const auto ab = [&](const std::string& policy) {
    return "ab --no-contention-gate --strategy sequential --json --store '" + (dir / "s.db").string() +
           "' --policy '" + (dir / policy).string() + "' ";
  };
  test::Hogs hogs(dir.path(), 2);

  const auto gain = test::run_zkbench(ab("cpu.yaml") + loop(150000) + " " + loop(120000));
  ASSERT_EQ(gain.exit_code, 0) << gain.output;
  const auto kept = nlohmann::json::parse(gain.output);
  EXPECT_EQ(kept.at("overall").at("verdict"), "KEEP") << gain.output;
  const auto& c = kept.at("comparisons").at(0);
  EXPECT_EQ(c.at("metric"), "cpu") << gain.output;
  // A 20% cut, estimated from as few as 5 runs per side of a figure that scatters by up to 30% here: -37%
  // [-47%, -9%] was seen: the estimate must be a cut of a plausible size, the verdict KEEP.
  EXPECT_GT(c.at("change").get<double>(), -0.5) << gain.output;
  EXPECT_LT(c.at("change").get<double>(), -0.05) << gain.output;

  // The no-op with the rule's error at 0.1% instead of 5%: a false regression is what the rule allows at
  // its level (one-sided, over all looks), and at 5% this check failed by chance once in CI (all 5 runs of
  // one side above all 5 of the other, 1 in 252 for exchangeable runs; 0 of 20 here). What is checked is
  // that the CPU time is judged and settles, not the rule's error rate (bench/verdicts measures that).
  test::write_file(dir / "cpu-strict.yaml", "preset: generic\nprimary_metric: cpu\np_threshold: 0.001\n");
  const auto same = test::run_zkbench(ab("cpu-strict.yaml") + loop(150000) + " " + loop(150000));
  ASSERT_EQ(same.exit_code, 0) << same.output;
  const auto none = nlohmann::json::parse(same.output);
  const std::string verdict = none.at("overall").at("verdict");
  const std::string reason = none.at("overall").at("reason");
  EXPECT_TRUE(verdict == "DISCARD" || (verdict == "INCONCLUSIVE" && reason.find("too noisy") != std::string::npos))
      << same.output;
  EXPECT_FALSE(none.at("overall").at("regression").get<bool>()) << same.output;
  EXPECT_EQ(none.at("comparisons").at(0).at("metric"), "cpu") << same.output;
}
