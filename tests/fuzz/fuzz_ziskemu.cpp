// libFuzzer target: the ziskemu report parser must never crash, hang or leak on any input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "profile/ziskemu_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)zkbench::profile::sniff_ziskemu(text);
  auto result = zkbench::profile::parse_ziskemu(text, "fuzz");
  if (result) {
    // Touch the derived figures too: they divide by calls and totals.
    for (const auto& function : result->functions) {
      (void)function.per_call(zkbench::profile::Metric::steps, zkbench::profile::Scope::inclusive);
    }
    (void)result->totals.variable_cost();
  }
  return 0;
}
