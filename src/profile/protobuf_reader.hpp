#pragma once
// A small, bounds-checked reader of the protobuf wire format (no libprotobuf), and gzip detection/inflation.
//
// Used by the pprof parser. Every read checks the remaining bytes, so malformed or hostile input yields an
// Error naming the byte offset, never a read past the buffer (the fuzz target fuzz_pprof drives it).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace zkbench::profile {

/// The protobuf wire types this reader understands (groups, types 3 and 4, are rejected).
enum class WireType : std::uint8_t { varint = 0, fixed64 = 1, length_delimited = 2, fixed32 = 5 };

/// One field of a message: its number, wire type and payload. For varint/fixed types `value` holds the
/// number (fixed32 zero-extended); for length-delimited fields `bytes` views the payload inside the buffer.
struct ProtoField {
  std::uint32_t number = 0;
  WireType type = WireType::varint;
  std::uint64_t value = 0;
  std::string_view bytes;
  std::size_t offset = 0; // where the field's tag starts, relative to the reader's buffer
};

/// Reads the fields of one message, in order. The reader views `data`; it must outlive the reader.
class ProtobufReader {
public:
  /// `base_offset` is added to offsets in error messages (the position of `data` in the whole input).
  explicit ProtobufReader(std::string_view data, std::size_t base_offset = 0)
      : m_data(data), m_base(base_offset) {}

  bool at_end() const { return m_pos >= m_data.size(); }

  /// Reads the next field. Errors: truncated varint/fixed/length, varint longer than 10 bytes, field
  /// number 0, group or unknown wire types ("protobuf: ... at byte N").
  Result<ProtoField> next();

  /// Absolute offset of `field`'s payload, for nested readers' messages.
  std::size_t payload_offset(const ProtoField& field) const;

private:
  Result<std::uint64_t> read_varint();

  std::string_view m_data;
  std::size_t m_base = 0;
  std::size_t m_pos = 0;
};

/// Appends the values of a repeated integer field to `out`, accepting both encodings: packed
/// (length-delimited run of varints) and one varint per field. Error: a truncated packed run, or a field
/// of another wire type.
Result<void> append_repeated_varints(const ProtoField& field, std::vector<std::uint64_t>& out);

/// True when `data` starts with the gzip magic bytes 1f 8b.
bool is_gzip(std::string_view data);

/// The most a compressed profile may inflate to: real pprof profiles are megabytes; a 17 MB file that
/// inflates to 4 GB is a decompression bomb and must fail before it takes the machine's memory.
inline constexpr std::size_t k_max_inflated_bytes = std::size_t{1} << 30;

/// Returns `data` inflated when it is gzip compressed (several members are concatenated), else a copy.
/// Errors: output larger than `max_output` bytes ("gzip: the data inflates to more than 1.0 GiB, the
/// limit for a profile (a decompression bomb?)", checked before it is kept); corrupt or truncated data.
Result<std::string> inflate_if_gzip(std::string_view data, std::size_t max_output = k_max_inflated_bytes);

} // namespace zkbench::profile
