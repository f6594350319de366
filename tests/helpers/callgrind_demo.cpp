// A tiny native program for the callgrind tests: a loop-heavy function, a directly recursive one, and a
// pair called a known number of times, so the callgrind profile has calls, recursion and inclusive costs.
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

} // namespace

int main() {
  unsigned long total = 0;
  for (unsigned long i = 0; i < 7; ++i) {
    total += work(1000 + i);
  }
  std::printf("%lu\n", total);
  return 0;
}
