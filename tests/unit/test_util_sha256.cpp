// SHA-256 against the FIPS 180-4 / NIST example vectors.
#include <gtest/gtest.h>

#include "util/sha256.hpp"

using zkbench::util::sha256_hex;

TEST(Sha256, matches_the_nist_vectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, incremental_updates_equal_one_update_across_block_boundaries) {
  const std::string text(1000, 'a');
  zkbench::util::Sha256 hash;
  for (std::size_t i = 0; i < text.size(); i += 7) {
    hash.update(std::string_view(text).substr(i, 7));
  }
  EXPECT_EQ(hash.hex_digest(), sha256_hex(text));
  EXPECT_EQ(sha256_hex(std::string(1'000'000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
