// The run loop's writer thread against an in-memory RunSink: order, ids, a hand-over that does not wait
// for its own write, a refusal, and what the destructor still writes. No timing: a sink that holds a
// write until the test releases it shows what waits for what (a 10 s safety net turns a hang into a
// failure).
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "measure/run_writer.hpp"

namespace zkbench::measure {
namespace {

class RecordingSink : public store::RunSink {
public:
  Result<std::int64_t> begin_session(const store::SessionInfo& /*info*/) override { return 1; }
  Result<void> finish_session(std::int64_t /*id*/, store::SessionStatus /*status*/) override { return {}; }
  Result<std::int64_t> add_benchmark(std::int64_t /*session*/, const core::Benchmark& /*b*/) override { return 1; }
  Result<std::int64_t> add_run(std::int64_t benchmark_id, const core::Run& run) override {
    std::unique_lock lock(m_mutex);
    if (hold) { // until the test releases it
      held = true;
      m_changed.notify_all();
      released_in_time = m_changed.wait_for(lock, std::chrono::seconds(10), [this] { return !hold; });
    }
    if (refuse_index && run.index == *refuse_index) {
      return make_error("store 'memory': benchmark 1 already has a run with index 1");
    }
    written.emplace_back(benchmark_id, run.index);
    return 100 + static_cast<std::int64_t>(written.size());
  }
  Result<void> update_contention(std::span<const std::pair<std::int64_t, core::RunContention>> /*runs*/) override {
    return {};
  }
  std::filesystem::path artifacts_dir() const override { return "/nonexistent"; }
  std::string location() const override { return "memory"; }

  void release() {
    std::lock_guard lock(m_mutex);
    hold = false;
    m_changed.notify_all();
  }
  // Waits (at most 10 s) until a write is held.
  bool wait_held() {
    std::unique_lock lock(m_mutex);
    return m_changed.wait_for(lock, std::chrono::seconds(10), [this] { return held; });
  }

  std::mutex m_mutex;
  std::condition_variable m_changed;
  bool hold = false;
  bool held = false;
  bool released_in_time = true;
  std::optional<int> refuse_index;
  std::vector<std::pair<std::int64_t, int>> written; // benchmark id, run index
};

core::Run run_number(int index) {
  core::Run run;
  run.index = index;
  run.wall_s = 0.001 * (index + 1);
  return run;
}

TEST(MeasureRunWriter, writes_every_run_in_order_and_gives_each_its_stored_id) {
  RecordingSink sink;
  RunWriter writer(sink);
  std::vector<std::size_t> tickets;
  for (int i = 0; i < 5; ++i) {
    auto ticket = writer.add_run(i % 2 == 0 ? 1 : 2, run_number(i));
    ASSERT_TRUE(ticket) << ticket.error().message;
    tickets.push_back(*ticket);
  }
  ASSERT_TRUE(writer.drain());
  EXPECT_EQ(tickets, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(sink.written, (std::vector<std::pair<std::int64_t, int>>{{1, 0}, {2, 1}, {1, 2}, {2, 3}, {1, 4}}));
  for (std::size_t t = 0; t < tickets.size(); ++t) {
    EXPECT_EQ(writer.run_id(t), 101 + static_cast<std::int64_t>(t));
  }
}

TEST(MeasureRunWriter, a_hand_over_returns_while_its_run_is_still_being_written) {
  RecordingSink sink;
  sink.hold = true;
  RunWriter writer(sink);
  ASSERT_TRUE(writer.add_run(1, run_number(0))); // returns with the write held
  ASSERT_TRUE(sink.wait_held());
  {
    std::lock_guard lock(sink.m_mutex);
    EXPECT_TRUE(sink.written.empty());
  }
  sink.release();
  ASSERT_TRUE(writer.drain()); // waits for the write the sink held
  EXPECT_TRUE(sink.released_in_time);
  EXPECT_EQ(sink.written.size(), 1u);
}

TEST(MeasureRunWriter, a_refused_run_is_reported_by_the_next_hand_over_and_nothing_after_it_is_written) {
  RecordingSink sink;
  sink.refuse_index = 1;
  RunWriter writer(sink);
  ASSERT_TRUE(writer.add_run(1, run_number(0)));
  ASSERT_TRUE(writer.add_run(1, run_number(1))); // refused by the store later, on the writer's thread
  const auto next = writer.add_run(1, run_number(2));
  ASSERT_FALSE(next);
  EXPECT_NE(next.error().message.find("already has a run with index 1"), std::string::npos);
  const auto drained = writer.drain();
  ASSERT_FALSE(drained);
  EXPECT_EQ(drained.error().message, next.error().message);
  EXPECT_EQ(sink.written, (std::vector<std::pair<std::int64_t, int>>{{1, 0}}));
}

TEST(MeasureRunWriter, the_run_handed_over_last_is_written_before_the_writer_goes) {
  RecordingSink sink;
  {
    RunWriter writer(sink);
    ASSERT_TRUE(writer.add_run(3, run_number(0)));
    ASSERT_TRUE(writer.add_run(3, run_number(1)));
  }
  EXPECT_EQ(sink.written, (std::vector<std::pair<std::int64_t, int>>{{3, 0}, {3, 1}}));
}

TEST(MeasureRunWriter, a_writer_given_no_run_drains_at_once) {
  RecordingSink sink;
  RunWriter writer(sink);
  EXPECT_TRUE(writer.drain());
  EXPECT_TRUE(sink.written.empty());
}

} // namespace
} // namespace zkbench::measure
