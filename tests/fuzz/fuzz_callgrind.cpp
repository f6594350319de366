// libFuzzer target: the callgrind parser (name and subposition compression, calls) on any bytes.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "profile/callgrind_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  std::istringstream in(bytes);
  (void)zkbench::profile::parse_callgrind_stream(in, "fuzz");
  (void)zkbench::profile::sniff_callgrind(bytes);
  return 0;
}
