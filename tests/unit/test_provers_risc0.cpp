#include <gtest/gtest.h>

#include "provers/risc0.hpp"
#include "support/fixtures.hpp"

using namespace zkbench::provers;

TEST(ProversRisc0, reads_the_zeth_session_log) {
  auto session = parse_risc0_session_log(zkbench::test::read_file(
      zkbench::test::fixture_path("risc0/risc0_session_log_RISC0_INFO__zeth_issue173_EXCERPT.txt")));
  ASSERT_TRUE(session) << session.error().message;
  const ProverMetrics& m = session->metrics;
  EXPECT_DOUBLE_EQ(*m.execution_time_s, 25.441604522);
  EXPECT_DOUBLE_EQ(*m.segments, 388);
  EXPECT_DOUBLE_EQ(*m.cycles, 812122112);
  EXPECT_DOUBLE_EQ(*m.user_cycles, 685160803);
  EXPECT_DOUBLE_EQ(*m.paging_cycles, 115655040);
  EXPECT_DOUBLE_EQ(*m.reserved_cycles, 11306269);
  EXPECT_DOUBLE_EQ(*m.user_cycles + *m.paging_cycles + *m.reserved_cycles, *m.cycles);
  ASSERT_EQ(session->ecalls.size(), 2u);
  EXPECT_EQ(session->ecalls[0].name, "BigInt");
  EXPECT_DOUBLE_EQ(session->ecalls[0].calls, 1215199);
  EXPECT_DOUBLE_EQ(session->ecalls[0].cycles, 75747423);
  EXPECT_DOUBLE_EQ(session->ecalls[0].percent, 9.33);
  EXPECT_EQ(session->ecalls[1].name, "Sha2");
  EXPECT_DOUBLE_EQ(m.regions.at("ecall:Sha2"), 54407982);
}

TEST(ProversRisc0, log_without_risc0_info_says_so) {
  auto session = parse_risc0_session_log("Compiling host v0.1.0\nFinished release\n");
  ASSERT_FALSE(session);
  EXPECT_NE(session.error().message.find("RISC0_INFO=1"), std::string::npos);
}

TEST(ProversRisc0, durations_in_every_rust_unit) {
  EXPECT_DOUBLE_EQ(*parse_rust_duration("980.5ms"), 0.9805);
  EXPECT_DOUBLE_EQ(*parse_rust_duration("12µs"), 12e-6);
  EXPECT_DOUBLE_EQ(*parse_rust_duration("40ns"), 40e-9);
  EXPECT_FALSE(parse_rust_duration("soon"));
}
