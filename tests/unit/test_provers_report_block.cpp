#include <gtest/gtest.h>

#include "provers/report_block.hpp"

using namespace zkbench::provers;

TEST(ProversReportBlock, prints_seed_000_block) {
  ZkvmReport report;
  report.number = 7;
  report.name = "MPT hash cache";
  report.prover = "ZisK v0.15.0";
  report.gpu = "NVIDIA GeForce RTX 3090";
  report.proof_time_s = 262;
  report.baseline_s = 310;
  report.steps = 1.5e9;
  report.verdict = "KEEP";
  EXPECT_EQ(format_zkvm_report(report), "zkVM Experiment 007: MPT hash cache\n"
                                        "Prover: ZisK v0.15.0\n"
                                        "GPU: RTX 3090\n"
                                        "Proof time: 262s (baseline: 310s)\n"
                                        "Change: -15.5%\n"
                                        "Steps: 1.5B\n"
                                        "Verdict: KEEP\n");
}

TEST(ProversReportBlock, first_run_without_baseline_gpu_or_steps) {
  ZkvmReport report;
  report.number = 1;
  report.name = "baseline";
  report.prover = "RISC Zero 3.0.5";
  report.proof_time_s = 33.04;
  report.verdict = "BASELINE";
  EXPECT_EQ(format_zkvm_report(report), "zkVM Experiment 001: baseline\n"
                                        "Prover: RISC Zero 3.0.5\n"
                                        "GPU: none\n"
                                        "Proof time: 33.0s (no baseline)\n"
                                        "Change: n/a\n"
                                        "Verdict: BASELINE\n");
}

TEST(ProversReportBlock, regression_shows_a_plus_sign_and_cycles_label) {
  ZkvmReport report;
  report.number = 12;
  report.name = "array branch";
  report.prover = "SP1 (d454975 2026-04-11)";
  report.gpu = "NVIDIA H100 80GB HBM3";
  report.proof_time_s = 5.097;
  report.baseline_s = 5.0;
  report.steps = 1492946578;
  report.steps_label = "Cycles";
  report.verdict = "DISCARD";
  const std::string text = format_zkvm_report(report);
  EXPECT_NE(text.find("GPU: H100 80GB HBM3\n"), std::string::npos);
  EXPECT_NE(text.find("Proof time: 5.10s (baseline: 5.00s)\n"), std::string::npos);
  EXPECT_NE(text.find("Change: +1.9%\n"), std::string::npos);
  EXPECT_NE(text.find("Cycles: 1.49B\n"), std::string::npos);
}

TEST(ProversReportBlock, counts_use_three_significant_digits) {
  EXPECT_EQ(format_count(4450270), "4.45M");
  EXPECT_EQ(format_count(85309), "85.3K");
  EXPECT_EQ(format_count(92875129), "92.9M");
  EXPECT_EQ(format_count(100e6), "100M");
  EXPECT_EQ(format_count(512), "512");
}
