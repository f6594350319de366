// The run loop against a scripted fake executor and an in-memory store: run counts, hook order,
// failure handling, interruption. No timing: the fake returns the figures it is told to.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>

#include "measure/run_loop.hpp"
#include "support/fake_load.hpp"
#include "support/fixtures.hpp"

namespace zkbench::measure {
namespace {

class FakeExecutor : public Executor {
public:
  Result<ExecutionResult> execute(const CommandSpec& command, const ExecutionOptions& options) override {
    calls.push_back(command.text);
    logs.push_back(options.log_path);
    dirs.push_back(command.working_dir ? command.working_dir->string() : std::string());
    if (command.text == "missing-program") {
      return make_error("Failed to run command 'missing-program': No such file or directory");
    }
    ExecutionResult result;
    result.wall_s = wall_s;
    result.user_s = 0.25;
    result.system_s = 0.125;
    result.peak_rss_bytes = 4096;
    result.exit_code = 0;
    result.output = silent ? "" : "steps: 42";
    result.output_bytes = result.output.size();
    result.log_created = options.log_path.has_value() && !silent; // as ProcessExecutor: no output, no file
    if (!scripted.empty() && command.text == scripted_command) {
      result.status = scripted.front();
      scripted.pop_front();
      if (result.status == core::RunStatus::failed) {
        result.exit_code = 1;
      } else if (result.status != core::RunStatus::success) {
        result.exit_code.reset();
        result.signal = 9;
      }
    }
    if (command.text == "false" || command.text == "failing-hook") {
      result.status = core::RunStatus::failed;
      result.exit_code = 1;
    }
    if (command.text == "verify-fail") {
      result.status = core::RunStatus::failed;
      result.exit_code = 3;
      result.output = "checking proof\nproof invalid";
    }
    if (command.text == "hang") {
      result.status = core::RunStatus::timed_out;
      result.exit_code.reset();
      result.signal = 9;
      result.wall_s = options.timeout_s.value_or(0);
    }
    if (on_execute) {
      on_execute();
    }
    result.interrupted = interrupt_next;
    return result;
  }

  double wall_s = 1.0;
  bool silent = false; // the command writes nothing
  std::string scripted_command;
  std::deque<core::RunStatus> scripted;
  std::function<void()> on_execute;
  bool interrupt_next = false;
  std::vector<std::string> calls;
  std::vector<std::optional<std::filesystem::path>> logs;
  std::vector<std::string> dirs;
};

// The loop's port into the store, in memory: the run loop sees only a RunSink.
class MemoryStore : public store::RunSink {
public:
  Result<std::int64_t> begin_session(const store::SessionInfo& info) override {
    kind = info.kind;
    argv = info.argv;
    return 7;
  }
  Result<void> finish_session(std::int64_t /*id*/, store::SessionStatus s) override {
    status = s;
    return {};
  }
  Result<std::int64_t> add_benchmark(std::int64_t /*session*/, const core::Benchmark& b) override {
    benchmarks.push_back(b);
    return static_cast<std::int64_t>(benchmarks.size());
  }
  Result<std::int64_t> add_run(std::int64_t benchmark_id, const core::Run& run) override {
    if (on_add_run) {
      on_add_run(run);
    }
    if (refuse_run && runs + 1 == *refuse_run) {
      return make_error("the disk is full");
    }
    auto& bench = benchmarks.at(static_cast<std::size_t>(benchmark_id - 1));
    bench.runs.push_back(run);
    where[++runs] = {static_cast<std::size_t>(benchmark_id - 1), bench.runs.size() - 1};
    return runs;
  }
  Result<void> update_contention(std::span<const std::pair<std::int64_t, core::RunContention>> judged) override {
    ++contention_updates;
    for (const auto& [id, contention] : judged) {
      const auto [bench, run] = where.at(id);
      if (!benchmarks[bench].runs[run].contention) {
        return make_error("no contention figures");
      }
      benchmarks[bench].runs[run].contention = contention;
    }
    return {};
  }
  std::string location() const override { return "memory"; }
  std::filesystem::path artifacts_dir() const override { return m_temp.path(); }

