// libFuzzer target: the minimal TOML reader of Cargo.toml [patch.*] and Cargo.lock must never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "provers/cargo_patches.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace zkbench::provers;
  auto patches = parse_cargo_patches(text);
  auto lock = parse_cargo_lock(text);
  if (patches && lock) {
    (void)patch_status(*patches, *lock);
  }
  return 0;
}
