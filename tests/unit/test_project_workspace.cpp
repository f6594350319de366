// project/workspace: which baseline an experiment is compared with (per machine class, issue 7) and
// this machine's class. On a real SQLite store in a temporary folder.

#include <gtest/gtest.h>

#include <fstream>

#include "store/store.hpp"
#include "support/env.hpp"
#include "support/fixtures.hpp"
#include "project/workspace.hpp"

using zkbench::store::BaselineRecord;
using zkbench::store::ExperimentRecord;
using zkbench::project::ClassMatch;
using zkbench::project::comparable_baseline;
using zkbench::project::latest_baseline;

namespace {

class WorkflowWorkspace : public testing::Test {
protected:
  void SetUp() override {
    auto opened = zkbench::store::open_store((m_dir / "zkbench.db").string());
    ASSERT_TRUE(opened) << opened.error().message;
    m_store = std::move(*opened);
    const auto session = m_store->begin_session({"baseline", "zkbench baseline", "box", "/w", 1, ""});
    ASSERT_TRUE(session);
    m_session = *session;
  }

  /// Adds a baseline of `machine_class` at commit `commit`, `at_us`; returns its id.
  std::int64_t add(const std::string& commit, const std::string& machine_class, std::int64_t at_us) {
    const auto id = m_store->add_baseline(BaselineRecord{0, commit, "", at_us, {{"a", "h", m_session}}, machine_class});
    EXPECT_TRUE(id) << id.error().message;
    return id.value_or(0);
  }

  zkbench::test::TempDir m_dir;
  std::unique_ptr<zkbench::store::Store> m_store;
  std::int64_t m_session = 0;
};

} // namespace

TEST_F(WorkflowWorkspace, picks_the_newest_baseline_of_the_class_and_ignores_newer_ones_of_other_classes) {
  add("old-h100", "h100", 10);
  const std::int64_t newest_h100 = add("new-h100", "h100", 20);
  add("rtx", "rtx3090", 30);
  const std::int64_t unclassified = add("none", "", 40);
  const auto h100 = latest_baseline(*m_store, "h100");
  ASSERT_TRUE(h100) << h100.error().message;
  EXPECT_EQ(h100->id, newest_h100);
  EXPECT_EQ(h100->commit, "new-h100");
  const auto none = latest_baseline(*m_store, "");
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_EQ(none->id, unclassified);
}

TEST_F(WorkflowWorkspace, a_class_without_a_baseline_says_where_to_run_one) {
  add("rtx", "rtx3090", 10);
  const auto h100 = latest_baseline(*m_store, "h100");
  ASSERT_FALSE(h100);
  EXPECT_EQ(h100.error().message.rfind("no baseline for machine class 'h100'; run `zkbench baseline` on an h100 "
                                       "machine",
                                       0),
            0U)
      << h100.error().message;
  const auto none = latest_baseline(*m_store, "");
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("ZKBENCH_MACHINE_CLASS"), std::string::npos) << none.error().message;
}

TEST_F(WorkflowWorkspace, an_empty_store_has_no_baseline_yet_whatever_the_class) {
  for (const ClassMatch match : {ClassMatch::required, ClassMatch::preferred}) {
    const auto found = latest_baseline(*m_store, "h100", match);
    ASSERT_FALSE(found);
    EXPECT_NE(found.error().message.find("no baseline yet"), std::string::npos) << found.error().message;
  }
}

TEST_F(WorkflowWorkspace, preferred_falls_back_to_the_newest_baseline_of_any_class) {
  add("h100", "h100", 10);
  const std::int64_t rtx = add("rtx", "rtx3090", 20);
  const auto found = latest_baseline(*m_store, "a100", ClassMatch::preferred);
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->id, rtx);
  const auto own = latest_baseline(*m_store, "h100", ClassMatch::preferred);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->commit, "h100");
}

TEST_F(WorkflowWorkspace, an_experiment_keeps_its_baseline_on_its_class_and_takes_the_class_newest_elsewhere) {
  const std::int64_t old_h100 = add("old-h100", "h100", 10);
  const std::int64_t new_h100 = add("new-h100", "h100", 20);
  const std::int64_t rtx = add("rtx", "rtx3090", 30);
  ExperimentRecord e;
  e.baseline_id = old_h100;
  const auto same = comparable_baseline(*m_store, e, "h100");
  ASSERT_TRUE(same) << same.error().message;
  EXPECT_EQ(same->id, old_h100); // resumable: the baseline it was compared with so far
  e.baseline_id = rtx;
  const auto other = comparable_baseline(*m_store, e, "h100");
  ASSERT_TRUE(other) << other.error().message;
  EXPECT_EQ(other->id, new_h100);
  const auto none = comparable_baseline(*m_store, e, "a100");
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("no baseline for machine class 'a100'"), std::string::npos);
}

TEST(WorkflowMachineClass, comes_from_the_environment_trimmed_and_is_empty_when_unset) {
  zkbench::test::ScopedEnv env;
  env.set("ZKBENCH_MACHINE_CLASS", " h100\n");
  EXPECT_EQ(zkbench::project::machine_class_from_env(), "h100");
  ::unsetenv("ZKBENCH_MACHINE_CLASS"); // ScopedEnv restores the value from before the test
  EXPECT_EQ(zkbench::project::machine_class_from_env(), "");
}

TEST(WorkflowProjectPolicy, a_policy_files_timeout_slack_is_kept_and_the_workflow_minimum_applies_below_it) {
  zkbench::test::TempDir dir;
  const auto file = dir.path() / "policy.yaml";
  std::ofstream(file) << "preset: zkvm\ntimeout_min_slack_s: 30\n";
  zkbench::project::ProjectConfig config;
  config.policy.kind = zkbench::project::PolicyKind::file;
  config.policy.file = file;
  const auto from_file = zkbench::project::project_policy(config);
  ASSERT_TRUE(from_file) << from_file.error().message;
  EXPECT_DOUBLE_EQ(from_file->timeout_min_slack_s, 30.0); // the key the file sets does something
  config.policy.kind = zkbench::project::PolicyKind::generic;
  const auto preset = zkbench::project::project_policy(config);
  ASSERT_TRUE(preset) << preset.error().message;
  EXPECT_DOUBLE_EQ(preset->timeout_min_slack_s, zkbench::project::k_min_timeout_slack_s);
}