  // A folder of its own per store: ctest runs these tests in parallel processes.
  test::TempDir m_temp;
  std::filesystem::path dir = m_temp.path();
  std::string kind;
  std::string argv;
  std::optional<store::SessionStatus> status;
  std::vector<core::Benchmark> benchmarks;
  std::int64_t runs = 0;
  std::map<std::int64_t, std::pair<std::size_t, std::size_t>> where; // run id: benchmark, run
  int contention_updates = 0;
  std::function<void(const core::Run&)> on_add_run; // called as each run is written
  std::optional<std::int64_t> refuse_run;           // add_run fails for this run (1: the first)
};

class RecordingObserver : public RunObserver {
public:
  void warmup_started(std::size_t index, std::size_t total) override {
    events.push_back("warmup " + std::to_string(index + 1) + "/" + std::to_string(total));
  }
  void run_finished(const core::Benchmark& /*b*/, const core::Run& run, std::size_t total) override {
    events.push_back("run " + std::to_string(run.index + 1) + "/" + std::to_string(total));
  }
  void metric_missing(const core::Run& /*run*/, const std::string& metric) override { missing.push_back(metric); }
  std::vector<std::string> events;
  std::vector<std::string> missing;
};

RunPlan plan_for(std::vector<std::string> commands) {
  RunPlan plan;
  for (auto& c : commands) {
    PlannedCommand planned;
    planned.command = c;
    plan.commands.push_back(planned);
  }
  return plan;
}

const std::function<bool()> k_never = [] { return false; };

TEST(MeasureRunLoop, planned_count_follows_hyperfine_rules) {
  RunCount count;
  EXPECT_EQ(planned_run_count(count, 1.0), 10u);   // 3 s fits 3 runs, but at least 10
  EXPECT_EQ(planned_run_count(count, 0.01), 300u); // 3 s / 10 ms
  count.max_runs = 50;
  EXPECT_EQ(planned_run_count(count, 0.01), 50u);
  count.runs = 4;
  EXPECT_EQ(planned_run_count(count, 0.01), 4u);
}

TEST(MeasureRunLoop, prepare_and_conclude_time_counts_in_the_run_budget) {
  FakeExecutor executor;
  executor.wall_s = 0.01; // every execution, hooks included
  RunPlan plan = plan_for({"cmd"});
  plan.count = RunCount{};
  plan.commands[0].prepare = "prep";
  plan.commands[0].conclude = "concl";
  RecordingObserver observer;
  auto outcome = run_benchmarks(plan, executor, nullptr, observer, k_never);
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->benchmarks[0].runs.size(), 100u); // 3 s / (10 ms prepare + 10 ms run + 10 ms conclude)
}

TEST(MeasureRunLoop, ignore_failure_codes_ignore_only_those_exit_codes) {
  for (const auto& [codes, kept] : std::vector<std::pair<std::vector<int>, std::size_t>>{{{1}, 3u}, {{2, 3}, 1u}, {{}, 3u}}) {
    FakeExecutor executor;
    executor.scripted_command = "cmd";
    executor.scripted = {core::RunStatus::failed, core::RunStatus::success, core::RunStatus::success};
    RunPlan plan = plan_for({"cmd"});
    plan.count.runs = 3;
    plan.ignore_failure = IgnoreFailure::yes;
    plan.ignored_exit_codes = codes;
    RecordingObserver observer;
    auto outcome = run_benchmarks(plan, executor, nullptr, observer, k_never);
    ASSERT_TRUE(outcome);
    EXPECT_EQ(outcome->benchmarks[0].runs.size(), kept) << codes.size();
    EXPECT_EQ(outcome->status, kept == 3u ? LoopStatus::complete : LoopStatus::command_failed);
  }
}

TEST(MeasureRunLoop, runs_hooks_in_hyperfine_order) {
  FakeExecutor executor;
  RunPlan plan = plan_for({"cmd"});
  plan.commands[0].setup = "setup";
  plan.commands[0].prepare = "prepare";
  plan.commands[0].conclude = "conclude";
  plan.commands[0].cleanup = "cleanup";
  plan.warmup = 1;
  plan.count.runs = 2;
  RecordingObserver observer;
  auto outcome = run_benchmarks(plan, executor, nullptr, observer, k_never);
  ASSERT_TRUE(outcome) << outcome.error().message;
  const std::vector<std::string> expected = {"setup", "prepare", "cmd", "conclude", "prepare", "cmd",
                                             "conclude", "prepare", "cmd", "conclude", "cleanup"};
  EXPECT_EQ(executor.calls, expected);
  EXPECT_EQ(outcome->benchmarks.at(0).runs.size(), 2u); // warmups are not kept
  EXPECT_EQ(observer.events, (std::vector<std::string>{"warmup 1/1", "run 1/2", "run 2/2"}));
}

TEST(MeasureRunLoop, auto_count_uses_min_runs_and_max_runs) {
  FakeExecutor executor;
  executor.wall_s = 0.5;
  RunPlan plan = plan_for({"a"});
  RecordingObserver observer;
  auto outcome = run_benchmarks(plan, executor, nullptr, observer, k_never);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->benchmarks[0].runs.size(), 10u);
  plan.count.max_runs = 3;
  plan.count.min_runs = 2;
  outcome = run_benchmarks(plan, executor, nullptr, observer, k_never);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->benchmarks[0].runs.size(), 3u);
}

