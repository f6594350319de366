// libFuzzer target: the pprof parser (protobuf reader, gzip inflation, table resolution) on any bytes.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "profile/pprof_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  std::istringstream in(bytes);
  (void)zkbench::profile::parse_pprof_stream(in, "fuzz");
  (void)zkbench::profile::sniff_pprof(bytes);
  return 0;
}
