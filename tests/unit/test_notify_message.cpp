#include <gtest/gtest.h>

#include "notify/message.hpp"
#include "support/notify_events.hpp"

namespace zkbench::notify {
namespace {

TEST(NotifyMessage, experiment_complete_matches_the_seed_layout) {
  const std::string expected = "🔬 [Benchmark] Experiment 001 Complete\n"
                               "━━━━━━━━━━━━━━━━━━━━━━━\n"
                               "Name: MPT Hash Caching\n"
                               "Result: 245s (baseline: 262s)\n"
                               "Improvement: -6.5% ✅\n"
                               "Status: KEEP\n"
                               "━━━━━━━━━━━━━━━━━━━━━━━\n"
                               "Progress: 3/12 experiments\n"
                               "Dashboard: http://ethrex-office-2:8080/";
  EXPECT_EQ(format_text(test::seed_experiment_event()), expected);
}

TEST(NotifyMessage, regression_is_labelled_and_signed) {
  Event event = test::seed_experiment_event();
  event.delta_pct = 3.14;
  event.verdict = "regression";
  event.status = "DISCARD";
  const std::string text = format_text(event);
  EXPECT_NE(text.find("Regression: +3.1% ❌"), std::string::npos) << text;
}

TEST(NotifyMessage, empty_fields_leave_their_lines_out) {
  Event event;
  event.kind = EventKind::baseline_complete;
  EXPECT_EQ(format_text(event), "🔬 [Benchmark] Baseline Complete");
  event.kind = EventKind::error;
  event.experiment_id = "007";
  event.detail = "prover exited with signal 9";
  EXPECT_EQ(format_text(event), "🚨 [Benchmark] Error in Experiment 007\n━━━━━━━━━━━━━━━━━━━━━━━\n"
                                "prover exited with signal 9");
}

TEST(NotifyMessage, titles_name_each_kind) {
  Event event;
  event.project = "zisk";
  event.kind = EventKind::finding;
  event.experiment_id = "004";
  EXPECT_EQ(format_title(event), "🎯 [zisk] Significant Finding: Experiment 004");
  event.kind = EventKind::all_complete;
  EXPECT_EQ(format_title(event), "🏁 [zisk] All Experiments Complete");
  event.kind = EventKind::bisect_complete;
  event.experiment_id = "002";
  EXPECT_EQ(format_title(event), "🔎 [zisk] Bisect 002 Complete");
  EXPECT_EQ(event_kind_name(event.kind), "bisect_complete");
  event.kind = EventKind::test;
  EXPECT_EQ(format_title(event), "🔔 [zisk] Test Notification");
}

TEST(NotifyMessage, json_has_event_name_and_only_set_fields) {
  const auto full = to_json(test::seed_experiment_event());
  EXPECT_EQ(full.at("event"), "experiment_complete");
  EXPECT_EQ(full.at("unit"), "s");
  EXPECT_EQ(full.at("verdict"), "improvement");
  EXPECT_EQ(full.at("progress").at("total"), 12);
  EXPECT_EQ(full.at("text"), format_text(test::seed_experiment_event()));

  Event bare;
  bare.kind = EventKind::all_complete;
  const auto json = to_json(bare);
  EXPECT_EQ(json.at("event"), "all_complete");
  EXPECT_FALSE(json.contains("result"));
  EXPECT_FALSE(json.contains("progress"));
  EXPECT_FALSE(json.contains("unit"));
}

TEST(NotifyMessage, values_drop_trailing_zeros) {
  EXPECT_EQ(format_value(245.0, "s"), "245s");
  EXPECT_EQ(format_value(12.25, "s"), "12.25s");
  EXPECT_EQ(format_value(12.5, "ms"), "12.5ms");
  EXPECT_EQ(format_value(0.01234, "s"), "0.0123s");
  EXPECT_EQ(format_value(0.0, "s"), "0s");
}

} // namespace
} // namespace zkbench::notify
