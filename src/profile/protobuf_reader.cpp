#include "profile/protobuf_reader.hpp"

#include <algorithm>

#include <zlib.h>

#include <fmt/format.h>

#include "util/strings.hpp"

namespace zkbench::profile {

Result<std::uint64_t> ProtobufReader::read_varint() {
  std::uint64_t result = 0;
  const std::size_t start = m_pos;
  // A 64-bit varint has at most 10 bytes; the 10th may only carry the top bit.
  for (int shift = 0; shift < 70; shift += 7) {
    if (m_pos >= m_data.size()) {
      return make_error(fmt::format("protobuf: truncated varint at byte {}", m_base + start));
    }
    const auto byte = static_cast<std::uint8_t>(m_data[m_pos++]);
    if (shift == 63 && byte > 1) {
      return make_error(fmt::format("protobuf: varint overflows 64 bits at byte {}", m_base + start));
    }
    result |= static_cast<std::uint64_t>(byte & 0x7fu) << shift;
    if ((byte & 0x80u) == 0) {
      return result;
    }
  }
  return make_error(fmt::format("protobuf: varint longer than 10 bytes at byte {}", m_base + start));
}

Result<ProtoField> ProtobufReader::next() {
  ProtoField field;
  field.offset = m_pos;
  ZKBENCH_TRY_ASSIGN(tag, read_varint());
  const std::uint64_t number = *tag >> 3u;
  if (number == 0 || number > 0x1fffffffu) {
    return make_error(fmt::format("protobuf: invalid field number {} at byte {}", number, m_base + field.offset));
  }
  field.number = static_cast<std::uint32_t>(number);
  const auto wire = static_cast<unsigned>(*tag & 7u);
  auto need = [&](std::size_t n) -> Result<void> {
    if (m_data.size() - m_pos < n) {
      return make_error(fmt::format("protobuf: field {} truncated at byte {} (needs {} bytes, {} left)",
                                    field.number, m_base + m_pos, n, m_data.size() - m_pos));
    }
    return {};
  };
  auto read_fixed = [&](std::size_t n) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < n; ++i) { // little endian
      value |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(m_data[m_pos + i])) << (8 * i);
    }
    m_pos += n;
    return value;
  };
  switch (wire) {
  case 0: {
    field.type = WireType::varint;
    ZKBENCH_TRY_ASSIGN(value, read_varint());
    field.value = *value;
    return field;
  }
  case 1:
    field.type = WireType::fixed64;
    ZKBENCH_TRY(need(8));
    field.value = read_fixed(8);
    return field;
  case 5:
    field.type = WireType::fixed32;
    ZKBENCH_TRY(need(4));
    field.value = read_fixed(4);
    return field;
  case 2: {
    field.type = WireType::length_delimited;
    ZKBENCH_TRY_ASSIGN(length, read_varint());
    if (*length > m_data.size() - m_pos) {
      return make_error(fmt::format("protobuf: field {} length {} runs past the end at byte {}", field.number,
                                    *length, m_base + m_pos));
    }
    field.bytes = m_data.substr(m_pos, static_cast<std::size_t>(*length));
    field.value = *length;
    m_pos += static_cast<std::size_t>(*length);
    return field;
  }
  default:
    return make_error(fmt::format("protobuf: unsupported wire type {} for field {} at byte {}", wire,
                                  field.number, m_base + field.offset));
  }
}

std::size_t ProtobufReader::payload_offset(const ProtoField& field) const {
  if (field.type != WireType::length_delimited) {
    return m_base + field.offset;
  }
  return m_base + static_cast<std::size_t>(field.bytes.data() - m_data.data());
}

Result<void> append_repeated_varints(const ProtoField& field, std::vector<std::uint64_t>& out) {
  if (field.type == WireType::varint) {
    out.push_back(field.value);
    return {};
  }
  if (field.type != WireType::length_delimited) {
    return make_error(fmt::format("protobuf: field {} at byte {} is not a repeated integer", field.number,
                                  field.offset));
  }
  // A packed run is a sequence of bare varints; reuse the tag-less varint decoder by wrapping the bytes in
  // fields with a synthetic tag would be wasteful, so decode directly.
  std::size_t pos = 0;
  const std::string_view bytes = field.bytes;
  while (pos < bytes.size()) {
    std::uint64_t value = 0;
    bool done = false;
    for (int shift = 0; shift < 70 && pos < bytes.size(); shift += 7) {
      const auto byte = static_cast<std::uint8_t>(bytes[pos++]);
      if (shift == 63 && byte > 1) {
        break;
      }
      value |= static_cast<std::uint64_t>(byte & 0x7fu) << shift;
      if ((byte & 0x80u) == 0) {
        done = true;
        break;
      }
    }
    if (!done) {
      return make_error(fmt::format("protobuf: malformed packed varint in field {} (tag at byte {})",
                                    field.number, field.offset));
    }
    out.push_back(value);
  }
  return {};
}

bool is_gzip(std::string_view data) {
  return data.size() >= 2 && static_cast<std::uint8_t>(data[0]) == 0x1f &&
         static_cast<std::uint8_t>(data[1]) == 0x8b;
}

Result<std::string> inflate_if_gzip(std::string_view data, std::size_t max_output) {
  if (!is_gzip(data)) {
    return std::string(data);
  }
  z_stream stream{};
  // 15 + 16: largest window, gzip header and trailer.
  if (inflateInit2(&stream, 15 + 16) != Z_OK) {
    return make_error("gzip: cannot initialise zlib");
  }
  std::string out;
  std::size_t in_pos = 0;
  char buffer[64 * 1024];
  int status = Z_OK;
  while (true) {
    // avail_in is 32-bit: feed at most 1 GiB at a time.
    const std::size_t chunk = std::min<std::size_t>(data.size() - in_pos, std::size_t{1} << 30);
    if (stream.avail_in == 0 && chunk > 0) {
      stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + in_pos));
      stream.avail_in = static_cast<uInt>(chunk);
      in_pos += chunk;
    }
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    status = inflate(&stream, Z_NO_FLUSH);
    const std::size_t produced = sizeof(buffer) - stream.avail_out;
    if (produced > max_output - out.size()) {
      inflateEnd(&stream);
      return make_error(fmt::format("gzip: the data inflates to more than {} ({} bytes), the limit for a profile "
                                    "(a decompression bomb?); {} compressed bytes read so far",
                                    util::format_bytes(static_cast<double>(max_output)), max_output, stream.total_in));
    }
    out.append(buffer, produced);
    if (status == Z_STREAM_END) {
      // Concatenated gzip members (as `cat a.gz b.gz` makes) continue after the first stream.
      const std::size_t consumed = in_pos - stream.avail_in;
      if (consumed < data.size() && is_gzip(data.substr(consumed))) {
        inflateReset(&stream);
        continue;
      }
      break;
    }
    if (status == Z_OK) {
      continue;
    }
    // Z_BUF_ERROR with all input consumed: the stream ended before its trailer.
    const bool truncated = status == Z_BUF_ERROR && stream.avail_in == 0 && in_pos >= data.size();
    const std::string why = truncated ? "truncated compressed data"
                            : stream.msg != nullptr ? stream.msg : "corrupt compressed data";
    inflateEnd(&stream);
    return make_error(fmt::format("gzip: cannot inflate at input byte {}: {}", stream.total_in, why));
  }
  inflateEnd(&stream);
  return out;
}

} // namespace zkbench::profile
