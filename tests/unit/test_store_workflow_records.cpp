// The Store contract for the optimization workflow's records (baselines, experiments, session links,
// notes, conflicts), run against every backend that instantiates StoreContract: SQLite in unit_tests,
// PostgreSQL in pg_tests (CMakeLists.txt compiles this file into both).

#include <algorithm>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "store/store.hpp"
#include "support/store_contract.hpp"

using zkbench::store::BaselineRecord;
using zkbench::store::ConflictRecord;
using zkbench::store::ExperimentRecord;
using zkbench::store::NoteRecord;
using zkbench::store::SessionInfo;
using zkbench::store::SessionLink;
using zkbench::test::StoreContract;

namespace {

SessionInfo info() {
  return SessionInfo{"run", "zkbench baseline", "box", "/repo", 1'700'000'000'000'000, ""};
}

ExperimentRecord experiment(const std::string& name) {
  ExperimentRecord e;
  e.name = name;
  e.slug = "mpt-hash-cache";
  e.hypothesis = "Caching node hashes avoids rehashing \"unchanged\" subtrees";
  e.expected = 0.05;
  e.status = "planned";
  e.branch = "bench/001-mpt-hash-cache";
  e.baseline_commit = "abc123";
  e.created_at_us = 1'700'000'000'000'001;
  return e;
}

} // namespace

TEST_P(StoreContract, round_trips_baselines_with_their_inputs_oldest_first) {
  auto store = open_store();
  ASSERT_TRUE(store);
  const auto s1 = store->begin_session(info());
  const auto s2 = store->begin_session(info());
  ASSERT_TRUE(s1 && s2);
  BaselineRecord first{0, "c0ffee", "machine:\n  hostname: box\n", 1'700'000'000'000'000,
                       {{"light", "sha-light", *s1}, {"typical", "sha-typical", *s2}}, "h100"};
  BaselineRecord second{0, "beef", "", 1'700'000'100'000'000, {{"light", "sha2", *s2}}, ""};
  const auto id1 = store->add_baseline(first);
  const auto id2 = store->add_baseline(second);
  ASSERT_TRUE(id1 && id2) << (id1 ? id2.error().message : id1.error().message);
  store.reset();
  auto reopened = open_store();
  const auto baselines = reopened->list_baselines();
  ASSERT_TRUE(baselines) << baselines.error().message;
  ASSERT_EQ(baselines->size(), 2U);
  EXPECT_EQ((*baselines)[0].id, *id1);
  EXPECT_EQ((*baselines)[0].commit, "c0ffee");
  EXPECT_EQ((*baselines)[0].environment_yaml, first.environment_yaml);
  ASSERT_EQ((*baselines)[0].inputs.size(), 2U);
  EXPECT_EQ((*baselines)[0].inputs[1].input, "typical");
  EXPECT_EQ((*baselines)[0].inputs[1].output_hash, "sha-typical");
  EXPECT_EQ((*baselines)[0].inputs[1].session_id, *s2);
  EXPECT_EQ((*baselines)[0].machine_class, "h100");
  EXPECT_EQ((*baselines)[1].commit, "beef");
  EXPECT_EQ((*baselines)[1].inputs.size(), 1U);
  EXPECT_EQ((*baselines)[1].machine_class, "");
}

TEST_P(StoreContract, a_baseline_naming_an_unknown_session_is_refused_whole) {
  auto store = open_store();
  ASSERT_TRUE(store);
  const auto added = store->add_baseline(BaselineRecord{0, "c0ffee", "", 1, {{"light", "h", 999}}, "h100"});
  ASSERT_FALSE(added);
  EXPECT_NE(added.error().message.find("no session 999"), std::string::npos) << added.error().message;
  EXPECT_TRUE(store->list_baselines()->empty());
}

TEST_P(StoreContract, numbers_experiments_in_order_and_round_trips_every_field) {
  auto store = open_store();
  ASSERT_TRUE(store);
  const auto a = store->add_experiment(experiment("MPT hash cache"));
  const auto b = store->add_experiment(experiment("Presize hex"));
  ASSERT_TRUE(a && b) << (a ? b.error().message : a.error().message);
  EXPECT_EQ(a->number, 1);
  EXPECT_EQ(b->number, 2);
  ExperimentRecord done = *b;
  done.status = "done";
  done.verdict = "DISCARD";
  done.branch = "bench/002-presize-hex-DISCARD";
  done.finished_at_us = 1'700'000'000'500'000;
  done.change = -0.0123;
  done.close_reason = "below the 2% threshold";
  done.details_json = R"({"inputs":[]})";
  ASSERT_TRUE(store->update_experiment(done));
  store.reset();
  auto reopened = open_store();
  const auto list = reopened->list_experiments();
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->size(), 2U);
  const ExperimentRecord& first = (*list)[0];
  EXPECT_EQ(first.name, "MPT hash cache");
  EXPECT_EQ(first.hypothesis, experiment("x").hypothesis);
  EXPECT_EQ(first.expected, 0.05);
  EXPECT_FALSE(first.change.has_value());
  EXPECT_FALSE(first.finished_at_us.has_value());
  const ExperimentRecord& second = (*list)[1];
  EXPECT_EQ(second.verdict, "DISCARD");
  EXPECT_EQ(second.branch, done.branch);
  EXPECT_EQ(second.change, -0.0123);
  EXPECT_EQ(second.finished_at_us, done.finished_at_us);
  EXPECT_EQ(second.close_reason, done.close_reason);
  EXPECT_EQ(second.details_json, done.details_json);
}

TEST_P(StoreContract, gets_one_experiment_by_its_number_and_nothing_for_a_free_number) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->add_experiment(experiment("MPT hash cache")));
  const auto b = store->add_experiment(experiment("Presize hex"));
  ASSERT_TRUE(b) << b.error().message;
  ExperimentRecord done = *b;
  done.set_state(zkbench::core::ExperimentStatus::done);
  done.set_outcome(zkbench::core::Outcome::keep);
  done.details_json = R"({"inputs":[]})";
  ASSERT_TRUE(store->update_experiment(done));
  store.reset();
  auto reopened = open_store();
  const auto found = reopened->get_experiment(zkbench::core::ExperimentNumber(2));
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, b->id);
  EXPECT_EQ((*found)->name, "Presize hex");
  EXPECT_EQ((*found)->state(), zkbench::core::ExperimentStatus::done);
  EXPECT_EQ((*found)->outcome(), zkbench::core::Outcome::keep);
  EXPECT_EQ((*found)->details_json, done.details_json);
  const auto none = reopened->get_experiment(zkbench::core::ExperimentNumber(3));
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_FALSE(none->has_value());
}

