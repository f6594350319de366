// Test helper: allocates N MiB and writes every page, so its peak resident set is at least N MiB.
// Usage: touch_memory N
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: touch_memory MIB\n");
    return 2;
  }
  const long mib = std::strtol(argv[1], nullptr, 10);
  if (mib <= 0) {
    std::fprintf(stderr, "touch_memory: MIB must be a positive number\n");
    return 2;
  }
  const std::size_t bytes = static_cast<std::size_t>(mib) << 20;
  auto* memory = static_cast<volatile unsigned char*>(std::malloc(bytes));
  if (memory == nullptr) {
    std::fprintf(stderr, "touch_memory: cannot allocate %ld MiB\n", mib);
    return 1;
  }
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  for (std::size_t offset = 0; offset < bytes; offset += page) {
    memory[offset] = 1; // volatile: the write happens and the page becomes resident
  }
  std::printf("touched %ld MiB\n", mib);
  std::free(const_cast<unsigned char*>(memory)); // NOLINT: the cast removes volatile for free()
  return 0;
}