TEST(MeasureRunLoop, stores_every_run_with_a_log_under_the_artifacts_folder) {
  FakeExecutor executor;
  MemoryStore store;
  RunPlan plan = plan_for({"a", "b"});
  plan.count.runs = 3;
  RecordingObserver observer;
  auto outcome = run_benchmarks(plan, executor, &store, observer, k_never);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(store.kind, "run");
  EXPECT_EQ(store.status, store::SessionStatus::complete);
  ASSERT_EQ(store.benchmarks.size(), 2u);
  EXPECT_EQ(store.benchmarks[1].runs.size(), 3u);
  EXPECT_EQ(store.benchmarks[1].runs[2].log_path, (store.dir / "logs" / "7" / "2-3.log").string());
  EXPECT_EQ(outcome->kept_runs, 6u);
}

TEST(MeasureRunLoop, run_without_output_records_no_log_path) {
  FakeExecutor executor;
  executor.silent = true;
  MemoryStore store;
  RunPlan plan = plan_for({"a"});
  plan.count.runs = 2;
  RecordingObserver observer;
  auto outcome = run_benchmarks(plan, executor, &store, observer, k_never);
  ASSERT_TRUE(outcome);
  ASSERT_EQ(store.benchmarks[0].runs.size(), 2u);
  EXPECT_EQ(store.benchmarks[0].runs[1].log_path, "");
  ASSERT_TRUE(executor.logs.back()); // a log was offered; the command wrote nothing into it
}

TEST(MeasureRunLoop, failing_command_stops_after_storing_the_run) {
  FakeExecutor executor;
  MemoryStore store;
  RunPlan plan = plan_for({"false", "never"});
  plan.count.runs = 5;
  RecordingObserver observer;
  auto outcome = run_benchmarks(plan, executor, &store, observer, k_never);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, LoopStatus::command_failed);
  EXPECT_NE(outcome->message.find("non-zero exit code 1"), std::string::npos);
  EXPECT_NE(outcome->message.find("--ignore-failure"), std::string::npos);
  EXPECT_EQ(store.runs, 1);
  EXPECT_EQ(store.status, store::SessionStatus::failed);
  EXPECT_EQ(executor.calls, (std::vector<std::string>{"false"}));
}

TEST(MeasureRunLoop, a_run_the_store_refuses_ends_the_loop_with_its_error_and_a_failed_session) {
  FakeExecutor executor;
  MemoryStore store;
  store.refuse_run = 2;
  RunPlan plan = plan_for({"a"});
  plan.count.runs = 10;
  RecordingObserver observer;
  auto outcome = run_benchmarks(plan, executor, &store, observer, k_never);
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().message, "the disk is full");
  EXPECT_EQ(store.runs, 1); // nothing written after the refusal
  EXPECT_EQ(store.status, store::SessionStatus::failed);
  EXPECT_EQ(executor.calls.size(), 2u); // no run measured past the refused one
}

TEST(MeasureRunLoop, ignore_failure_keeps_going_and_records_timeouts) {
  FakeExecutor executor;
  executor.scripted_command = "slow";
  executor.scripted = {core::RunStatus::timed_out, core::RunStatus::success, core::RunStatus::failed};
  RunPlan plan = plan_for({"slow"});
  plan.count.runs = 3;
  plan.ignore_failure = IgnoreFailure::yes;
  RecordingObserver observer;
  auto outcome = run_benchmarks(plan, executor, nullptr, observer, k_never);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, LoopStatus::complete);
  const auto& runs = outcome->benchmarks[0].runs;
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_TRUE(runs[0].timed_out());
  EXPECT_EQ(runs[0].signal, 9);
  EXPECT_EQ(runs[2].exit_code, 1);
}

TEST(MeasureRunLoop, failing_prepare_is_an_error_naming_the_command) {
  FakeExecutor executor;
  MemoryStore store;
  RunPlan plan = plan_for({"cmd"});
  plan.commands[0].prepare = "failing-hook";
  RecordingObserver observer;
  auto outcome = run_benchmarks(plan, executor, &store, observer, k_never);
  ASSERT_FALSE(outcome);
  EXPECT_NE(outcome.error().message.find("The preparation command terminated with a non-zero exit code"), std::string::npos);
  EXPECT_NE(outcome.error().message.find("'failing-hook' exited with code 1"), std::string::npos);
  EXPECT_EQ(store.status, store::SessionStatus::failed);
}

