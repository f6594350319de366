#include <gtest/gtest.h>

#include "provers/sp1.hpp"
#include "support/fixtures.hpp"

using namespace zkbench::provers;
using zkbench::test::fixture_path;
using zkbench::test::read_file;

TEST(ProversSp1, reads_the_cycle_tracker_of_ethrex) {
  const std::string text = read_file(fixture_path("sp1/sp1_execute_cycle_tracker_log__ethrex_pr4273_EXCERPT.txt"));
  const auto spans = parse_sp1_cycle_tracker(text);
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0].name, "read_input");
  EXPECT_DOUBLE_EQ(*spans[0].cycles, 34125436);
  EXPECT_EQ(spans[1].name, "execution");
  EXPECT_DOUBLE_EQ(*spans[1].cycles, 1458794351);
  EXPECT_EQ(spans[2].name, "commit_public_inputs");
  EXPECT_DOUBLE_EQ(*spans[2].cycles, 26791);

  const ProverMetrics m = parse_sp1_output(text);
  EXPECT_DOUBLE_EQ(*m.gas, 1687294509);
  EXPECT_DOUBLE_EQ(*m.cycles, 1492946578); // the three top-level spans
  EXPECT_DOUBLE_EQ(m.regions.at("execution"), 1458794351);
}

TEST(ProversSp1, reads_nested_spans_and_leaves_unclosed_ones_open) {
  const auto spans = parse_sp1_cycle_tracker(
      read_file(fixture_path("sp1/sp1_execute_nested_cycle_tracker_log__ethrex_pr5226_EXCERPT.txt")));
  ASSERT_EQ(spans.size(), 4u);
  EXPECT_DOUBLE_EQ(*spans[0].cycles, 12868356);
  EXPECT_EQ(spans[1].name, "execution");
  EXPECT_FALSE(spans[1].cycles);
  EXPECT_EQ(spans[2].name, "GuestProgramState::from(execution_witness)");
  EXPECT_EQ(spans[2].depth, 1);
  EXPECT_DOUBLE_EQ(*spans[2].cycles, 191414247);
  EXPECT_EQ(spans[3].name, "initialize_block_header_hashes");
  EXPECT_FALSE(spans[3].cycles);
}

TEST(ProversSp1, reads_the_raiko_log_with_clk_progress) {
  const std::string text = read_file(fixture_path("sp1/sp1_execute_log_clk_progress__raiko_issue280_EXCERPT.txt"));
  const auto spans = parse_sp1_cycle_tracker(text);
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0].name, "input");
  EXPECT_DOUBLE_EQ(*spans[0].cycles, 18777833);
  EXPECT_EQ(spans[2].name, "initialize_database");
  EXPECT_EQ(spans[2].depth, 1);
  EXPECT_DOUBLE_EQ(*parse_sp1_output(text).cycles, 18777833);
}

TEST(ProversSp1, reads_finished_execution_clk_as_cycles) {
  const ProverMetrics m = parse_sp1_output(read_file(fixture_path("sp1/sp1_prove_core_log__sp1_pr896_EXCERPT.txt")));
  EXPECT_DOUBLE_EQ(*m.cycles, 11291);
  EXPECT_DOUBLE_EQ(*parse_sp1_output("Number of cycles: 1,234,567\n").cycles, 1234567);
}

TEST(ProversSp1, reads_execution_report_debug_print) {
  auto report = parse_sp1_execution_report(read_file(fixture_path("sp1/sp1_executionreport_debug_2024__sp1_pr847.txt")));
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->instruction_counts.size(), 25u);
  EXPECT_EQ(report->instruction_counts.at("ADD"), 4143u);
  EXPECT_EQ(report->instruction_counts.at("ECALL"), 22u);
  EXPECT_EQ(report->total_instructions(), 11291u); // = "finished execution clk = 11291" of fibonacci
  EXPECT_EQ(report->syscall_counts.at("COMMIT_DEFERRED_PROOFS"), 8u);
  EXPECT_EQ(report->total_syscalls(), 22u);       // = ECALL count
  EXPECT_FALSE(parse_sp1_execution_report("nothing here"));
  EXPECT_EQ(parse_sp1_execution_report("ExecutionReport { instruction_counts: {ADD 3}, syscall_counts: {} }")
                .error()
                .message,
            "ExecutionReport instruction_counts: cannot read 'ADD 3'");
}
