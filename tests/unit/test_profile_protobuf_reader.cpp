#include <gtest/gtest.h>

#include <string>

#include "profile/protobuf_reader.hpp"
#include "support/protobuf_encode.hpp"

using namespace zkbench::profile;
using namespace zkbench::test::protobuf;

TEST(ProfileProtobufReader, reads_every_wire_type_and_rejects_overlong_varints) {
  const std::string data = int_field(1, 300) + tag(2, 1) + std::string("\x01\0\0\0\0\0\0\x80", 8) +
                           tag(3, 5) + std::string("\x02\0\0\0", 4) + bytes_field(4, "abc");
  ProtobufReader reader(data);
  auto f1 = reader.next();
  ASSERT_TRUE(f1);
  EXPECT_EQ(f1->value, 300u);
  auto f2 = reader.next();
  ASSERT_TRUE(f2);
  EXPECT_EQ(f2->value, 0x8000000000000001u);
  auto f3 = reader.next();
  ASSERT_TRUE(f3);
  EXPECT_EQ(f3->type, WireType::fixed32);
  EXPECT_EQ(f3->value, 2u);
  auto f4 = reader.next();
  ASSERT_TRUE(f4);
  EXPECT_EQ(f4->bytes, "abc");
  EXPECT_TRUE(reader.at_end());

  const std::string eleven_bytes(11, '\xff');
  ProtobufReader overlong(eleven_bytes);
  EXPECT_FALSE(overlong.next());
  const std::string group_tag = tag(1, 3);
  ProtobufReader group(group_tag);
  EXPECT_FALSE(group.next());
}

TEST(ProfileProtobufReader, reads_packed_and_unpacked_repeated_integers) {
  std::vector<std::uint64_t> values;
  const std::string data = packed(1, {1, 300, 7}) + int_field(1, 9);
  ProtobufReader reader(data);
  auto a = reader.next();
  auto b = reader.next();
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(append_repeated_varints(*a, values));
  ASSERT_TRUE(append_repeated_varints(*b, values));
  EXPECT_EQ(values, (std::vector<std::uint64_t>{1, 300, 7, 9}));
  // A packed run cut inside a varint.
  const std::string cut_run = bytes_field(1, "\x80");
  ProtobufReader cut(cut_run);
  auto c = cut.next();
  ASSERT_TRUE(c);
  EXPECT_FALSE(append_repeated_varints(*c, values));
}

TEST(ProfileProtobufReader, rejects_lengths_past_the_end) {
  const std::string data = tag(4, 2) + varint(10) + "abc";
  ProtobufReader reader(data);
  const auto f = reader.next();
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().message.find("runs past the end"), std::string::npos) << f.error().message;
}

TEST(ProfileProtobufReader, passes_plain_data_through_and_detects_gzip) {
  EXPECT_FALSE(is_gzip("\x0a\x02"));
  const auto plain = inflate_if_gzip("\x0a\x02hi");
  ASSERT_TRUE(plain);
  EXPECT_EQ(*plain, "\x0a\x02hi");
  EXPECT_FALSE(inflate_if_gzip("\x1f\x8b garbage"));
}