TEST(MeasureRunLoop, unknown_program_is_an_error) {
  FakeExecutor executor;
  RunPlan plan = plan_for({"missing-program"});
  RecordingObserver observer;
  auto outcome = run_benchmarks(plan, executor, nullptr, observer, k_never);
  ASSERT_FALSE(outcome);
  EXPECT_NE(outcome.error().message.find("missing-program"), std::string::npos);
}

TEST(MeasureRunLoop, interrupt_keeps_finished_runs_and_drops_the_cut_one) {
  FakeExecutor executor;
  MemoryStore store;
  bool stop = false;
  int executions = 0;
  executor.on_execute = [&] { stop = ++executions == 3; };
  RunPlan plan = plan_for({"cmd"});
  plan.count.runs = 10;
  RecordingObserver observer;
  const std::function<bool()> stop_requested = [&] { return stop; };
  auto outcome = run_benchmarks(plan, executor, &store, observer, stop_requested);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, LoopStatus::interrupted);
  EXPECT_EQ(outcome->kept_runs, 2u);
  EXPECT_EQ(store.runs, 2);
  EXPECT_EQ(store.status, store::SessionStatus::interrupted);
}

TEST(MeasureRunLoop, run_marked_interrupted_by_the_executor_is_not_kept) {
  FakeExecutor executor;
  int executions = 0;
  executor.on_execute = [&] { executor.interrupt_next = ++executions == 2; };
  RunPlan plan = plan_for({"cmd", "other"});
  plan.count.runs = 5;
  RecordingObserver observer;
  auto outcome = run_benchmarks(plan, executor, nullptr, observer, k_never);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, LoopStatus::interrupted);
  EXPECT_EQ(outcome->kept_runs, 1u);
  EXPECT_EQ(executor.calls.size(), 2u); // "other" never started
}

TEST(MeasureRunLoop, missing_metric_is_reported_and_recorded_as_missing) {
  FakeExecutor executor;
  RunPlan plan = plan_for({"cmd"});
  plan.count.runs = 2;
  plan.read_metrics = [](const ExecutionResult& r) {
    std::map<std::string, std::optional<double>> m;
    m["steps"] = r.output == "steps: 42" ? std::optional<double>(42) : std::nullopt;
    m["cycles"] = std::nullopt;
    return m;
  };
  RecordingObserver observer;
  auto outcome = run_benchmarks(plan, executor, nullptr, observer, k_never);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->benchmarks[0].runs[1].metrics.at("steps"), 42.0);
  EXPECT_FALSE(outcome->benchmarks[0].runs[1].metrics.at("cycles").has_value());
  EXPECT_EQ(observer.missing, (std::vector<std::string>{"cycles", "cycles"}));
}

TEST(MeasureRunLoop, interleaved_order_alternates_rounds_and_warmups) {
  FakeExecutor executor;
  RunPlan plan = plan_for({"a", "b"});
  plan.order = Order::interleaved;
  plan.warmup = 2;
  plan.count.runs = 3;
  RecordingObserver observer;
  auto outcome = run_benchmarks(plan, executor, nullptr, observer, k_never);
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->status, LoopStatus::complete);
  // warmups a b, b a; then rounds a b, b a, a b
  EXPECT_EQ(executor.calls, (std::vector<std::string>{"a", "b", "b", "a", "a", "b", "b", "a", "a", "b"}));
  EXPECT_EQ(outcome->benchmarks[0].runs.size(), 3u);
  EXPECT_EQ(outcome->benchmarks[1].runs.size(), 3u);
}

TEST(MeasureRunLoop, stop_rule_decides_after_a_complete_round) {
  FakeExecutor executor;
  RunPlan plan = plan_for({"a", "b"});
  plan.order = Order::interleaved;
  plan.count.runs = 20;
  std::vector<std::size_t> looked_at;
  plan.stop_rule = [&](std::span<const core::Benchmark> benches) {
    EXPECT_EQ(benches[0].runs.size(), benches[1].runs.size()); // only balanced evidence is judged
    looked_at.push_back(benches[0].runs.size());
    return benches[0].runs.size() == 4;
  };
  RecordingObserver observer;
  MemoryStore store;
  auto outcome = run_benchmarks(plan, executor, &store, observer, k_never);
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->status, LoopStatus::decided);
  EXPECT_EQ(looked_at, (std::vector<std::size_t>{1, 2, 3, 4}));
  EXPECT_EQ(outcome->kept_runs, 8u);
  EXPECT_EQ(store.status, store::SessionStatus::complete);
}

