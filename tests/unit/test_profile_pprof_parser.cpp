#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <sstream>
#include <string>

#include <zlib.h>

#include "profile/pprof_parser.hpp"
#include "profile/protobuf_reader.hpp"
#include "support/fixtures.hpp"
#include "support/protobuf_encode.hpp"

using namespace zkbench::profile;
using namespace zkbench::test::protobuf;
using zkbench::test::fixture_path;
using zkbench::test::read_file;

namespace {

// Parses a `go tool pprof -top` figure ("0.70s", "10ms", "0") into nanoseconds.
std::int64_t top_figure_to_nanos(const std::string& text) {
  if (text == "0") {
    return 0;
  }
  const std::map<std::string, double> units = {{"ns", 1.0}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"min", 60e9}};
  std::size_t digits_end = text.find_first_not_of("0123456789.");
  const double number = std::stod(text.substr(0, digits_end));
  const std::string unit = text.substr(digits_end);
  EXPECT_TRUE(units.count(unit)) << "unknown unit in " << text;
  return std::llround(number * units.at(unit));
}

struct TopRow {
  std::int64_t flat = 0;
  std::int64_t cum = 0;
};

// Rows of the fixture's table: "flat flat% sum% cum cum% name [(inline)]".
std::map<std::string, TopRow> read_pprof_top(const std::string& text) {
  std::map<std::string, TopRow> rows;
  std::istringstream in(text);
  std::string line;
  bool in_table = false;
  while (std::getline(in, line)) {
    if (line.find("flat%") != std::string::npos) {
      in_table = true;
      continue;
    }
    if (!in_table || line.empty()) {
      continue;
    }
    std::istringstream fields(line);
    std::string flat, flat_pct, sum_pct, cum, cum_pct, name;
    fields >> flat >> flat_pct >> sum_pct >> cum >> cum_pct >> name;
    rows[name] = TopRow{top_figure_to_nanos(flat), top_figure_to_nanos(cum)};
  }
  return rows;
}

// A RISC Zero-like profile: sample type cycles; location 1 has an inlined frame (inner first), location 2
// is the caller; recursion on `rec`.
std::string risc0_like_profile() {
  std::string p;
  p += bytes_field(1, int_field(1, 1) + int_field(2, 2)); // sample_type cycles/cycles? strings 1,2
  // Samples: [loc1, loc2] x 100, [loc2] x 7, [loc3, loc3, loc2] x 5 (recursion)
  p += bytes_field(2, packed(1, {1, 2}) + packed(2, {100}));
  p += bytes_field(2, packed(1, {2}) + int_field(2, 7)); // unpacked value encoding
  p += bytes_field(2, int_field(1, 3) + int_field(1, 3) + int_field(1, 2) + packed(2, {5}));
  auto line = [](std::uint64_t fn) { return bytes_field(4, int_field(1, fn) + int_field(2, 10)); };
  p += bytes_field(4, int_field(1, 1) + line(11) + line(12)); // inner, outer
  p += bytes_field(4, int_field(1, 2) + line(13));
  p += bytes_field(4, int_field(1, 3) + line(14));
  p += bytes_field(5, int_field(1, 11) + int_field(2, 3));
  p += bytes_field(5, int_field(1, 12) + int_field(2, 4));
  p += bytes_field(5, int_field(1, 13) + int_field(2, 5));
  p += bytes_field(5, int_field(1, 14) + int_field(2, 6));
  for (const char* s : {"", "cycles", "cycles", "inner", "outer", "main", "rec"}) {
    p += bytes_field(6, s);
  }
  return p;
}

std::map<std::string, FunctionTotals> by_name(const PprofProfile& profile) {
  std::map<std::string, FunctionTotals> out;
  for (const auto& f : profile.functions) {
    out[f.name] = f;
  }
  return out;
}