TEST_P(StoreContract, refuses_a_taken_experiment_number_and_an_update_of_an_unknown_one) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->add_experiment(experiment("a")));
  ExperimentRecord clash = experiment("b");
  clash.number = 1;
  const auto added = store->add_experiment(clash);
  ASSERT_FALSE(added);
  EXPECT_NE(added.error().message.find("experiment 001 already exists"), std::string::npos) << added.error().message;
  ExperimentRecord ghost = experiment("c");
  ghost.id = 4242;
  EXPECT_FALSE(store->update_experiment(ghost));
}

TEST_P(StoreContract, links_sessions_to_their_owner_in_order) {
  auto store = open_store();
  ASSERT_TRUE(store);
  const auto s1 = store->begin_session(info());
  const auto s2 = store->begin_session(info());
  ASSERT_TRUE(s1 && s2);
  ASSERT_TRUE(store->link_session({"experiment", 7, "light", *s1}));
  ASSERT_TRUE(store->link_session({"experiment", 7, "typical", *s2}));
  ASSERT_TRUE(store->link_session({"baseline", 7, "light", *s2}));
  EXPECT_FALSE(store->link_session({"experiment", 7, "light", 999}));
  const auto links = store->session_links("experiment", 7);
  ASSERT_TRUE(links) << links.error().message;
  ASSERT_EQ(links->size(), 2U);
  EXPECT_EQ((*links)[0].input, "light");
  EXPECT_EQ((*links)[0].session_id, *s1);
  EXPECT_EQ((*links)[1].input, "typical");
  EXPECT_EQ(store->session_links("baseline", 7)->size(), 1U);
  EXPECT_TRUE(store->session_links("compound", 7)->empty());
  const auto all = store->list_session_links();
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 3U);
  EXPECT_EQ((*all)[2].owner, "baseline");
  EXPECT_EQ((*all)[2].session_id, *s2);
}

