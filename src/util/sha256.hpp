#pragma once
// SHA-256 (FIPS 180-4) of bytes, as lowercase hex: what correctness checks compare between a baseline's
// outputs and an experiment's. Pure.

#include <string>
#include <string_view>

namespace zkbench::util {

/// Incremental SHA-256: feed data with update(), read the digest once with hex_digest().
class Sha256 {
public:
  Sha256();
  void update(std::string_view data);
  /// The digest of everything fed so far, as 64 lowercase hex characters. Ends the object's use.
  std::string hex_digest();

private:
  void block(const unsigned char* p);
  unsigned int m_h[8];
  unsigned char m_buffer[64];
  std::size_t m_buffered = 0;
  unsigned long long m_length = 0; // bytes
};

/// SHA-256 of `data` as lowercase hex.
std::string sha256_hex(std::string_view data);

} // namespace zkbench::util
