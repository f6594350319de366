// Every figure a prover's parsers read from one run's output (`--metrics zisk|sp1|risc0`), on the real
// outputs in ../shared/fixtures.
#include <gtest/gtest.h>

#include "provers/output_metrics.hpp"
#include "support/fixtures.hpp"

using namespace zkbench::provers;
using zkbench::test::fixture_path;
using zkbench::test::read_file;

TEST(ProversOutputMetrics, zisk_prove_log_gives_steps_times_and_the_summary_parts) {
  const auto m = prover_output_metrics(ProverKind::zisk, read_file(fixture_path("zisk/cargo_zisk_prove_tail_book_head.txt")));
  EXPECT_DOUBLE_EQ(m.at("steps"), 4450272);
  EXPECT_DOUBLE_EQ(m.at("proof_time_s"), 5.097);
  EXPECT_DOUBLE_EQ(m.at("region:Proofman"), 4.91);
}

TEST(ProversOutputMetrics, zisk_emulator_output_gives_steps_and_duration) {
  const auto m = prover_output_metrics(ProverKind::zisk, read_file(fixture_path("zisk/ziskemu_m_metrics_book_v0.15.0.txt")));
  EXPECT_DOUBLE_EQ(m.at("steps"), 85309);
  EXPECT_DOUBLE_EQ(m.at("execution_time_s"), 0.0009);
}

TEST(ProversOutputMetrics, sp1_log_gives_cycles_gas_and_spans) {
  const auto m = prover_output_metrics(
      ProverKind::sp1, read_file(fixture_path("sp1/sp1_execute_cycle_tracker_log__ethrex_pr4273_EXCERPT.txt")));
  EXPECT_DOUBLE_EQ(m.at("cycles"), 1492946578);
  EXPECT_DOUBLE_EQ(m.at("gas"), 1687294509);
  EXPECT_DOUBLE_EQ(m.at("region:execution"), 1458794351);
}

TEST(ProversOutputMetrics, risc0_session_log_gives_every_cycle_count) {
  const auto m = prover_output_metrics(
      ProverKind::risc0, read_file(fixture_path("risc0/risc0_session_log_RISC0_INFO__zeth_issue173_EXCERPT.txt")));
  EXPECT_DOUBLE_EQ(m.at("cycles"), 812122112);
  EXPECT_DOUBLE_EQ(m.at("user_cycles"), 685160803);
  EXPECT_DOUBLE_EQ(m.at("segments"), 388);
  EXPECT_NEAR(m.at("execution_time_s"), 25.441604522, 1e-9);
}

TEST(ProversOutputMetrics, another_tools_output_gives_nothing) {
  for (const ProverKind kind : {ProverKind::zisk, ProverKind::sp1, ProverKind::risc0}) {
    EXPECT_TRUE(prover_output_metrics(kind, "hello\nworld 42\n").empty()) << to_string(kind);
  }
}

TEST(ProversOutputMetrics, the_names_a_project_may_declare_deterministic) {
  EXPECT_EQ(prover_metric_names(ProverKind::zisk).front(), "steps");
  const auto risc0 = prover_metric_names(ProverKind::risc0);
  EXPECT_NE(std::find(risc0.begin(), risc0.end(), "user_cycles"), risc0.end());
}

TEST(ProversOutputMetrics, sp1_execution_report_gives_cycles_and_syscalls) {
  const auto m = prover_output_metrics(
      ProverKind::sp1, read_file(fixture_path("sp1/sp1_executionreport_debug_2024__sp1_pr847.txt")));
  EXPECT_DOUBLE_EQ(m.at("cycles"), 11291); // the instructions' counts summed: fibonacci's "clk = 11291"
  EXPECT_DOUBLE_EQ(m.at("syscalls"), 22);  // = its ECALL count
  EXPECT_EQ(m.size(), 2u);
}
