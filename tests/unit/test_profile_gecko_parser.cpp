#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "profile/gecko_parser.hpp"
#include "support/fixtures.hpp"

using namespace zkbench::profile;
using zkbench::test::fixture_path;

namespace {

using Row = std::tuple<const char*, std::uint64_t, std::uint64_t>; // name, exclusive, inclusive

// Expected figures of both fixtures, computed independently with a short Python script that json.load()s
// the file (following embedded subprocess strings in `threads`), walks every sample's stack through the
// prefix chain, and counts the leaf (exclusive) and each distinct function on the stack (inclusive):
//   total 21 samples (3 threads x 7)
const std::vector<Row> k_fixture_rows = {
    {"(root)", 3, 21},
    {"0x100000f84", 6, 18},
    {"0x100001a45", 6, 6},
    {"Startup::XRE_Main", 3, 3},
    {"frobnicate (chrome://blargh:34)", 3, 3},
};

Profile parse_fixture(const std::string& name) {
  std::ifstream in(fixture_path("gecko/" + name), std::ios::binary);
  auto profile = parse_gecko_stream(in, name);
  EXPECT_TRUE(profile) << profile.error().message;
  return profile ? *profile : Profile{};
}

void expect_rows(const Profile& profile) {
  EXPECT_EQ(profile.total(Metric::steps), 21u);
  EXPECT_EQ(profile.functions.size(), k_fixture_rows.size());
  for (const auto& [name, exclusive, inclusive] : k_fixture_rows) {
    const FunctionProfile* f = profile.find(name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(f->get(Metric::steps, Scope::exclusive), exclusive) << name;
    EXPECT_EQ(f->get(Metric::steps, Scope::inclusive), inclusive) << name;
  }
}

zkbench::Result<Profile> parse_text(const std::string& text) {
  std::istringstream in(text);
  return parse_gecko_stream(in, "t.json");
}

} // namespace

TEST(ProfileGeckoParser, raw_gecko_fixture_with_embedded_subprocess_has_exact_figures) {
  const Profile profile = parse_fixture("gecko-1.json");
  expect_rows(profile);
  EXPECT_EQ(profile.source.kind, SourceKind::gecko);
  EXPECT_EQ(profile.source.version, "gecko meta 3");
  ASSERT_FALSE(profile.notes.empty());
  EXPECT_EQ(profile.notes.back(), "3 threads merged by function name");
}

TEST(ProfileGeckoParser, processed_fixture_has_the_same_figures) {
  const Profile profile = parse_fixture("processed-1.json");
  expect_rows(profile);
}

TEST(ProfileGeckoParser, ignores_samples_nested_in_markers_and_reads_weights) {
  // Marker payloads carry their own "samples"/"stackTable" (sync backtraces): they must not count.
  const auto profile = parse_text(R"({"meta":{"version":24},"threads":[{"name":"main",
    "markers":{"data":[[1,2,{"stack":{"samples":{"schema":{"stack":0},"data":[[0],[0]]}}}]]},
    "samples":{"schema":{"stack":0,"time":1,"weight":2},"data":[[1,0.0,5],[0,1.0,null],[null,2.0]]},
    "stackTable":{"schema":{"prefix":0,"frame":1},"data":[[null,0],[0,1]]},
    "frameTable":{"schema":{"location":0},"data":[[0],[1]]},
    "stringTable":["main","work"]}]})");
  ASSERT_TRUE(profile) << profile.error().message;
  EXPECT_EQ(profile->total(Metric::steps), 7u); // 5 + 1 + 1 (stackless)
  EXPECT_EQ(profile->find("work")->get(Metric::steps, Scope::exclusive), 5u);
  EXPECT_EQ(profile->find("main")->get(Metric::steps, Scope::inclusive), 6u);
  EXPECT_EQ(profile->find("main")->get(Metric::steps, Scope::exclusive), 1u);
}