TEST(MeasureRunLoop, verifier_failure_ends_the_loop_with_its_output_and_keeps_the_run) {
  FakeExecutor executor;
  RunPlan plan = plan_for({"cmd"});
  plan.commands[0].verify = "verify-fail";
  plan.count.runs = 5;
  RecordingObserver observer;
  MemoryStore store;
  auto outcome = run_benchmarks(plan, executor, &store, observer, k_never);
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->status, LoopStatus::verify_failed);
  ASSERT_TRUE(outcome->failure.has_value());
  EXPECT_EQ(outcome->failure->run, std::optional<std::size_t>(0));
  EXPECT_EQ(outcome->failure->verifier_output, "checking proof | proof invalid");
  EXPECT_NE(outcome->message.find("verify-fail"), std::string::npos);
  EXPECT_EQ(store.benchmarks[0].runs.size(), 1u); // the measured run is kept
  EXPECT_EQ(store.status, store::SessionStatus::failed);
}

TEST(MeasureRunLoop, verifier_runs_after_every_run_or_only_the_first) {
  FakeExecutor executor;
  RunPlan plan = plan_for({"a", "b"});
  plan.order = Order::interleaved;
  plan.count.runs = 3;
  plan.commands[0].verify = "verify-a";
  plan.commands[0].verify_when = VerifyWhen::first_run;
  plan.commands[1].verify = "verify-b";
  RecordingObserver observer;
  auto outcome = run_benchmarks(plan, executor, nullptr, observer, k_never);
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(std::count(executor.calls.begin(), executor.calls.end(), "verify-a"), 1);
  EXPECT_EQ(std::count(executor.calls.begin(), executor.calls.end(), "verify-b"), 3);
}

TEST(MeasureRunLoop, commands_and_their_hooks_run_in_their_working_folder) {
  FakeExecutor executor;
  RunPlan plan = plan_for({"a", "b"});
  plan.commands[0].working_dir = "/tmp/base";
  plan.commands[0].prepare = "prep";
  plan.commands[1].working_dir = "/tmp/cand";
  plan.count.runs = 1;
  RecordingObserver observer;
  auto outcome = run_benchmarks(plan, executor, nullptr, observer, k_never);
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(executor.calls, (std::vector<std::string>{"prep", "a", "b"}));
  EXPECT_EQ(executor.dirs, (std::vector<std::string>{"/tmp/base", "/tmp/base", "/tmp/cand"}));
}

TEST(MeasureRunLoop, previous_runs_count_and_the_side_behind_catches_up_first) {
  FakeExecutor executor;
  RunPlan plan = plan_for({"a", "b"});
  plan.order = Order::interleaved;
  plan.count.runs = 3;
  core::Run earlier;
  earlier.wall_s = 2.0;
  plan.commands[0].previous_runs = {earlier, earlier}; // killed after a's second run
  plan.commands[1].previous_runs = {earlier};
  RecordingObserver observer;
  MemoryStore store;
  auto outcome = run_benchmarks(plan, executor, &store, observer, k_never);
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(executor.calls, (std::vector<std::string>{"b", "a", "b"}));
  EXPECT_EQ(outcome->benchmarks[0].runs.size(), 3u);
  EXPECT_EQ(outcome->benchmarks[1].runs.size(), 3u);
  EXPECT_EQ(outcome->kept_runs, 3u);
  EXPECT_EQ(store.benchmarks[0].runs.size(), 1u); // only the new runs are stored again
  EXPECT_EQ(store.benchmarks[1].runs.size(), 2u);
}

TEST(MeasureRunLoop, timed_out_run_is_its_own_status_and_records_the_kind_and_argv) {
  FakeExecutor executor;
  RunPlan plan = plan_for({"hang"});
  plan.commands[0].timeout_s = 2.5;
  plan.timeout_s = 100;
  plan.count.runs = 3;
  plan.session_kind = "experiment";
  plan.argv = "zkbench exp run 003 (input a)";
  RecordingObserver observer;
  MemoryStore store;
  auto outcome = run_benchmarks(plan, executor, &store, observer, k_never);
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->status, LoopStatus::timed_out);
  ASSERT_TRUE(outcome->failure.has_value());
  EXPECT_DOUBLE_EQ(outcome->failure->result.wall_s, 2.5); // the command's own timeout won
  EXPECT_EQ(store.kind, "experiment");
  EXPECT_EQ(store.argv, "zkbench exp run 003 (input a)");
}

// --- the contention gate in the loop (fake machine: support/fake_load.hpp) ---------------------------

ContentionPolicy gate_policy(double max_wait_s) {
  ContentionPolicy policy;
  policy.max_foreign_cores = 0.2;
  policy.settle_s = 5;
  policy.max_wait_s = max_wait_s;
  policy.max_redone_rounds = 2;
  return policy;
}