std::string gzip(const std::string& data) {
  z_stream s{};
  deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(compressBound(static_cast<uLong>(data.size())) + 64, '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  s.avail_in = static_cast<uInt>(data.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  deflate(&s, Z_FINISH);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

} // namespace

TEST(ProfilePprofParser, go_cpu_profile_matches_go_tool_pprof_top_row_by_row) {
  const auto profile = parse_pprof(read_file(fixture_path("pprof/go_sha_sort.cpu.pb.gz")));
  ASSERT_TRUE(profile) << profile.error().message;
  // Go CPU profiles carry samples/count and cpu/nanoseconds; pprof shows the last, cpu.
  EXPECT_EQ(profile->sample_type, "cpu");
  EXPECT_EQ(profile->unit, "nanoseconds");
  ASSERT_EQ(profile->sample_types.size(), 2u);
  EXPECT_EQ(profile->sample_types[0], "samples/count");

  const std::string top = read_file(fixture_path("pprof/go_sha_sort.pprof-top.txt"));
  const auto expected = read_pprof_top(top);
  ASSERT_EQ(expected.size(), 20u);
  const auto actual = by_name(*profile);
  EXPECT_EQ(actual.size(), expected.size());
  for (const auto& [name, row] : expected) {
    ASSERT_TRUE(actual.count(name)) << name;
    EXPECT_EQ(actual.at(name).exclusive, row.flat) << name;
    EXPECT_EQ(actual.at(name).inclusive, row.cum) << name;
  }
  // "Total samples = 1.95s"
  EXPECT_EQ(profile->total, 1'950'000'000);
  // "Duration: 2.11s"
  EXPECT_EQ(std::llround(static_cast<double>(profile->duration_nanos) / 1e7), 211);
}

TEST(ProfilePprofParser, prefers_cycles_and_expands_inlined_frames) {
  const auto profile = parse_pprof(risc0_like_profile());
  ASSERT_TRUE(profile) << profile.error().message;
  EXPECT_EQ(profile->sample_type, "cycles");
  EXPECT_EQ(profile->total, 112);
  EXPECT_EQ(profile->sample_count, 3);
  const auto f = by_name(*profile);
  EXPECT_EQ(f.at("inner").exclusive, 100);
  EXPECT_EQ(f.at("inner").inclusive, 100);
  EXPECT_EQ(f.at("outer").exclusive, 0);
  EXPECT_EQ(f.at("outer").inclusive, 100);
  EXPECT_EQ(f.at("main").exclusive, 7);
  EXPECT_EQ(f.at("main").inclusive, 112);
  // Recursive frames count once per sample.
  EXPECT_EQ(f.at("rec").exclusive, 5);
  EXPECT_EQ(f.at("rec").inclusive, 5);
}

TEST(ProfilePprofParser, reads_raw_and_gzip_input_alike) {
  const std::string raw = risc0_like_profile();
  const auto a = parse_pprof(raw);
  const auto b = parse_pprof(gzip(raw));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->total, b->total);
  EXPECT_EQ(a->functions.size(), b->functions.size());
}

TEST(ProfilePprofParser, rejects_truncated_and_inconsistent_input) {
  const std::string raw = risc0_like_profile();
  const auto truncated = parse_pprof(raw.substr(0, raw.size() - 3));
  ASSERT_FALSE(truncated);
  EXPECT_NE(truncated.error().message.find("byte"), std::string::npos) << truncated.error().message;

  const std::string gz = gzip(raw);
  const auto bad_gzip = parse_pprof(gz.substr(0, gz.size() / 2));
  ASSERT_FALSE(bad_gzip);
  EXPECT_NE(bad_gzip.error().message.find("gzip"), std::string::npos) << bad_gzip.error().message;

  std::string unknown_location = raw + bytes_field(2, packed(1, {99}) + packed(2, {1}));
  const auto missing = parse_pprof(unknown_location);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("unknown location id 99"), std::string::npos);

  EXPECT_FALSE(parse_pprof(raw + bytes_field(2, packed(1, {2}) + packed(2, {1, 2}))));
  EXPECT_FALSE(parse_pprof(""));
}

TEST(ProfilePprofParser, maps_cycles_into_the_profile_model) {
  std::istringstream in(risc0_like_profile());
  const auto profile = parse_pprof_stream(in, "risc0.pb");
  ASSERT_TRUE(profile) << profile.error().message;
  EXPECT_EQ(profile->source.kind, SourceKind::pprof);
  EXPECT_EQ(profile->source.version, "cycles/cycles");
  EXPECT_EQ(profile->total(Metric::cycles), 112u);
  EXPECT_FALSE(profile->total(Metric::steps));
  const FunctionProfile* outer = profile->find("outer");
  ASSERT_NE(outer, nullptr);
  EXPECT_EQ(outer->get(Metric::cycles, Scope::inclusive), 100u);
  EXPECT_EQ(outer->get(Metric::cycles, Scope::exclusive), 0u);
  EXPECT_FALSE(outer->calls);
}

TEST(ProfilePprofParser, go_cpu_nanoseconds_become_steps_with_a_note_and_errors_name_the_file) {
  std::istringstream in(read_file(fixture_path("pprof/go_sha_sort.cpu.pb.gz")));
  const auto profile = parse_pprof_stream(in, "go.pb.gz");
  ASSERT_TRUE(profile) << profile.error().message;
  EXPECT_EQ(profile->total(Metric::steps), 1'950'000'000u);
  ASSERT_FALSE(profile->notes.empty());
  EXPECT_NE(profile->notes.front().find("nanoseconds"), std::string::npos);
  EXPECT_TRUE(sniff_pprof(read_file(fixture_path("pprof/go_sha_sort.cpu.pb.gz"))));
  EXPECT_TRUE(sniff_pprof(risc0_like_profile()));
  EXPECT_FALSE(sniff_pprof("{\"meta\": {}}"));

  std::istringstream bad("\x0a\x05\x08");
  const auto error = parse_pprof_stream(bad, "bad.pb");
  ASSERT_FALSE(error);
  EXPECT_EQ(error.error().message.rfind("bad.pb: ", 0), 0u) << error.error().message;
}
