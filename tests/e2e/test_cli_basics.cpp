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

// Only the chosen command is set up (start-up); zkbench's own help still lists every command, and a
// command's help (also asked for before the command, as CLI11 allows) shows that command's options.
TEST(CliBasics, help_lists_every_command_and_a_command_its_options) {
  for (const char* args : {"--help", "-h"}) {
    const auto result = run_zkbench(args);
    EXPECT_EQ(result.exit_code, 0) << args << "\n" << result.output;
    for (const char* command : {"run", "ab", "compare", "exp", "status", "bisect"}) {
      EXPECT_NE(result.output.find(std::string("\n  ") + command + " "), std::string::npos)
          << args << ": no " << command << "\n" << result.output;
    }
  }
  for (const char* args : {"status --help", "--help status"}) {
    const auto status = run_zkbench(args);
    EXPECT_EQ(status.exit_code, 0) << args << "\n" << status.output;
    EXPECT_NE(status.output.find("Usage: zkbench status"), std::string::npos) << args << "\n" << status.output;
    EXPECT_NE(status.output.find("--json"), std::string::npos) << args << "\n" << status.output;
  }
}