// A stop rule that never stops and fails the test if it is shown a contended run; it records how many
// runs of the first command it saw each time (when `judged` is given).
StopRule rule_that_checks_runs_are_clean(std::vector<std::size_t>* judged = nullptr) {
  return [judged](std::span<const core::Benchmark> benches) {
    for (const core::Benchmark& bench : benches) {
      for (const core::Run& run : bench.runs) {
        EXPECT_FALSE(run.contended()); // never judged
      }
    }
    if (judged != nullptr) {
      judged->push_back(benches[0].runs.size());
    }
    return false;
  };
}

TEST(MeasureRunLoop, a_contended_round_is_measured_again_the_store_keeps_both_and_the_rule_sees_clean_runs) {
  test::FakeLoad machine;
  ContentionGate gate(machine, machine, gate_policy(60));
  FakeExecutor executor;
  // Each run takes 1 s of machine time; a foreign process runs during the 3rd run only.
  int run_number = 0;
  executor.on_execute = [&] {
    ++run_number;
    if (run_number == 3) {
      machine.loads.push_back({"stress", 1, 1.0, {}});
    }
    machine.advance(1.0, 1.0);
    if (run_number == 3) {
      machine.loads.clear();
    }
  };
  RunPlan plan = plan_for({"a", "b"});
  plan.order = Order::interleaved;
  plan.count.runs = 3;
  plan.contention = &gate;
  std::vector<std::size_t> judged;
  plan.stop_rule = rule_that_checks_runs_are_clean(&judged);
  RecordingObserver observer;
  MemoryStore store;
  auto outcome = run_benchmarks(plan, executor, &store, observer, k_never);
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->status, LoopStatus::complete);
  EXPECT_EQ(outcome->redone_rounds, 1u);
  // Round 2 (b a) had a contended run: 4 rounds measured, 3 of them clean.
  ASSERT_EQ(store.benchmarks[0].runs.size(), 4u);
  ASSERT_EQ(store.benchmarks[1].runs.size(), 4u);
  EXPECT_TRUE(store.benchmarks[1].runs[1].contended()); // run 3 was b's second (round 2 is b a)
  EXPECT_EQ(store.benchmarks[0].contended_runs() + store.benchmarks[1].contended_runs(), 1u);
  // Round 1 is held by the gate's first window until the next round judges it: the rule sees nothing.
  EXPECT_EQ(judged, (std::vector<std::size_t>{0, 1, 2, 3}));
  // The redone round waited for the settle time after the load was seen.
  EXPECT_GT(store.benchmarks[0].runs[2].contention->waited_s, 4.0);
}

TEST(MeasureRunLoop, redone_rounds_are_bounded) {
  test::FakeLoad machine;
  ContentionGate gate(machine, machine, gate_policy(0)); // never waits: measures beside the load
  machine.loads.push_back({"stress", 2, 2.0, {}});
  FakeExecutor executor;
  executor.on_execute = [&] { machine.advance(1.0, 1.0); };
  RunPlan plan = plan_for({"a", "b"});
  plan.order = Order::interleaved;
  plan.count.runs = 2;
  plan.contention = &gate;
  RecordingObserver observer;
  auto outcome = run_benchmarks(plan, executor, nullptr, observer, k_never);
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->status, LoopStatus::complete);
  // The first round, held by the gate's first window and judged loaded, is measured again beyond the
  // budget (the gate would have waited before it); then at most 2 contended rounds are.
  EXPECT_EQ(outcome->redone_rounds, 3u);
  EXPECT_EQ(outcome->benchmarks[0].runs.size(), 5u);
  EXPECT_EQ(outcome->benchmarks[0].contended_runs(), 5u);
}

TEST(MeasureRunLoop, gate_that_gives_up_with_on_timeout_fail_stops_and_keeps_the_runs) {
  test::FakeLoad machine;
  ContentionPolicy policy = gate_policy(10);
  policy.on_timeout = OnContentionTimeout::fail;
  ContentionGate gate(machine, machine, policy);
  FakeExecutor executor;
  int run_number = 0;
  executor.on_execute = [&] {
    ++run_number;
    machine.advance(30.0, 1.0); // long runs: the next round judges a fresh window (the present)
    if (run_number == 2) { // a load that stays, from the end of the first round
      machine.loads.push_back({"stress", 2, 2.0, {}});
    }
  };
  RunPlan plan = plan_for({"a", "b"});
  plan.order = Order::interleaved;
  plan.count.runs = 5;
  plan.contention = &gate;
  RecordingObserver observer;
  MemoryStore store;
  auto outcome = run_benchmarks(plan, executor, &store, observer, k_never);
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->status, LoopStatus::contended);
  EXPECT_NE(outcome->message.find("gave up waiting for a quiet machine after 10 s: stress (2 processes, 2.0 cores)"),
            std::string::npos) << outcome->message;
  EXPECT_EQ(store.benchmarks[0].runs.size() + store.benchmarks[1].runs.size(), 2u);
  EXPECT_EQ(store.status, store::SessionStatus::interrupted);
}

