// The one reader of an owner's linked sessions (project/linked_runs): which sessions belong to a
// baseline or an experiment, and their runs per side, on a real SQLite store.
#include <gtest/gtest.h>

#include "project/linked_runs.hpp"
#include "store/store.hpp"
#include "support/fixtures.hpp"

namespace zkbench::workflow {
namespace {

class LinkedRunsTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto opened = store::open_store((m_dir / "zkbench.db").string());
    ASSERT_TRUE(opened) << opened.error().message;
    m_store = std::move(*opened);
  }

  // A session of `input` with one benchmark per side in `sides` ("" for a benchmark recorded before
  // sides existed), each with runs of the given wall times.
  std::int64_t session(const std::string& input, const std::vector<std::pair<std::string, std::vector<double>>>& sides) {
    const auto id = m_store->begin_session({"baseline", "zkbench baseline", "box", "/repo", 1, ""});
    EXPECT_TRUE(id);
    for (const auto& [side, times] : sides) {
      core::Benchmark bench;
      bench.name = input + " " + side;
      bench.command = "./prog " + input;
      bench.parameters = {{"input", input}};
      if (!side.empty()) {
        bench.parameters["side"] = side;
      }
      const auto bench_id = m_store->add_benchmark(*id, bench);
      EXPECT_TRUE(bench_id);
      for (std::size_t i = 0; i < times.size(); ++i) {
        core::Run run;
        run.index = static_cast<int>(i); // each session's runs from 0: the reader renumbers them
        run.wall_s = times[i];
        EXPECT_TRUE(m_store->add_run(*bench_id, run));
      }
    }
    return *id;
  }

  void link(const std::string& owner, std::int64_t owner_id, const std::string& input, std::int64_t session_id) {
    ASSERT_TRUE(m_store->link_session({owner, owner_id, input, session_id}));
  }

  static std::vector<double> walls(const core::Benchmark& bench) { return bench.wall_times(); }

  test::TempDir m_dir;
  std::unique_ptr<store::Store> m_store;
};

TEST_F(LinkedRunsTest, a_resumed_input_s_sessions_are_read_in_link_order_and_renumbered) {
  const auto first = session("a", {{"baseline", {1.0, 2.0}}});
  const auto second = session("a", {{"baseline", {3.0}}});
  const auto other = session("b", {{"baseline", {9.0}}});
  link("baseline:abc", 0, "a", first);
  link("baseline:abc", 0, "b", other);
  link("baseline:abc", 0, "a", second);
  const auto sessions = project::linked_sessions(*m_store, "baseline:abc", 0);
  ASSERT_TRUE(sessions) << sessions.error().message;
  EXPECT_EQ(sessions->at("a"), (std::vector<std::int64_t>{first, second}));
  const auto a = project::linked_runs(*m_store, "baseline:abc", 0, "a", "baseline");
  ASSERT_TRUE(a);
  EXPECT_EQ(walls(*a), (std::vector<double>{1.0, 2.0, 3.0}));
  EXPECT_EQ(a->runs.back().index, 2);
  EXPECT_EQ(a->parameters.at("side"), "baseline");
  EXPECT_TRUE(project::linked_runs(*m_store, "baseline:abc", 0, "c", "baseline")->runs.empty());
  EXPECT_TRUE(project::linked_runs(*m_store, "baseline:abc", 1, "a", "baseline")->runs.empty()); // another baseline's
}

TEST_F(LinkedRunsTest, an_experiment_s_sessions_hold_both_sides_and_unsided_runs_are_the_candidate_s) {
  const auto interleaved = session("a", {{"baseline", {1.0, 1.1}}, {"candidate", {0.5, 0.6}}});
  const auto old = session("b", {{"", {0.7}}});
  link("experiment", 4, "a", interleaved);
  link("experiment", 4, "b", old);
  const auto candidates = project::linked_runs(*m_store, "experiment", 4, "candidate");
  const auto beside = project::linked_runs(*m_store, "experiment", 4, "baseline");
  ASSERT_TRUE(candidates && beside);
  EXPECT_EQ(walls(candidates->at("a")), (std::vector<double>{0.5, 0.6}));
  EXPECT_EQ(walls(candidates->at("b")), (std::vector<double>{0.7}));
  EXPECT_EQ(walls(beside->at("a")), (std::vector<double>{1.0, 1.1}));
  EXPECT_TRUE(beside->at("b").runs.empty()); // linked, but no baseline side measured
}

TEST_F(LinkedRunsTest, a_baseline_reads_every_linked_session_and_its_record_s_session_when_none_is_linked) {
  const auto a1 = session("a", {{"baseline", {1.0}}});
  const auto a2 = session("a", {{"baseline", {2.0, 3.0}}});
  const auto b = session("b", {{"", {5.0}}});
  const auto id = m_store->add_baseline({0, "abc", "", 1, {{"a", "sha-a", a2}, {"b", "sha-b", b}}, ""});
  ASSERT_TRUE(id);
  // Recorded after its measuring: both of a's sessions linked; b recorded before links existed.
  link("baseline", *id, "a", a1);
  link("baseline", *id, "a", a2);
  const auto baseline = m_store->list_baselines()->back();
  const auto benches = project::baseline_benchmarks(*m_store, baseline);
  ASSERT_TRUE(benches) << benches.error().message;
  ASSERT_EQ(benches->size(), 2u);
  EXPECT_EQ(benches->at("a").name, "a");
  EXPECT_EQ(walls(benches->at("a")), (std::vector<double>{1.0, 2.0, 3.0}));
  EXPECT_EQ(walls(benches->at("b")), (std::vector<double>{5.0}));
}

TEST_F(LinkedRunsTest, kept_runs_holds_an_owner_s_and_its_drift_test_s_runs_per_side_and_input) {
  const auto interleaved = session("a", {{"baseline", {1.0}}, {"candidate", {0.5, 0.6}}});
  const auto drift = session("a", {{"baseline", {1.2, 1.3}}});
  const auto elsewhere = session("a", {{"candidate", {9.0}}});
  link("experiment", 7, "a", interleaved);
  link(std::string("experiment") + project::k_drift_owner_suffix, 7, "a", drift);
  link("experiment", 8, "a", elsewhere); // another experiment's
  const auto kept = project::kept_runs(*m_store, "experiment", 7);
  ASSERT_TRUE(kept) << kept.error().message;
  EXPECT_EQ(walls(kept->at("experiment").at("candidate").at("a")), (std::vector<double>{0.5, 0.6}));
  EXPECT_EQ(walls(kept->at("experiment").at("baseline").at("a")), (std::vector<double>{1.0}));
  EXPECT_EQ(walls(kept->at("experiment-drift").at("baseline").at("a")), (std::vector<double>{1.2, 1.3}));
  EXPECT_TRUE(kept->at("experiment-drift").at("candidate").at("a").runs.empty());
  const auto none = project::kept_runs(*m_store, "compound", 7);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->at("compound").at("candidate").empty());
}

} // namespace
} // namespace zkbench::workflow
