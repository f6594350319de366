// Parses a Gecko profile with zkbench's streaming parser and prints the figures the Python peer prints
// (total, top 5 by exclusive samples), plus our own wall time and peak RSS. Used by bench/gecko/run.sh.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "profile/gecko_parser.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s PROFILE.json\n", argv[0]);
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "error: cannot open %s\n", argv[1]);
    return 1;
  }
  const auto profile = zkbench::profile::parse_gecko_stream(in, argv[1]);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!profile) {
    std::fprintf(stderr, "error: %s\n", profile.error().message.c_str());
    return 1;
  }
  using zkbench::profile::Metric;
  using zkbench::profile::Scope;
  std::printf("total %llu\n", static_cast<unsigned long long>(profile->total(Metric::steps).value_or(0)));
  for (const auto* f : profile->top(Metric::steps, Scope::exclusive, 5)) {
    std::printf("%llu %llu %s\n", static_cast<unsigned long long>(f->get(Metric::steps, Scope::exclusive).value_or(0)),
                static_cast<unsigned long long>(f->get(Metric::steps, Scope::inclusive).value_or(0)), f->name.c_str());
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::fprintf(stderr, "zkbench parse: %.3f s, peak RSS %ld KiB\n", seconds, usage.ru_maxrss);
  return 0;
}