// A B, interleaved, `runs` rounds behind `gate`, with a stop rule that checks it sees only clean runs.
RunPlan gated_ab_plan(ContentionGate& gate, std::size_t runs) {
  RunPlan plan = plan_for({"a", "b"});
  plan.order = Order::interleaved;
  plan.count.runs = runs;
  plan.contention = &gate;
  plan.stop_rule = rule_that_checks_runs_are_clean();
  return plan;
}

// Every run takes 20 ms of the fake machine's time (one core of its own); `starts` gets when each began.
void record_runs_of_20_ms(FakeExecutor& executor, test::FakeLoad& machine, std::vector<double>& starts) {
  executor.on_execute = [&machine, &starts] {
    starts.push_back(machine.now);
    machine.advance(0.02, 1.0);
  };
}

TEST(MeasureRunLoop, a_quiet_start_costs_no_wait_and_the_runs_held_by_the_first_window_stand) {
  test::FakeLoad machine;
  ContentionGate gate(machine, machine, gate_policy(60));
  FakeExecutor executor;
  std::vector<double> starts;
  record_runs_of_20_ms(executor, machine, starts);
  RunPlan plan = plan_for({"a"});
  plan.count.runs = 5;
  plan.contention = &gate;
  plan.stop_rule = [&](std::span<const core::Benchmark> benches) {
    EXPECT_TRUE(benches[0].runs.empty()); // every run is held until the window is judged
    return false;
  };
  RecordingObserver observer;
  MemoryStore store;
  const double made = machine.now;
  auto outcome = run_benchmarks(plan, executor, &store, observer, k_never);
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->status, LoopStatus::complete);
  ASSERT_EQ(starts.size(), 5u);
  EXPECT_EQ(starts[0], made); // no wait before the first run
  // 0.1 s of runs, then what the window lacks of the length a window judged at the end needs (0.15 s at
  // 0.2 cores): quiet, the runs stand.
  EXPECT_NEAR(gate.last_window_s(), 0.15, 1e-9);
  EXPECT_NEAR(machine.now - made, gate.last_window_s(), 2e-3); // the fake clock's sleeps: 1 ms slices
  EXPECT_EQ(outcome->redone_rounds, 0u);
  EXPECT_EQ(store.contention_updates, 1);
  ASSERT_EQ(store.benchmarks[0].runs.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    ASSERT_TRUE(store.benchmarks[0].runs[i].contention);
    EXPECT_FALSE(store.benchmarks[0].runs[i].contended()) << i;
    EXPECT_EQ(store.benchmarks[0].runs[i].contention->top, "");
    EXPECT_FALSE(outcome->benchmarks[0].runs[i].contended()) << i;
  }
}

TEST(MeasureRunLoop, a_load_at_the_start_is_caught_by_the_first_window_and_its_rounds_are_measured_again) {
  test::FakeLoad machine;
  // Half a core for 1 s from the start: too little for one run of 20 ms to show, plain in the window.
  machine.loads.push_back({"cc1plus", 1, 0.5, [](double t) { return t < 1001; }});
  ContentionGate gate(machine, machine, gate_policy(60));
  FakeExecutor executor;
  std::vector<double> starts;
  record_runs_of_20_ms(executor, machine, starts);
  RunPlan plan = gated_ab_plan(gate, 4);
  RecordingObserver observer;
  MemoryStore store;
  auto outcome = run_benchmarks(plan, executor, &store, observer, k_never);
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->status, LoopStatus::complete);
  // The rounds held until the window showed the load (beyond the jiffy tolerance) are all measured
  // again after 5 s of quiet, not counted against max_redone_rounds = 2; the store keeps both.
  const std::size_t held = outcome->redone_rounds;
  EXPECT_GE(held, 2u);
  EXPECT_LE(held, 4u);
  ASSERT_EQ(store.benchmarks[0].runs.size(), 4 + held);
  ASSERT_EQ(store.benchmarks[1].runs.size(), 4 + held);
  for (std::size_t i = 0; i < 4 + held; ++i) {
    for (const auto& bench : store.benchmarks) {
      ASSERT_TRUE(bench.runs[i].contention);
      EXPECT_EQ(bench.runs[i].contended(), i < held) << i;
      if (i < held) {
        EXPECT_EQ(bench.runs[i].contention->top.rfind("cc1plus (1 process, ", 0), 0u) << bench.runs[i].contention->top;
      }
    }
  }
  EXPECT_EQ(store.contention_updates, 1);
  ASSERT_EQ(starts.size(), 2 * (4 + held));
  EXPECT_GE(starts[2 * held], 1001 + 5.0); // the redone rounds waited for the load to stop and settle
}

