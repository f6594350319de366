#pragma once
// Test helpers: protobuf wire-format encoding, to hand-make pprof profiles and reader inputs.

#include <cstdint>
#include <initializer_list>
#include <string>

namespace zkbench::test::protobuf {

inline std::string varint(std::uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}

/// A field tag: number and wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32).
inline std::string tag(std::uint32_t number, unsigned wire) { return varint((std::uint64_t{number} << 3) | wire); }

inline std::string int_field(std::uint32_t number, std::uint64_t v) { return tag(number, 0) + varint(v); }

inline std::string bytes_field(std::uint32_t number, const std::string& bytes) {
  return tag(number, 2) + varint(bytes.size()) + bytes;
}

/// A packed repeated integer field.
inline std::string packed(std::uint32_t number, std::initializer_list<std::uint64_t> values) {
  std::string run;
  for (auto v : values) {
    run += varint(v);
  }
  return bytes_field(number, run);
}

} // namespace zkbench::test::protobuf
