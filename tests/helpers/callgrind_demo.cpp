// A tiny native program for the callgrind tests: a loop-heavy function, a directly recursive one, and a
// pair called a known number of times, so the callgrind profile has calls, recursion and inclusive costs.
// `callgrind_demo [FILE]`: FILE holds the number of rounds (default 7), so a test's experiment changes
// the program's work by changing a file.
#include <cstdio>

namespace {

__attribute__((noinline)) unsigned long sum_to(unsigned long n) {
  unsigned long total = 0;
  for (unsigned long i = 0; i < n; ++i) {
    total += i * i;
  }
  return total;
}

__attribute__((noinline)) unsigned long depth(unsigned long n) { return n == 0 ? 0 : 1 + depth(n - 1); }

__attribute__((noinline)) unsigned long work(unsigned long n) { return sum_to(n) + depth(n % 16); }

unsigned long rounds_from(const char* path) {
  unsigned long rounds = 7;
  if (std::FILE* file = std::fopen(path, "r")) {
    if (std::fscanf(file, "%lu", &rounds) != 1 || rounds > 1000) {
      rounds = 7;
    }
    std::fclose(file);
  }
  return rounds;
}

} // namespace

int main(int argc, char** argv) {
  const unsigned long rounds = argc > 1 ? rounds_from(argv[1]) : 7;
  unsigned long total = 0;
  for (unsigned long i = 0; i < rounds; ++i) {
    total += work(1000 + i);
  }
  std::printf("%lu\n", total);
  return 0;
}
