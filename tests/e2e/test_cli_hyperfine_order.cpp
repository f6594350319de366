// hyperfine 1.20's tests/execution_order_tests.rs translated to `zkbench run`: every command appends a
// line to one file, and the file shows the order in which setup, prepare, the commands, conclude and
// cleanup ran. One TEST per hyperfine test, same name.
#include <filesystem>
#include <initializer_list>
#include <string>

#include <gtest/gtest.h>

#include "support/hyperfine_cli.hpp"

namespace {

using zkbench::test::hyperfine;
using zkbench::test::read_file;
using zkbench::test::TempDir;


class ExecutionOrder {
public:
  ExecutionOrder() : m_log(m_dir / "output.log") {}
  ExecutionOrder& arg(const std::string& a) {
    m_args += " '" + a + "'";
    return *this;
  }
  ExecutionOrder& command(const std::string& output) { return arg("echo " + output + " >> " + m_log.string()); }
  ExecutionOrder& setup(const std::string& o) { return arg("--setup").command(o); }
  ExecutionOrder& prepare(const std::string& o) { return arg("--prepare").command(o); }
  ExecutionOrder& reference(const std::string& o) { return arg("--reference").command(o); }
  ExecutionOrder& conclude(const std::string& o) { return arg("--conclude").command(o); }
  ExecutionOrder& cleanup(const std::string& o) { return arg("--cleanup").command(o); }
  ExecutionOrder& expect_output(const std::string& line) {
    m_expected += line + "\n";
    return *this;
  }
  void run() {
    const auto r = hyperfine(m_dir, m_args);
    EXPECT_TRUE(r.success()) << r.err;
    EXPECT_EQ(std::filesystem::exists(m_log) ? read_file(m_log) : std::string(), m_expected);
  }

private:
  TempDir m_dir;
  std::filesystem::path m_log;
  std::string m_args;
  std::string m_expected;
};

// Expect `lines` repeated `times` times.
ExecutionOrder& expect_repeated(ExecutionOrder& t, std::initializer_list<const char*> lines, int times) {
  for (int i = 0; i < times; ++i) {
    for (const char* line : lines) {
      t.expect_output(line);
    }
  }
  return t;
}

TEST(HyperfineExecutionOrder, benchmarks_are_executed_sequentially_one) {
  ExecutionOrder t;
  t.arg("--runs=1").command("command 1").command("command 2").expect_output("command 1").expect_output("command 2");
  t.run();
}

TEST(HyperfineExecutionOrder, benchmarks_are_executed_sequentially) {
  ExecutionOrder t;
  t.arg("--runs=2").command("command 1").command("command 2");
  expect_repeated(t, {"command 1"}, 2);
  expect_repeated(t, {"command 2"}, 2).run();
}

TEST(HyperfineExecutionOrder, warmup_runs_are_executed_before_benchmarking_runs) {
  ExecutionOrder t;
  t.arg("--runs=2").arg("--warmup=3").command("command 1");
  expect_repeated(t, {"command 1"}, 5).run();
}

TEST(HyperfineExecutionOrder, setup_commands_are_executed_before_each_series_of_timing_runs) {
  ExecutionOrder t;
  t.arg("--runs=2").setup("setup").command("command 1").command("command 2");
  expect_repeated(t.expect_output("setup"), {"command 1"}, 2);
  expect_repeated(t.expect_output("setup"), {"command 2"}, 2).run();
}

TEST(HyperfineExecutionOrder, prepare_commands_are_executed_before_each_timing_run) {
  ExecutionOrder t;
  t.arg("--runs=2").prepare("prepare").command("command 1").command("command 2");
  expect_repeated(t, {"prepare", "command 1"}, 2);
  expect_repeated(t, {"prepare", "command 2"}, 2).run();
}

TEST(HyperfineExecutionOrder, conclude_commands_are_executed_after_each_timing_run) {
  ExecutionOrder t;
  t.arg("--runs=2").conclude("conclude").command("command 1").command("command 2");
  expect_repeated(t, {"command 1", "conclude"}, 2);
  expect_repeated(t, {"command 2", "conclude"}, 2).run();
}

TEST(HyperfineExecutionOrder, prepare_commands_are_executed_before_each_warmup) {
  ExecutionOrder t;
  t.arg("--warmup=2").arg("--runs=1").prepare("prepare").command("command 1").command("command 2");
  expect_repeated(t, {"prepare", "command 1"}, 3);
  expect_repeated(t, {"prepare", "command 2"}, 3).run();
}

TEST(HyperfineExecutionOrder, conclude_commands_are_executed_after_each_warmup) {
  ExecutionOrder t;
  t.arg("--warmup=2").arg("--runs=1").conclude("conclude").command("command 1").command("command 2");
  expect_repeated(t, {"command 1", "conclude"}, 3);
  expect_repeated(t, {"command 2", "conclude"}, 3).run();
}

TEST(HyperfineExecutionOrder, cleanup_commands_are_executed_once_after_each_benchmark) {
  ExecutionOrder t;
  t.arg("--runs=2").cleanup("cleanup").command("command 1").command("command 2");
  expect_repeated(t, {"command 1"}, 2).expect_output("cleanup");
  expect_repeated(t, {"command 2"}, 2).expect_output("cleanup").run();
}

TEST(HyperfineExecutionOrder, setup_prepare_cleanup_combined) {
  ExecutionOrder t;
  t.arg("--warmup=1").arg("--runs=2").setup("setup").prepare("prepare").command("command1").command("command2");
  t.cleanup("cleanup");
  expect_repeated(t.expect_output("setup"), {"prepare", "command1"}, 3).expect_output("cleanup");
  expect_repeated(t.expect_output("setup"), {"prepare", "command2"}, 3).expect_output("cleanup").run();
}

TEST(HyperfineExecutionOrder, setup_prepare_conclude_cleanup_combined) {
  ExecutionOrder t;
  t.arg("--warmup=1").arg("--runs=2").setup("setup").prepare("prepare").command("command1").command("command2");
  t.conclude("conclude").cleanup("cleanup");
  expect_repeated(t.expect_output("setup"), {"prepare", "command1", "conclude"}, 3).expect_output("cleanup");
  expect_repeated(t.expect_output("setup"), {"prepare", "command2", "conclude"}, 3).expect_output("cleanup").run();
}

TEST(HyperfineExecutionOrder, single_parameter_value) {
  ExecutionOrder t;
  t.arg("--runs=2").arg("--parameter-list").arg("number").arg("1,2,3").command("command {number}");
  expect_repeated(t, {"command 1"}, 2);
  expect_repeated(t, {"command 2"}, 2);
  expect_repeated(t, {"command 3"}, 2).run();
}

TEST(HyperfineExecutionOrder, multiple_parameter_values) {
  ExecutionOrder t;
  t.arg("--runs=2").arg("--parameter-list").arg("number").arg("1,2,3");
  t.arg("--parameter-list").arg("letter").arg("a,b").command("command {number} {letter}");
  for (const char* line : {"command 1 a", "command 2 a", "command 3 a", "command 1 b", "command 2 b", "command 3 b"}) {
    t.expect_output(line).expect_output(line);
  }
  t.run();
}

TEST(HyperfineExecutionOrder, reference_is_executed_first) {
  ExecutionOrder t;
  t.arg("--runs=1").reference("reference").command("command 1").command("command 2");
  t.expect_output("reference").expect_output("command 1").expect_output("command 2").run();
}

TEST(HyperfineExecutionOrder, reference_is_executed_first_parameter_value) {
  ExecutionOrder t;
  t.arg("--runs=2").reference("reference").arg("--parameter-list").arg("number").arg("1,2,3");
  t.command("command {number}");
  for (const char* line : {"reference", "command 1", "command 2", "command 3"}) {
    t.expect_output(line).expect_output(line);
  }
  t.run();
}

TEST(HyperfineExecutionOrder, reference_is_executed_separately_from_commands) {
  ExecutionOrder t;
  t.arg("--runs=1").reference("command 1").command("command 1").command("command 2");
  t.expect_output("command 1").expect_output("command 1").expect_output("command 2").run();
}

TEST(HyperfineExecutionOrder, setup_prepare_reference_conclude_cleanup_combined) {
  ExecutionOrder t;
  t.arg("--warmup=1").arg("--runs=2").setup("setup").prepare("prepare").reference("reference");
  t.command("command1").command("command2").conclude("conclude").cleanup("cleanup");
  for (const char* command : {"reference", "command1", "command2"}) {
    expect_repeated(t.expect_output("setup"), {"prepare", command, "conclude"}, 3).expect_output("cleanup");
  }
  t.run();
}

TEST(HyperfineExecutionOrder, setup_separate_prepare_separate_conclude_cleanup_combined) {
  ExecutionOrder t;
  t.arg("--warmup=1").arg("--runs=2").setup("setup").cleanup("cleanup");
  t.prepare("prepare1").command("command1").conclude("conclude1");
  t.prepare("prepare2").command("command2").conclude("conclude2");
  expect_repeated(t.expect_output("setup"), {"prepare1", "command1", "conclude1"}, 3).expect_output("cleanup");
  expect_repeated(t.expect_output("setup"), {"prepare2", "command2", "conclude2"}, 3).expect_output("cleanup");
  t.run();
}

TEST(HyperfineExecutionOrder, setup_separate_prepare_reference_separate_conclude_cleanup_combined) {
  ExecutionOrder t;
  t.arg("--warmup=1").arg("--runs=2").setup("setup").cleanup("cleanup");
  t.prepare("prepareref").reference("reference").conclude("concluderef");
  t.prepare("prepare1").command("command1").conclude("conclude1");
  t.prepare("prepare2").command("command2").conclude("conclude2");
  expect_repeated(t.expect_output("setup"), {"prepareref", "reference", "concluderef"}, 3).expect_output("cleanup");
  expect_repeated(t.expect_output("setup"), {"prepare1", "command1", "conclude1"}, 3).expect_output("cleanup");
  expect_repeated(t.expect_output("setup"), {"prepare2", "command2", "conclude2"}, 3).expect_output("cleanup");
  t.run();
}

} // namespace
