// The profiles of the Store contract (schema version 5), run against each backend like the rest of
// StoreContract (tests/support/store_contract.hpp): SQLite in unit_tests, PostgreSQL in pg_tests.

#include <gtest/gtest.h>

#include "store/store.hpp"
#include "support/fixtures.hpp"
#include "support/store_contract.hpp"

using zkbench::store::ProfileRecord;
using zkbench::test::StoreContract;

namespace {

ProfileRecord pprof_profile() {
  ProfileRecord p;
  p.created_at_us = 1'700'000'000'123'456;
  p.kind = "profile";
  p.zkvm = "risc0";
  p.format = "pprof";
  p.input = "block_24";
  p.title = "after the keccak patch";
  p.commit = "0123456789abcdef0123456789abcdef01234567";
  p.file_name = "stats_20250101_120000_0123456_after-the-keccak-patch.pb";
  // A real gzip pprof file: binary, NUL bytes included.
  p.content = zkbench::test::read_file(zkbench::test::fixture_path("pprof/go_sha_sort.cpu.pb.gz"));
  p.experiment_number = 7;
  p.baseline_id = 3;
  return p;
}

void expect_same_metadata(const ProfileRecord& read, const ProfileRecord& written) {
  EXPECT_EQ(read.created_at_us, written.created_at_us);
  EXPECT_EQ(read.kind, written.kind);
  EXPECT_EQ(read.zkvm, written.zkvm);
  EXPECT_EQ(read.format, written.format);
  EXPECT_EQ(read.input, written.input);
  EXPECT_EQ(read.title, written.title);
  EXPECT_EQ(read.commit, written.commit);
  EXPECT_EQ(read.file_name, written.file_name);
  EXPECT_EQ(read.experiment_number, written.experiment_number);
  EXPECT_EQ(read.baseline_id, written.baseline_id);
  EXPECT_EQ(read.size_bytes, written.content.size());
}

} // namespace

TEST_P(StoreContract, profiles_round_trip_every_field_and_their_bytes_exactly) {
  const ProfileRecord binary = pprof_profile();
  ASSERT_GT(binary.content.size(), 100u);
  ASSERT_NE(binary.content.find('\0'), std::string::npos);
  ProfileRecord diff;
  diff.created_at_us = 1'700'000'000'999'000;
  diff.kind = "diff";
  diff.zkvm = "callgrind";
  diff.input = "small";
  diff.file_name = "profile_diff.txt";
  diff.content = "IMPROVEMENT: 1,234 fewer steps (5.00%)\n";
  ProfileRecord empty;
  empty.zkvm = "zisk";
  empty.format = "ziskemu";
  empty.file_name = "empty.txt";

  const ProfileRecord* written[] = {&binary, &diff, &empty};
  std::int64_t ids[3] = {};
  {
    auto store = open_store();
    ASSERT_TRUE(store);
    for (std::size_t i = 0; i < 3; ++i) {
      const auto id = store->add_profile(*written[i]);
      ASSERT_TRUE(id) << id.error().message;
      ids[i] = *id;
    }
  }
  auto store = open_store(); // read back as a later zkbench would
  ASSERT_TRUE(store);
  const auto listed = store->list_profiles();
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*listed)[i].id, ids[i]);
    EXPECT_TRUE((*listed)[i].content.empty()) << "list_profiles leaves the content out";
    expect_same_metadata((*listed)[i], *written[i]);
    const auto got = store->get_profile(ids[i]);
    ASSERT_TRUE(got) << got.error().message;
    expect_same_metadata(*got, *written[i]);
    EXPECT_EQ(got->content, written[i]->content) << "profile " << i;
  }
  EXPECT_FALSE((*listed)[1].experiment_number.has_value());
  EXPECT_FALSE((*listed)[1].baseline_id.has_value());
}

TEST_P(StoreContract, profiles_refuse_an_unknown_kind_and_name_a_missing_id) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ProfileRecord odd = pprof_profile();
  odd.kind = "flamegraph";
  const auto refused = store->add_profile(odd);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("'flamegraph'"), std::string::npos) << refused.error().message;
  const auto listed = store->list_profiles();
  ASSERT_TRUE(listed);
  EXPECT_TRUE(listed->empty());
  const auto missing = store->get_profile(4242);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("no profile 4242"), std::string::npos) << missing.error().message;
}
