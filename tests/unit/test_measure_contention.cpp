// The contention gate against a fake machine (support/fake_load.hpp): time passes only when the gate
// sleeps, foreign load is scripted, so the waits, the settle time, max_wait, the ignore list and the
// marking of runs are checked on exact figures.
#include <gtest/gtest.h>

#include "measure/contention.hpp"
#include "support/fake_load.hpp"

namespace zkbench::measure {
namespace {

using test::FakeLoad;

ContentionPolicy policy_with(double max_wait_s = 60) {
  ContentionPolicy policy;
  policy.max_foreign_cores = 0.2;
  policy.settle_s = 5;
  policy.max_wait_s = max_wait_s;
  return policy;
}

struct Said {
  std::vector<std::string> lines;
  void attach(ContentionGate& gate) {
    gate.set_say([this](const std::string& line) { lines.push_back(line); });
  }
};

TEST(MeasureContention, quiet_machine_starts_after_one_short_window_without_a_word) {
  FakeLoad machine;
  ContentionGate gate(machine, machine, policy_with());
  Said said;
  said.attach(gate);
  const GateOutcome outcome = gate.wait_until_quiet({});
  EXPECT_FALSE(outcome.gave_up);
  EXPECT_FALSE(outcome.stopped);
  EXPECT_LE(outcome.waited_s, k_min_window_s + 0.01);
  EXPECT_TRUE(said.lines.empty());
  // The next round, right after a quiet run, does not wait at all.
  gate.run_started();
  machine.advance(1.0, 1.0);
  const auto run = gate.run_finished();
  ASSERT_TRUE(run);
  EXPECT_FALSE(run->contended);
  EXPECT_NEAR(run->foreign_cores, 0, 0.05);
  const double before = machine.now;
  machine.advance(k_min_window_s);
  gate.wait_until_quiet({});
  EXPECT_NEAR(machine.now, before + k_min_window_s, 1e-9);
}

TEST(MeasureContention, waits_until_the_load_has_stopped_for_the_settle_time_and_says_what_it_waits_for) {
  FakeLoad machine;
  machine.loads.push_back({"sh", 2, 2.0, [](double t) { return t < 1020; }});
  ContentionGate gate(machine, machine, policy_with());
  machine.advance(1.0);            // the first window is long enough: judged before the first round
  Said said;
  said.attach(gate);
  const GateOutcome outcome = gate.wait_until_quiet({});
  EXPECT_FALSE(outcome.gave_up);
  // The load stops at 1020; the gate sees it within one poll and then needs 5 s of quiet.
  EXPECT_GE(machine.now, 1025.0);
  EXPECT_LE(machine.now, 1027.0);
  ASSERT_FALSE(said.lines.empty());
  // 2.0 or 2.1 cores: the fake's per-process ticks are floored at each scan.
  EXPECT_EQ(said.lines.front().rfind("waiting: sh (2 processes, 2.", 0), 0u) << said.lines.front();
  EXPECT_NE(said.lines.front().find(" cores) — needs < 0.2 cores for 5 s"), std::string::npos) << said.lines.front();
  EXPECT_NE(said.lines.back().find("quiet for"), std::string::npos) << said.lines.back();
  // Not a line per poll: the same wait is repeated every 5 s at most.
  EXPECT_LE(said.lines.size(), 8u);
}

TEST(MeasureContention, gives_up_after_max_wait_with_a_note_naming_the_load) {
  FakeLoad machine;
  machine.loads.push_back({"cc1plus", 2, 1.9, {}});
  ContentionGate gate(machine, machine, policy_with(10));
  machine.advance(k_min_window_s); // the first window is long enough: judged before the first round
  const GateOutcome outcome = gate.wait_until_quiet({});
  EXPECT_TRUE(outcome.gave_up);
  EXPECT_NEAR(outcome.waited_s, 10, 1.01);
  EXPECT_EQ(outcome.note, "gave up waiting for a quiet machine after 10 s: cc1plus (2 processes, 1.9 cores)");
}

TEST(MeasureContention, max_wait_is_one_budget_for_the_whole_command) {
  FakeLoad machine;
  machine.loads.push_back({"cc1plus", 2, 1.9, {}});
  ContentionGate gate(machine, machine, policy_with(10));
  machine.advance(k_min_window_s); // the first window is long enough: judged before the first round
  EXPECT_TRUE(gate.wait_until_quiet({}).gave_up);
  const double before = machine.now;
  const GateOutcome next = gate.wait_until_quiet({});
  EXPECT_TRUE(next.gave_up);
  EXPECT_LE(machine.now - before, k_min_window_s + 0.01); // no second wait of 10 s
  EXPECT_EQ(next.note.rfind("no wait left (max_wait used up): cc1plus (2 processes, ", 0), 0u) << next.note;
}

TEST(MeasureContention, a_stop_request_ends_the_wait_at_once) {
  FakeLoad machine;
  machine.loads.push_back({"sh", 1, 1.0, {}});
  ContentionGate gate(machine, machine, policy_with(600));
  machine.advance(k_min_window_s); // the first window is long enough: judged before the first round
  const double stop_at = 1003.0;
  const GateOutcome outcome = gate.wait_until_quiet([&] { return machine.now >= stop_at; });
  EXPECT_TRUE(outcome.stopped);
  EXPECT_LE(machine.now, stop_at + 0.06);
}

TEST(MeasureContention, ignored_processes_and_zkbench_own_children_are_not_foreign) {
  FakeLoad machine;
  machine.loads.push_back({"cc1plus", 2, 2.0, {}});
  // A helper zkbench started (its child, not yet reaped): never foreign.
  machine.loads.push_back({"zkbench-helper", 1, 1.0, {}, 900, FakeLoad::k_self});
  ContentionPolicy policy = policy_with(60);
  policy.ignore = {"cc1plus"};
  ContentionGate gate(machine, machine, policy);
  const GateOutcome outcome = gate.wait_until_quiet({});
  EXPECT_FALSE(outcome.gave_up);
  EXPECT_LE(outcome.waited_s, k_min_window_s + 0.01);
  gate.run_started();
  machine.advance(0.5, 1.0);
  const auto run = gate.run_finished();
  ASSERT_TRUE(run);
  EXPECT_FALSE(run->contended) << run->top;
}

// A run that follows the last one within a clock tick starts its window at that run's end (one /proc/stat
// read per run); after a longer gap (a cooldown, a hook) it takes a reading of its own, so the load in
// the gap is not the run's.
TEST(MeasureContention, a_run_window_starts_at_the_last_runs_end_only_within_a_tick) {
  FakeLoad machine;
  ContentionGate gate(machine, machine, policy_with(60));
  gate.wait_until_quiet({});
  const double first_start = machine.now;
  machine.loads.push_back({"stress", 1, 1.0, [first_start](double t) { return t < first_start + 0.5; }});
  gate.run_started();
  machine.advance(0.5, 1.0); // beside 1 core of stress
  const auto loaded = gate.run_finished();
  ASSERT_TRUE(loaded);
  EXPECT_TRUE(loaded->contended);
  gate.run_started(); // at once: the stress of the run before is not this run's
  machine.advance(0.5, 1.0);
  const auto next = gate.run_finished();
  ASSERT_TRUE(next);
  EXPECT_FALSE(next->contended) << next->top;
  EXPECT_NEAR(next->foreign_cores, 0, 0.05);
  // 2 s of a foreign core between two runs.
  const double gap_start = machine.now;
  machine.loads.push_back({"between", 1, 1.0, [gap_start](double t) { return t < gap_start + 2.0; }});
  machine.advance(2.0);
  gate.run_started();
  machine.advance(0.5, 1.0);
  const auto after_gap = gate.run_finished();
  ASSERT_TRUE(after_gap);
  EXPECT_FALSE(after_gap->contended) << after_gap->top;
  EXPECT_NEAR(after_gap->foreign_cores, 0, 0.05);
}

TEST(MeasureContention, a_load_that_starts_during_a_run_marks_it_and_the_next_round_settles_first) {
  FakeLoad machine;
  ContentionGate gate(machine, machine, policy_with(60));
  gate.wait_until_quiet({});
  machine.loads.push_back({"stress", 1, 1.0, [](double t) { return t < 1000.25 + 0.5 + 2.0; }});
  gate.run_started();
  machine.advance(1.0, 1.0); // the run: 1 s of its own CPU beside 1 core of stress
  const auto run = gate.run_finished();
  ASSERT_TRUE(run);
  EXPECT_TRUE(run->contended);
  EXPECT_NEAR(run->foreign_cores, 1.0, 0.05);
  EXPECT_EQ(run->top, "stress (1 process, 1.0 core)");
  EXPECT_DOUBLE_EQ(run->limit_cores, 0.2);
  const double ended = machine.now;
  gate.wait_until_quiet({});
  EXPECT_GE(machine.now, ended + 5.0); // load was seen: 5 s of quiet first
}

TEST(MeasureContention, small_loads_within_the_jiffy_tolerance_do_not_count) {
  FakeLoad machine;
  machine.loads.push_back({"kworker", 1, 0.1, {}});
  ContentionGate gate(machine, machine, policy_with(60));
  gate.wait_until_quiet({});
  gate.run_started();
  machine.advance(0.2, 1.0);
  const auto run = gate.run_finished();
  ASSERT_TRUE(run);
  EXPECT_FALSE(run->contended);
}

TEST(MeasureContention, a_foreign_gpu_compute_process_is_waited_for_and_marks_runs) {
  FakeLoad machine;
  machine.gpu = {{4242, "python3"}};
  ContentionGate gate(machine, machine, policy_with(3));
  Said said;
  said.attach(gate);
  const GateOutcome outcome = gate.wait_until_quiet({});
  EXPECT_TRUE(outcome.gave_up);
  ASSERT_FALSE(said.lines.empty());
  EXPECT_NE(said.lines.front().find("GPU compute process python3 (pid 4242)"), std::string::npos);
  gate.run_started();
  machine.advance(0.5, 1.0);
  const auto run = gate.run_finished();
  ASSERT_TRUE(run);
  EXPECT_TRUE(run->contended);
  EXPECT_EQ(run->gpu_processes, 1);
  // zkbench's own GPU process (the measured prover) is not foreign.
  machine.gpu = {{FakeLoad::k_self, "zkbench"}};
  gate.run_started();
  machine.advance(0.5, 1.0);
  EXPECT_FALSE(gate.run_finished()->contended);
}

TEST(MeasureContention, disabled_gate_neither_waits_nor_measures) {
  FakeLoad machine;
  machine.loads.push_back({"sh", 2, 2.0, {}});
  ContentionPolicy policy = policy_with(60);
  policy.enabled = false;
  ContentionGate gate(machine, machine, policy);
  const double before = machine.now;
  EXPECT_FALSE(gate.wait_until_quiet({}).gave_up);
  EXPECT_EQ(machine.now, before);
  gate.run_started();
  machine.advance(1.0, 1.0);
  EXPECT_FALSE(gate.run_finished());
  EXPECT_EQ(machine.scans, 0);
}

TEST(MeasureContention, run_check_scans_processes_only_when_the_figures_say_someone_else_was_busy) {
  FakeLoad machine;
  ContentionGate gate(machine, machine, policy_with(60));
  gate.wait_until_quiet({});
  gate.run_started();
  const int scans = machine.scans;
  machine.advance(1.0, 1.0);
  (void)gate.run_finished();
  EXPECT_EQ(machine.scans, scans); // quiet: the cheap reading sufficed
}

TEST(MeasureContention, back_to_back_short_runs_on_a_quiet_machine_cost_no_sleep_and_few_scans) {
  FakeLoad machine;
  ContentionGate gate(machine, machine, policy_with(60));
  gate.wait_until_quiet({}); // the one short window of the command
  const double start = machine.now;
  const int scans = machine.scans;
  for (int i = 0; i < 100; ++i) { // 100 runs of 2 ms: 0.2 s in all
    gate.wait_until_quiet({});
    gate.run_started();
    machine.advance(0.002, 1.0);
    const auto run = gate.run_finished();
    ASSERT_TRUE(run);
    EXPECT_FALSE(run->contended);
  }
  EXPECT_NEAR(machine.now - start, 0.2, 1e-6); // the gate never slept
  EXPECT_LE(machine.scans - scans, 1);         // a window is judged once k_min_window_s has passed
}

TEST(MeasureContention, load_arriving_between_short_runs_is_seen_within_one_window_and_waited_out) {
  FakeLoad machine;
  ContentionGate gate(machine, machine, policy_with(60));
  gate.wait_until_quiet({});
  const double arrives = machine.now + 0.1;
  machine.loads.push_back({"cc1plus", 2, 2.0, [arrives](double t) { return t >= arrives && t < arrives + 3; }});
  double waited = 0;
  for (int i = 0; i < 200 && waited == 0; ++i) {
    waited = gate.wait_until_quiet({}).waited_s;
    gate.run_started();
    machine.advance(0.002, 1.0);
    (void)gate.run_finished();
  }
  // Seen at the first judged window after it arrived, then waited out: 3 s of load and 5 s of quiet.
  EXPECT_GE(waited, 5.0);
  EXPECT_GE(machine.now, arrives + 3 + 5);
}

TEST(MeasureContention, after_a_long_run_the_next_round_judges_the_present_not_the_runs_average) {
  FakeLoad machine;
  ContentionGate gate(machine, machine, policy_with(60));
  gate.wait_until_quiet({});
  gate.run_started();
  machine.advance(k_long_run_s + 1, 1.0);
  // A compiler starts as the run ends: over the run it is nothing, now it is two cores.
  const double began = machine.now;
  machine.loads.push_back({"cc1plus", 2, 2.0, [began](double t) { return t < began + 2; }});
  const auto run = gate.run_finished();
  ASSERT_TRUE(run);
  EXPECT_FALSE(run->contended);
  EXPECT_GE(gate.wait_until_quiet({}).waited_s, 5.0); // seen in a fresh window, then waited out
}

// --- the first window: judged with the first runs instead of before them ----------------------------

TEST(MeasureContention, a_quiet_start_costs_no_wait_and_the_first_window_is_judged_with_the_first_runs) {
  FakeLoad machine;
  ContentionGate gate(machine, machine, policy_with());
  const double made = machine.now;
  EXPECT_TRUE(gate.first_window_open());
  EXPECT_EQ(gate.wait_until_quiet({}).waited_s, 0);
  EXPECT_EQ(machine.now, made); // no sleep before the first round
  for (int i = 0; i < 2; ++i) { // 0.2 s of runs: the window is still too short to judge
    gate.run_started();
    machine.advance(0.1, 1.0);
    ASSERT_TRUE(gate.run_finished());
    gate.wait_until_quiet({});
    EXPECT_TRUE(gate.first_window_open());
    EXPECT_FALSE(gate.take_first_window_verdict());
  }
  gate.run_started();
  machine.advance(0.1, 1.0);
  ASSERT_TRUE(gate.run_finished());
  EXPECT_EQ(gate.wait_until_quiet({}).waited_s, 0); // 0.3 s: judged, quiet, the next round at once
  EXPECT_FALSE(gate.first_window_open());
  const auto verdict = gate.take_first_window_verdict();
  ASSERT_TRUE(verdict);
  EXPECT_FALSE(verdict->loaded());
  EXPECT_NEAR(verdict->seconds, 0.3, 1e-6);
  EXPECT_NEAR(machine.now - made, 0.3, 1e-6); // the gate never slept
  EXPECT_FALSE(gate.take_first_window_verdict()); // handed over once
}

TEST(MeasureContention, a_load_at_the_start_too_small_for_one_short_run_is_caught_by_the_first_window) {
  FakeLoad machine;
  // Half a core for 2 s: a run of 20 ms sees 1 tick of it (within the jiffy tolerance), the window
  // more as it grows: it is judged loaded as soon as that is beyond the tolerance.
  machine.loads.push_back({"cc1plus", 1, 0.5, [](double t) { return t < 1002; }});
  ContentionGate gate(machine, machine, policy_with());
  GateOutcome next;
  int held = 0;
  for (;;) {
    next = gate.wait_until_quiet({});
    if (!gate.first_window_open()) {
      break;
    }
    ++held;
    gate.run_started();
    machine.advance(0.02, 1.0);
    const auto run = gate.run_finished();
    ASSERT_TRUE(run);
    EXPECT_FALSE(run->contended) << held; // on its own figures
  }
  EXPECT_GE(held, 2);
  EXPECT_LE(held * 0.02, k_min_window_s);
  const auto verdict = gate.take_first_window_verdict();
  ASSERT_TRUE(verdict);
  EXPECT_TRUE(verdict->loaded());
  EXPECT_EQ(verdict->describe().rfind("cc1plus (1 process, ", 0), 0u) << verdict->describe();
  EXPECT_GE(next.waited_s, 5.0); // then waited out
  EXPECT_GE(machine.now, 1002 + 5.0);
}

TEST(MeasureContention, a_load_visible_before_the_first_round_is_waited_out_before_it) {
  FakeLoad machine;
  machine.loads.push_back({"cc1plus", 2, 2.0, [](double t) { return t < 1003; }});
  ContentionGate gate(machine, machine, policy_with());
  machine.advance(0.05); // the command's own start-up: 0.1 s of foreign CPU, beyond the tolerance
  const GateOutcome outcome = gate.wait_until_quiet({});
  EXPECT_GE(outcome.waited_s, 5.0);
  EXPECT_GE(machine.now, 1003 + 5.0);
  EXPECT_FALSE(gate.first_window_open());
  const auto verdict = gate.take_first_window_verdict();
  ASSERT_TRUE(verdict);
  EXPECT_TRUE(verdict->loaded());
}

TEST(MeasureContention, close_first_window_sleeps_only_what_the_window_lacks) {
  FakeLoad machine;
  ContentionGate gate(machine, machine, policy_with());
  gate.wait_until_quiet({});
  gate.run_started();
  machine.advance(0.1, 1.0);
  ASSERT_TRUE(gate.run_finished());
  gate.close_first_window({});
  // 3 ticks of 10 ms against 0.2 cores: 0.15 s, not k_min_window_s (the fake clock sleeps in 1 ms slices).
  EXPECT_NEAR(gate.last_window_s(), 0.15, 1e-9);
  EXPECT_NEAR(machine.now, 1000 + 0.15, 2e-3);
  const auto verdict = gate.take_first_window_verdict();
  ASSERT_TRUE(verdict);
  EXPECT_FALSE(verdict->loaded());
  gate.close_first_window({}); // closed: nothing more
  EXPECT_FALSE(gate.take_first_window_verdict());
}

TEST(MeasureContention, a_window_judged_at_the_end_of_the_loop_sees_a_load_above_twice_the_limit) {
  FakeLoad machine;
  machine.loads.push_back({"cc1plus", 1, 0.5, [](double t) { return t >= 1000; }});
  ContentionGate gate(machine, machine, policy_with());
  gate.wait_until_quiet({});
  gate.run_started();
  machine.advance(0.05, 1.0);
  ASSERT_TRUE(gate.run_finished());
  gate.close_first_window({});
  const auto verdict = gate.take_first_window_verdict();
  ASSERT_TRUE(verdict);
  EXPECT_TRUE(verdict->loaded()) << verdict->describe(); // 0.5 cores for 0.15 s: beyond 0.2 cores and 3 ticks
}

TEST(MeasureContention, on_timeout_names_parse_both_ways) {
  EXPECT_EQ(on_contention_timeout_from_string("fail"), OnContentionTimeout::fail);
  EXPECT_EQ(on_contention_timeout_from_string("measure"), OnContentionTimeout::measure);
  EXPECT_FALSE(on_contention_timeout_from_string("wait"));
  EXPECT_STREQ(to_string(OnContentionTimeout::fail), "fail");
}

} // namespace
} // namespace zkbench::measure
