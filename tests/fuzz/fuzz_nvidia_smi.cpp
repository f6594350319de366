// libFuzzer target: nvidia-smi --query-gpu CSV and -q parsing must never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gpu/nvidia_smi.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace zkbench::gpu;
  for (const auto* requested : {&query_fields(), &legacy_query_fields()}) {
    if (auto rows = parse_query_csv(text, *requested)) {
      for (const QueryRow& row : *rows) {
        (void)sample_from_row(row);
        (void)info_from_row(row);
      }
    }
  }
  (void)parse_query_csv(text);
  (void)parse_query_report(text);
  (void)parse_value(text);
  return 0;
}
