#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "util/text.hpp"

using zkbench::util::is_valid_utf8;
using zkbench::util::json_text;
using zkbench::util::valid_utf8;

TEST(UtilText, valid_utf8_keeps_valid_text_and_replaces_each_invalid_byte) {
  EXPECT_TRUE(is_valid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_EQ(valid_utf8("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(valid_utf8("caf\xE9 cache"), "caf\xEF\xBF\xBD cache");
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF")); // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80")); // a surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80")); // past U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xE2\x82")); // cut short
  EXPECT_EQ(valid_utf8("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(valid_utf8(std::string("a\0b", 3)), std::string("a\0b", 3));
}

TEST(UtilText, json_text_dumps_invalid_utf8_instead_of_throwing) {
  const nlohmann::json doc = {{"name", "caf\xe9"}};
  EXPECT_THROW((void)doc.dump(), nlohmann::json::type_error); // what every dump of outside text did
  EXPECT_EQ(json_text(doc), "{\"name\":\"caf\xEF\xBF\xBD\"}");
  EXPECT_EQ(json_text(nlohmann::ordered_json{{"b", 1}, {"a", "x"}}, 1), "{\n \"b\": 1,\n \"a\": \"x\"\n}");
}
