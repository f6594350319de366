#include <gtest/gtest.h>

#include "profile/parse.hpp"
#include "profile/targets.hpp"
#include "support/fixtures.hpp"

using namespace zkbench::profile;

namespace {

const TargetFinding* find(const std::vector<TargetFinding>& findings, const std::string& id) {
  for (const auto& f : findings) {
    if (f.id == id) {
      return &f;
    }
  }
  return nullptr;
}

FunctionProfile fn(std::string name, std::uint64_t cost) {
  FunctionProfile f;
  f.name = std::move(name);
  f.inclusive.cost = cost;
  return f;
}

} // namespace

TEST(ProfileTargets, flags_sha256_in_software_in_the_sdk_fixture) {
  auto p = parse_profile_file(zkbench::test::fixture_path("zisk/cargo_zisk_run_p_summary_sdk_book_head.txt"));
  ASSERT_TRUE(p.has_value());
  const auto findings = find_targets(*p);
  const TargetFinding* sha = find(findings, "sha256-software");
  ASSERT_NE(sha, nullptr);
  EXPECT_TRUE(sha->flagged);
  EXPECT_EQ(sha->metric, Metric::cost);
  EXPECT_EQ(sha->low, 473976966u);
  EXPECT_NEAR(*sha->low_share, 473976966.0 / 787338404.0, 1e-12);
  EXPECT_EQ(findings.front().id, "sha256-software");
  const TargetFinding* memcpy = find(findings, "memcpy");
  ASSERT_NE(memcpy, nullptr);
  EXPECT_EQ(memcpy->low, 117529u);
  EXPECT_FALSE(memcpy->flagged); // 0.01% of cost
}

TEST(ProfileTargets, keccak_with_the_precompile_in_use_is_not_flagged) {
  Profile p;
  p.totals.figures.cost = 1000;
  p.functions = {fn("tiny_keccak::keccakf::keccakf", 100)};
  EXPECT_TRUE(find(find_targets(p), "keccak-software")->flagged);
  p.opcodes.push_back(OpcodeCost{"keccak", 10, 500, 1, std::nullopt});
  const auto findings = find_targets(p);
  EXPECT_FALSE(find(findings, "keccak-software")->flagged);
}

TEST(ProfileTargets, inclusive_figures_give_a_range_not_a_sum) {
  Profile p;
  p.totals.figures.cost = 1000;
  p.functions = {fn("rkyv::from_bytes", 300), fn("<ArchivedWitness as rkyv::Deserialize>::deserialize", 200),
                 fn("alloc::alloc::realloc", 10)};
  const auto findings = find_targets(p);
  const TargetFinding* des = find(findings, "deserialization");
  ASSERT_NE(des, nullptr);
  EXPECT_EQ(des->low, 300u);   // largest single function
  EXPECT_EQ(des->high, 500u);  // the sum, as an upper bound
  EXPECT_TRUE(des->flagged);
  EXPECT_EQ(des->functions.size(), 2u);
  const TargetFinding* alloc = find(findings, "allocation");
  ASSERT_NE(alloc, nullptr);
  EXPECT_EQ(alloc->low, 10u);
  EXPECT_FALSE(alloc->flagged); // 1% < 2%
}

TEST(ProfileTargets, exclusive_figures_are_summed) {
  Profile p;
  p.totals.figures.steps = 1000;
  FunctionProfile a;
  a.name = "memcpy";
  a.exclusive.steps = 100;
  FunctionProfile b;
  b.name = "compiler_builtins::mem::memmove";
  b.exclusive.steps = 50;
  p.functions = {a, b};
  const auto findings = find_targets(p);
  const TargetFinding* memcpy = find(findings, "memcpy");
  ASSERT_NE(memcpy, nullptr);
  EXPECT_EQ(memcpy->metric, Metric::steps);
  EXPECT_EQ(memcpy->low, 150u);
  EXPECT_EQ(memcpy->high, 150u);
  EXPECT_TRUE(memcpy->flagged);
}

TEST(ProfileTargets, needles_match_whole_path_segments_only) {
  Profile p;
  p.totals.figures.cost = 1000;
  p.functions = {fn("ziskos::zisklib::lib::keccak256::keccak256", 500)};
  EXPECT_EQ(find(find_targets(p), "secp256k1-software"), nullptr);
  p.functions.push_back(fn("k256::arithmetic::field::FieldElement::mul", 100));
  ASSERT_NE(find(find_targets(p), "secp256k1-software"), nullptr);
}
