#include <gtest/gtest.h>

#include "util/strings.hpp"

using namespace zkbench::util;

TEST(UtilStrings, parse_number_accepts_thousands_separators) {
  EXPECT_EQ(parse_number("1,234,567"), 1234567.0);
  EXPECT_EQ(parse_number(" 498,004,423 "), 498004423.0);
  EXPECT_EQ(parse_number("1_000"), 1000.0);
  EXPECT_EQ(parse_number("0.5"), 0.5);
  EXPECT_EQ(parse_number("-3e2"), -300.0);
  EXPECT_EQ(parse_number("+7"), 7.0);
}

TEST(UtilStrings, parse_number_rejects_malformed_text) {
  EXPECT_FALSE(parse_number(""));
  EXPECT_FALSE(parse_number("abc"));
  EXPECT_FALSE(parse_number("1,,2"));
  EXPECT_FALSE(parse_number(",5"));
  EXPECT_FALSE(parse_number("12 apples"));
  EXPECT_FALSE(parse_number("inf"));
}

TEST(UtilStrings, split_keeps_empty_fields) {
  const auto parts = split("a,,b", ',');
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[1], "");
  EXPECT_EQ(join(parts, "+"), "a++b");
}

TEST(UtilStrings, slugify_makes_branch_safe_names) {
  EXPECT_EQ(slugify("MPT hash cache"), "mpt-hash-cache");
  EXPECT_EQ(slugify("  Zero-copy rkyv!! "), "zero-copy-rkyv");
}

TEST(UtilStrings, format_bytes_uses_binary_units) {
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(300.0 * 1024 * 1024), "300.0 MiB");
}

TEST(UtilStrings, parse_count_accepts_only_whole_counts_that_fit) {
  EXPECT_EQ(parse_count("1,234,567"), 1234567u);
  EXPECT_EQ(parse_count("0"), 0u);
  EXPECT_FALSE(parse_count("-1"));
  EXPECT_FALSE(parse_count("1.5"));
  EXPECT_FALSE(parse_count("6e117")); // a fuzzer's find: converting it to uint64 was undefined
  EXPECT_FALSE(parse_count("18446744073709551616"));
}

TEST(UtilStrings, parse_int_rejects_values_outside_int) {
  EXPECT_EQ(parse_int("4242"), 4242);
  EXPECT_EQ(parse_int("-7"), -7);
  EXPECT_FALSE(parse_int("3000000000"));
  EXPECT_FALSE(parse_int("2.5"));
}

TEST(UtilStrings, redact_credentials_hides_every_url_password_and_password_key_in_a_command_line) {
  using zkbench::util::redact_credentials;
  EXPECT_EQ(redact_credentials("zkbench run --store postgresql://bob:s3cr@t@db:5432/x?sslmode=require true"),
            "zkbench run --store postgresql://bob:***@db:5432/x?sslmode=require true");
  EXPECT_EQ(redact_credentials("a mysql://u:p@h/db b postgres://v:q@h"), "a mysql://u:***@h/db b postgres://v:***@h");
  EXPECT_EQ(redact_credentials("postgresql://h/db?user=u&password=pw&x=1"), "postgresql://h/db?user=u&password=***&x=1");
  EXPECT_EQ(redact_credentials("'host=h password=pw dbname=d'"), "'host=h password=*** dbname=d'");
  EXPECT_EQ(redact_credentials("postgresql://bob@db/x and https://example.com/a@b"), "postgresql://bob@db/x and https://example.com/a@b");
  EXPECT_EQ(redact_credentials("no secrets here"), "no secrets here");
}

TEST(UtilStrings, last_lines_keeps_the_last_lines_and_no_empty_one_after_a_final_newline) {
  EXPECT_EQ(last_lines("one\ntwo\nthree\n", 2), (std::vector<std::string>{"two", "three"}));
  EXPECT_EQ(last_lines("one\n\nthree", 5), (std::vector<std::string>{"one", "", "three"}));
  EXPECT_TRUE(last_lines("", 3).empty());
  EXPECT_TRUE(last_lines("one\n", 0).empty());
}
