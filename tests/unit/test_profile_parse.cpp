// The format registry's entry points: a profile read from a file and the same bytes held in memory
// (as the store gives them back) parse alike; what is no profile is named.
#include <gtest/gtest.h>

#include "profile/parse.hpp"
#include "support/fixtures.hpp"

using zkbench::profile::Metric;
using zkbench::profile::parse_profile_bytes;
using zkbench::profile::parse_profile_file;
using zkbench::test::fixture_path;
using zkbench::test::read_file;

TEST(ProfileParse, bytes_in_memory_parse_like_the_file_for_binary_and_text_formats) {
  for (const char* fixture : {"pprof/go_sha_sort.cpu.pb.gz", "zisk/ziskemu_XSD_detail_function_book.txt"}) {
    const auto from_file = parse_profile_file(fixture_path(fixture));
    ASSERT_TRUE(from_file) << from_file.error().message;
    const auto from_bytes = parse_profile_bytes(read_file(fixture_path(fixture)), "stored profile 3");
    ASSERT_TRUE(from_bytes) << from_bytes.error().message;
    EXPECT_EQ(from_bytes->source.kind, from_file->source.kind) << fixture;
    EXPECT_EQ(from_bytes->source.origin, "stored profile 3");
    ASSERT_EQ(from_bytes->functions.size(), from_file->functions.size()) << fixture;
    for (const Metric metric : {Metric::steps, Metric::cost, Metric::cycles}) {
      EXPECT_EQ(from_bytes->total(metric), from_file->total(metric)) << fixture;
    }
  }
}

TEST(ProfileParse, bytes_that_are_no_profile_or_an_unknown_format_are_named) {
  const auto unknown = parse_profile_bytes("hello\n", "stored profile 9");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("'stored profile 9' is not a profile zkbench knows"), std::string::npos)
      << unknown.error().message;
  const auto bad_format = parse_profile_bytes("hello\n", "x", "flame");
  ASSERT_FALSE(bad_format);
  EXPECT_NE(bad_format.error().message.find("unknown profile format 'flame'"), std::string::npos);
  const auto empty = parse_profile_bytes("", "empty");
  EXPECT_FALSE(empty);
}