TEST(MeasureRunLoop, runs_held_by_the_first_window_are_stored_as_contended_until_it_is_judged) {
  test::FakeLoad machine;
  ContentionGate gate(machine, machine, gate_policy(60));
  FakeExecutor executor;
  MemoryStore store;
  std::vector<std::string> stored_tops;
  executor.on_execute = [&] { machine.advance(0.02, 1.0); };
  // As each run is written (a kill after it keeps it out of every verdict).
  store.on_add_run = [&](const core::Run& run) {
    stored_tops.push_back(run.contention ? run.contention->top : "");
    EXPECT_TRUE(run.contended());
  };
  RunPlan plan = plan_for({"a"});
  plan.count.runs = 3;
  plan.contention = &gate;
  RecordingObserver observer;
  auto outcome = run_benchmarks(plan, executor, &store, observer, k_never);
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(stored_tops, std::vector<std::string>(3, k_unjudged_first_window));
  EXPECT_EQ(store.benchmarks[0].contended_runs(), 0u); // judged quiet at the end
}

TEST(MeasureRunLoop, a_round_held_by_a_quiet_first_window_is_redone_for_a_run_measured_after_it_was_judged) {
  test::FakeLoad machine;
  ContentionGate gate(machine, machine, gate_policy(60));
  FakeExecutor executor;
  executor.on_execute = [&] {
    if (executor.calls.size() == 1) { // a long first run: the first window is judged as it ends (quiet)
      machine.advance(k_long_run_s + 1, 1.0);
      return;
    }
    if (executor.calls.size() == 2) { // b, in the same round, beside a load
      machine.loads.push_back({"stress", 1, 1.0, {}});
    }
    machine.advance(1.0, 1.0);
    machine.loads.clear();
  };
  RunPlan plan = gated_ab_plan(gate, 2);
  RecordingObserver observer;
  MemoryStore store;
  auto outcome = run_benchmarks(plan, executor, &store, observer, k_never);
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->redone_rounds, 1u);
  ASSERT_EQ(store.benchmarks[1].runs.size(), 3u);
  EXPECT_FALSE(store.benchmarks[0].runs[0].contended()); // a: judged quiet, its own figures
  EXPECT_TRUE(store.benchmarks[1].runs[0].contended());  // b: its own figures
}

TEST(MeasureRunLoop, ctrl_c_while_the_gate_waits_ends_the_loop_at_once) {
  test::FakeLoad machine;
  machine.loads.push_back({"stress", 2, 2.0, {}});
  ContentionGate gate(machine, machine, gate_policy(600));
  FakeExecutor executor;
  RunPlan plan = plan_for({"a"});
  plan.count.runs = 3;
  plan.contention = &gate;
  RecordingObserver observer;
  machine.advance(k_min_window_s); // the load shows in the first window before the first round
  const double start = machine.now;
  auto outcome = run_benchmarks(plan, executor, nullptr, observer, [&] { return machine.now > start + 2; });
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->status, LoopStatus::interrupted);
  EXPECT_TRUE(executor.calls.empty());
  EXPECT_LT(machine.now, start + 2.1);
}

TEST(MeasureRunLoop, describe_ending_says_how_a_command_ended_as_a_sentence_or_briefly) {
  ExecutionResult failed;
  failed.status = core::RunStatus::failed;
  failed.exit_code = 2;
  EXPECT_EQ(describe_ending(failed), "terminated with non-zero exit code 2");
  EXPECT_EQ(describe_ending(failed, EndingWords::brief), "exit 2");
  ExecutionResult killed;
  killed.status = core::RunStatus::signaled;
  killed.signal = 9;
  EXPECT_EQ(describe_ending(killed), "was killed by signal 9");
  EXPECT_EQ(describe_ending(killed, EndingWords::brief), "killed by signal 9");
  ExecutionResult slow;
  slow.status = core::RunStatus::timed_out;
  slow.wall_s = 3.04;
  EXPECT_EQ(describe_ending(slow), "timed out after 3.040 s");
  EXPECT_EQ(describe_ending(slow, EndingWords::brief), "timed out after 3.0 s");
}

} // namespace
} // namespace zkbench::measure
