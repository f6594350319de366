#include <gtest/gtest.h>

#include <string>

#include <zlib.h>

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

namespace {

/// `size` zero bytes, gzip compressed (a decompression bomb in miniature: ~1000:1).
std::string gzip_zeros(std::size_t size) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  const std::string zeros(64 * 1024, '\0');
  std::string out;
  char buffer[64 * 1024];
  std::size_t left = size;
  int flush = Z_NO_FLUSH;
  do {
    const std::size_t chunk = std::min(left, zeros.size());
    left -= chunk;
    flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
    stream.avail_in = static_cast<uInt>(chunk);
    do {
      stream.next_out = reinterpret_cast<Bytef*>(buffer);
      stream.avail_out = sizeof buffer;
      deflate(&stream, flush);
      out.append(buffer, sizeof buffer - stream.avail_out);
    } while (stream.avail_out == 0);
  } while (flush != Z_FINISH);
  deflateEnd(&stream);
  return out;
}

} // namespace

TEST(ProfileProtobufReader, refuses_data_that_inflates_past_the_limit_with_a_clear_error) {
  constexpr std::size_t k_limit = 4u << 20;
  const auto at_limit = inflate_if_gzip(gzip_zeros(k_limit), k_limit);
  ASSERT_TRUE(at_limit) << at_limit.error().message;
  EXPECT_EQ(at_limit->size(), k_limit);
  const std::string bomb = gzip_zeros(k_limit + 1);
  const auto refused = inflate_if_gzip(bomb, k_limit);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("inflates to more than 4.0 MiB"), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find("decompression bomb"), std::string::npos) << refused.error().message;
  // The default, what the pprof parser uses: 1 GiB, not the 4 GiB that let a 17 MB file take 4.2 GB.
  EXPECT_EQ(k_max_inflated_bytes, std::size_t{1} << 30);
}
