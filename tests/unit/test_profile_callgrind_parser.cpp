#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "profile/callgrind_parser.hpp"

using namespace zkbench::profile;

namespace {

// Hand-written with every feature: name compression, instr+line positions with subposition compression,
// a second event (Dr) that is not steps, calls, and direct recursion (helper -> helper).
// Expected figures by hand:
//   main   self 5+7+3 = 15; calls work x2 costing 600        -> inclusive 615, calls none
//   work   self 250+100 = 350; calls helper x5 costing 250    -> inclusive 600, calls 2
//   helper self 250; calls itself x1 costing 40 (already in its self) -> inclusive 250, calls 5+1 = 6
//   total (summary) 615 = 15 + 350 + 250
const char* const k_hand_written = R"(# callgrind format
version: 1
creator: hand
pid: 42
cmd: ./prog
part: 1
positions: instr line
events: Ir Dr
summary: 615 50

ob=(1) /bin/prog
fl=(1) main.c
fn=(1) main
0x10 3 5 1
+4 +1 7
cfl=(2) lib.c
cfn=(2) work
calls=2 0x100 20
+4 * 600 30
* -1 3

fl=(2)
fn=(2)
0x100 20 250 10
+8 +2 100
cfn=(3) helper
calls=5 0x200
* * 250 9
fn=(3)
0x200 30 250
cfn=(3)
calls=1 0x200
* * 40
jump=3 0x204
totals: 615 50
)";

zkbench::Result<Profile> parse(const std::string& text) {
  std::istringstream in(text);
  return parse_callgrind_stream(in, "callgrind.out");
}

} // namespace

TEST(ProfileCallgrindParser, hand_written_file_has_exact_figures) {
  const auto profile = parse(k_hand_written);
  ASSERT_TRUE(profile) << profile.error().message;
  EXPECT_EQ(profile->source.kind, SourceKind::callgrind);
  EXPECT_EQ(profile->total(Metric::steps), 615u);
  ASSERT_EQ(profile->functions.size(), 3u);
  const FunctionProfile* main_fn = profile->find("main");
  const FunctionProfile* work = profile->find("work");
  const FunctionProfile* helper = profile->find("helper");
  ASSERT_TRUE(main_fn && work && helper);
  EXPECT_EQ(main_fn->get(Metric::steps, Scope::exclusive), 15u);
  EXPECT_EQ(main_fn->get(Metric::steps, Scope::inclusive), 615u);
  EXPECT_FALSE(main_fn->calls);
  EXPECT_EQ(work->get(Metric::steps, Scope::exclusive), 350u);
  EXPECT_EQ(work->get(Metric::steps, Scope::inclusive), 600u);
  EXPECT_EQ(work->calls, 2u);
  EXPECT_EQ(work->per_call(Metric::steps, Scope::inclusive), 300.0);
  EXPECT_EQ(helper->get(Metric::steps, Scope::exclusive), 250u);
  EXPECT_EQ(helper->get(Metric::steps, Scope::inclusive), 250u);
  EXPECT_EQ(helper->calls, 6u);
  ASSERT_EQ(helper->callers.size(), 2u);
  EXPECT_EQ(helper->callers[0].name, "work");
  EXPECT_EQ(helper->callers[0].calls, 5u);
  EXPECT_EQ(helper->callers[0].figures.steps, 250u);
  EXPECT_EQ(helper->callers[1].name, "helper");
  EXPECT_EQ(helper->callers[1].calls, 1u);
  EXPECT_TRUE(profile->notes.empty());
}

TEST(ProfileCallgrindParser, uses_the_first_event_with_a_note_when_there_is_no_ir) {
  const auto profile = parse("events: Dr Dw\nfn=f\n1 4 9\n2 6\n");
  ASSERT_TRUE(profile) << profile.error().message;
  EXPECT_EQ(profile->total(Metric::steps), 10u);
  ASSERT_EQ(profile->notes.size(), 1u);
  EXPECT_NE(profile->notes[0].find("'Dr'"), std::string::npos);
}

TEST(ProfileCallgrindParser, rejects_malformed_lines_with_the_line_number) {
  const auto undefined = parse("events: Ir\nfn=(7)\n1 5\n");
  ASSERT_FALSE(undefined);
  EXPECT_EQ(undefined.error().message, "callgrind.out:2: compressed name (7) is used before it is defined");

  const auto no_fn = parse("events: Ir\n1 5\n");
  ASSERT_FALSE(no_fn);
  EXPECT_NE(no_fn.error().message.find("callgrind.out:2:"), std::string::npos);

  const auto bad_cost = parse("events: Ir\nfn=f\n1 5x\n");
  ASSERT_FALSE(bad_cost);
  EXPECT_NE(bad_cost.error().message.find("malformed cost '5x'"), std::string::npos);

  const auto dangling_calls = parse("events: Ir\nfn=f\ncfn=g\ncalls=1 0\n");
  ASSERT_FALSE(dangling_calls);
  EXPECT_FALSE(parse("version: 1\n"));
  EXPECT_FALSE(parse("events: Ir\nfn=f\ngarbage line\n"));
}

TEST(ProfileCallgrindParser, sniffs_callgrind_files) {
  EXPECT_TRUE(sniff_callgrind(k_hand_written));
  EXPECT_TRUE(sniff_callgrind("version: 1\nevents: Ir\nfn=main\n"));
  EXPECT_FALSE(sniff_callgrind("REPORT\nSTEPS 5\n"));
}