TEST_P(StoreContract, concurrent_writers_get_distinct_experiment_numbers) {
  // Each thread has its own store object (its own connection), as separate `exp new` processes would.
  constexpr int k_threads = 4;
  constexpr int k_per_thread = 5;
  ASSERT_TRUE(open_store()); // created and migrated before the writers start
  std::mutex mutex;
  std::vector<int> numbers;
  std::vector<std::string> errors;
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&, t] {
      auto store = GetParam().open(store_path());
      for (int i = 0; i < k_per_thread; ++i) {
        const auto added = store ? (*store)->add_experiment(experiment("e" + std::to_string(t) + "-" + std::to_string(i)))
                                 : zkbench::Result<ExperimentRecord>(tl::unexpected(store.error()));
        std::lock_guard lock(mutex);
        if (added) {
          numbers.push_back(added->number);
        } else {
          errors.push_back(added.error().message);
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_TRUE(errors.empty()) << errors.front();
  std::sort(numbers.begin(), numbers.end());
  std::vector<int> expected(k_threads * k_per_thread);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    expected[i] = static_cast<int>(i) + 1;
  }
  EXPECT_EQ(numbers, expected);
  const auto stored = open_store()->list_experiments();
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_EQ(stored->size(), expected.size());
}

TEST_P(StoreContract, keeps_learnings_and_ideas_apart_and_marks_ideas_done) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->add_note({0, "learning", "MPT hashing dominates (59%)", 1, false}));
  const auto idea = store->add_note({0, "idea", "arena allocator for trie nodes", 2, false});
  ASSERT_TRUE(idea);
  EXPECT_FALSE(store->add_note({0, "todo", "x", 3, false}));
  ASSERT_TRUE(store->set_note_done(*idea, true));
  EXPECT_FALSE(store->set_note_done(999, true));
  const auto learnings = store->list_notes("learning");
  const auto ideas = store->list_notes("idea");
  ASSERT_TRUE(learnings && ideas);
  ASSERT_EQ(learnings->size(), 1U);
  EXPECT_EQ((*learnings)[0].text, "MPT hashing dominates (59%)");
  ASSERT_EQ(ideas->size(), 1U);
  EXPECT_TRUE((*ideas)[0].done);
}

TEST_P(StoreContract, round_trips_compound_tests_and_their_conflict_flag) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->add_conflict({0, {1, 4}, -0.04, -0.06, true, "both modify Node", 10}));
  ASSERT_TRUE(store->add_conflict({0, {1, 4, 7}, std::nullopt, -0.06, false, "merge failed", 11}));
  const auto conflicts = store->list_conflicts();
  ASSERT_TRUE(conflicts) << conflicts.error().message;
  ASSERT_EQ(conflicts->size(), 2U);
  EXPECT_EQ((*conflicts)[0].experiments, (std::vector<int>{1, 4}));
  EXPECT_EQ((*conflicts)[0].combined_change, -0.04);
  EXPECT_EQ((*conflicts)[0].best_change, -0.06);
  EXPECT_TRUE((*conflicts)[0].conflict);
  EXPECT_EQ((*conflicts)[0].note, "both modify Node");
  EXPECT_EQ((*conflicts)[1].experiments, (std::vector<int>{1, 4, 7}));
  EXPECT_FALSE((*conflicts)[1].combined_change.has_value());
}
