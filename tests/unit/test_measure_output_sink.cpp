#include "measure/output_sink.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include "support/fixtures.hpp"

namespace zkbench::measure {
namespace {

TEST(measure_output_sink, small_output_is_logged_and_captured_whole) {
  test::TempDir dir;
  ExecutionOptions options;
  options.log_path = dir / "run.log";
  auto sink = OutputSink::open(options);
  ASSERT_TRUE(sink);
  sink->write("hello ");
  sink->write("world\n");
  EXPECT_EQ(sink->finish(), std::nullopt);
  EXPECT_EQ(sink->take_capture(), "hello world\n");
  EXPECT_EQ(test::read_file(dir / "run.log"), "hello world\n");
}

TEST(measure_output_sink, long_output_keeps_the_tail_and_says_so) {
  test::TempDir dir;
  ExecutionOptions options;
  options.log_path = dir / "run.log";
  options.log_limit_bytes = 10;
  options.capture_limit_bytes = 4;
  auto sink = OutputSink::open(options);
  ASSERT_TRUE(sink);
  for (int i = 0; i < 100; ++i) {
    sink->write(std::to_string(i % 10)); // "0123456789" ten times
  }
  EXPECT_EQ(sink->total_bytes(), 100u);
  EXPECT_EQ(sink->finish(), std::nullopt);
  EXPECT_EQ(sink->take_capture(), "6789");
  EXPECT_EQ(test::read_file(dir / "run.log"),
            "[zkbench: the first 90 bytes of output were cut; the last 10 bytes follow]\n0123456789");
}

TEST(measure_output_sink, output_exactly_at_the_limit_is_not_cut) {
  test::TempDir dir;
  ExecutionOptions options;
  options.log_path = dir / "run.log";
  options.log_limit_bytes = 4;
  auto sink = OutputSink::open(options);
  ASSERT_TRUE(sink);
  sink->write("abcd");
  EXPECT_EQ(sink->finish(), std::nullopt);
  EXPECT_EQ(test::read_file(dir / "run.log"), "abcd");
}

TEST(measure_output_sink, no_capture_keeps_nothing) {
  ExecutionOptions options;
  options.capture_output = false;
  auto sink = OutputSink::open(options);
  ASSERT_TRUE(sink);
  sink->write("abc");
  EXPECT_EQ(sink->finish(), std::nullopt);
  EXPECT_EQ(sink->take_capture(), "");
  EXPECT_EQ(sink->total_bytes(), 3u);
}

TEST(measure_output_sink, no_output_creates_no_log_file) {
  test::TempDir dir;
  ExecutionOptions options;
  options.log_path = dir / "run.log";
  auto sink = OutputSink::open(options);
  ASSERT_TRUE(sink);
  EXPECT_EQ(sink->finish(), std::nullopt);
  EXPECT_FALSE(sink->log_created());
  EXPECT_FALSE(std::filesystem::exists(dir / "run.log"));
}

TEST(measure_output_sink, log_file_is_created_on_the_first_output) {
  test::TempDir dir;
  ExecutionOptions options;
  options.log_path = dir / "run.log";
  auto sink = OutputSink::open(options);
  ASSERT_TRUE(sink);
  EXPECT_FALSE(std::filesystem::exists(dir / "run.log"));
  sink->write("x");
  EXPECT_TRUE(sink->log_created());
  EXPECT_EQ(sink->finish(), std::nullopt);
  EXPECT_EQ(test::read_file(dir / "run.log"), "x");
}

TEST(measure_output_sink, unwritable_log_is_an_error_naming_the_path) {
  ExecutionOptions options;
  options.log_path = "/nonexistent-dir/run.log";
  const auto sink = OutputSink::open(options);
  ASSERT_FALSE(sink);
  EXPECT_EQ(sink.error().message, "cannot write log '/nonexistent-dir/run.log': No such file or directory");
}

} // namespace
} // namespace zkbench::measure
