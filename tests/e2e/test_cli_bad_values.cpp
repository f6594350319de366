// Values a command line must refuse (issue 15, item 9), driven through the built binary: a count too
// large for any run loop, timeouts that are not finite or too large for the clock, a store URL of a kind
// zkbench cannot open, a negative --top. Each case wrapped around or was accepted before.
#include <filesystem>

#include <gtest/gtest.h>

#include "support/cli.hpp"
#include "support/fixtures.hpp"

namespace {

using zkbench::test::run_zkbench;
using zkbench::test::TempDir;

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

TEST(CliBadValues, a_run_count_past_the_limit_is_refused_not_wrapped) {
  TempDir dir;
  const auto r = run_zkbench("run --runs 1000000000000000000000000000000 true", dir.path().string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "expected a whole number from 0 to 1000000000")) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir / ".zkbench")) << "nothing may run";
  EXPECT_EQ(run_zkbench("run --min-runs -1 true", dir.path().string()).exit_code, 2);
}

TEST(CliBadValues, a_timeout_that_is_not_finite_is_refused) {
  TempDir dir;
  for (const char* value : {"inf", "nan", "-1", "0"}) {
    const auto r = run_zkbench(std::string("run --runs 1 --timeout ") + value + " true", dir.path().string());
    EXPECT_EQ(r.exit_code, 2) << value << ": " << r.output;
    EXPECT_TRUE(contains(r.output, "finite number of seconds")) << r.output;
  }
}

TEST(CliBadValues, a_huge_finite_timeout_means_no_practical_limit) {
  TempDir dir;
  for (const char* value : {"1e10", "1e300"}) {
    const auto r = run_zkbench(std::string("run --runs 2 --json --timeout ") + value + " true", dir.path().string());
    EXPECT_EQ(r.exit_code, 0) << value << ": " << r.output;
    EXPECT_FALSE(contains(r.output, "timed out")) << r.output;
    EXPECT_TRUE(contains(r.output, "\"timed_out_count\": 0")) << r.output;
  }
}

TEST(CliBadValues, an_unknown_store_url_is_refused_without_creating_folders_or_leaking_its_password) {
  TempDir dir;
  const auto r = run_zkbench("run --runs 1 --store mysql://u:hunter2@h/db true", dir.path().string());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "unknown URL scheme 'mysql://'")) << r.output;
  EXPECT_FALSE(contains(r.output, "hunter2")) << r.output;
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "no folder named after the URL";
}

TEST(CliBadValues, a_negative_top_is_refused) {
  const auto fixture = zkbench::test::fixture_path("zisk/ziskemu_X_report_book_v0.18-era.txt").string();
  const auto r = run_zkbench("profile show --top -1 '" + fixture + "'");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "expected a whole number")) << r.output;
}

} // namespace