TEST(ProfileGeckoParser, counts_recursive_frames_once_per_sample) {
  const auto profile = parse_text(R"({"threads":[{"samples":{"data":[[2],[2],[1]]},
    "stackTable":{"data":[[null,0],[0,1],[1,0]]},"frameTable":{"data":[[0],[1]]},
    "stringTable":["rec","mid"]}]})");
  // stacks: 2 = rec <- mid <- rec (leaf first), 1 = mid <- rec
  ASSERT_TRUE(profile) << profile.error().message;
  const FunctionProfile* rec = profile->find("rec");
  ASSERT_NE(rec, nullptr);
  EXPECT_EQ(rec->get(Metric::steps, Scope::inclusive), 3u);
  EXPECT_EQ(rec->get(Metric::steps, Scope::exclusive), 2u);
  EXPECT_EQ(profile->find("mid")->get(Metric::steps, Scope::inclusive), 3u);
  EXPECT_EQ(profile->find("mid")->get(Metric::steps, Scope::exclusive), 1u);
}

TEST(ProfileGeckoParser, rejects_bad_indices_cycles_and_malformed_json_with_a_position) {
  const auto out_of_range = parse_text(R"({"threads":[{"samples":{"data":[[5]]},
    "stackTable":{"data":[[null,0]]},"frameTable":{"data":[[0]]},"stringTable":["a"]}]})");
  ASSERT_FALSE(out_of_range);
  EXPECT_NE(out_of_range.error().message.find("stack 5 is outside stackTable"), std::string::npos)
      << out_of_range.error().message;

  const auto cycle = parse_text(R"({"threads":[{"samples":{"data":[[0]]},
    "stackTable":{"data":[[1,0],[0,0]]},"frameTable":{"data":[[0]]},"stringTable":["a"]}]})");
  ASSERT_FALSE(cycle);
  EXPECT_NE(cycle.error().message.find("prefix cycle"), std::string::npos) << cycle.error().message;

  const auto bad_string = parse_text(R"({"threads":[{"samples":{"data":[[0]]},
    "stackTable":{"data":[[null,0]]},"frameTable":{"data":[[3]]},"stringTable":["a"]}]})");
  ASSERT_FALSE(bad_string);

  const auto truncated = parse_text(R"({"threads":[{"samples":{"data":[[0)");
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().message.rfind("t.json: invalid JSON at byte", 0), 0u) << truncated.error().message;

  EXPECT_FALSE(parse_text(R"({"meta":{}})"));
  EXPECT_FALSE(parse_text("[]"));
}

TEST(ProfileGeckoParser, sniffs_json_profiles_only) {
  EXPECT_TRUE(sniff_gecko("  {\"meta\": {\"version\": 3}"));
  EXPECT_TRUE(sniff_gecko("{\"threads\":[]}"));
  EXPECT_FALSE(sniff_gecko("REPORT\n"));
  EXPECT_FALSE(sniff_gecko("[1,2]"));
}

TEST(ProfileGeckoParser, reads_samples_rows_in_any_json_spelling) {
  // The rows take a fast path outside the generic lexer: white space, exponents, integral floats, literals
  // and empty rows must read as the JSON they are. stack 1 = work <- main; weights 2 + 3 + 1; `[]` has no
  // stack (counts 1 toward the total only).
  const auto profile = parse_text(R"({"threads":[{"samples":{"schema":{"stack":0,"weight":1,"time":2},"data":[
      [ 1 , 2.0 , -3.5e+2 ] ,
      [1e0,3,true],[0,null,false],
      []
    ]},
    "stackTable":{"data":[[null,0],[0,1]]},"frameTable":{"data":[[0],[1]]},"stringTable":["main","work"]}]})");
  ASSERT_TRUE(profile) << profile.error().message;
  EXPECT_EQ(profile->total(Metric::steps), 7u);
  EXPECT_EQ(profile->find("work")->get(Metric::steps, Scope::exclusive), 5u);
  EXPECT_EQ(profile->find("main")->get(Metric::steps, Scope::inclusive), 6u);
}

TEST(ProfileGeckoParser, rejects_malformed_samples_rows) {
  for (const char* rows : {R"([[1,"x"]])", R"([[01]])", R"([[1 2]])", R"([1])", R"([[1],,[2]])", R"([[1.]])",
                           R"([[nul]])", R"([[-]])"}) {
    const auto profile = parse_text(std::string(R"({"threads":[{"samples":{"data":)") + rows +
                                    R"(},"stackTable":{"data":[[null,0]]},"frameTable":{"data":[[0]]},"stringTable":["a"]}]})");
    ASSERT_FALSE(profile) << rows;
    EXPECT_NE(profile.error().message.find("invalid JSON at byte"), std::string::npos) << profile.error().message;
  }
}
