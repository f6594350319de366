#include <gtest/gtest.h>

#include "support/cli.hpp"

using zkbench::test::run_zkbench;

TEST(CliBasics, version_prints_the_version) {
  const auto result = run_zkbench("version");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.output.find("zkbench "), std::string::npos);
}

TEST(CliBasics, unknown_subcommand_is_a_usage_error) {
  const auto result = run_zkbench("frobnicate");
  EXPECT_EQ(result.exit_code, 2) << result.output;
}
