// workflow/measure_inputs through the model executor (tests/support/model_project.hpp): one input measured on
// one or two sides through the run loop, its sessions linked to their owner (and resumed from them), how it
// ends, and the metrics it reads.
#include <gtest/gtest.h>

#include "support/model_project.hpp"
#include "workflow/measure_inputs.hpp"

namespace zkbench::workflow {
namespace {

using test::ModelSide;
using test::Ready;

// The baseline's checkout and a candidate's, as exp run measures them.
std::vector<SideSpec> both_sides(Ready& r) {
  std::filesystem::create_directories(r.ws.worktree_dir("001-x"));
  return {{"baseline", r.project.dir(), measure::VerifyWhen::first_run},
          {"candidate", r.ws.worktree_dir("001-x"), measure::VerifyWhen::every_run}};
}

MeasureOptions pairs(int runs, std::int64_t owner_id) {
  MeasureOptions options;
  options.owner = {"experiment", owner_id, "zkbench exp run 001", "experiment"};
  options.runs = runs;
  return options;
}

TEST(WorkflowMeasureInputs, both_sides_run_alternately_and_every_run_is_linked_to_its_owner) {
  Ready r("", "");
  const project::InputSpec& input = r.ws.project.inputs.inputs.front();
  auto m = measure_input(r.ws, input, both_sides(r), pairs(4, 5));
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->end, measure::LoopStatus::complete);
  ASSERT_EQ(m->sides.size(), 2u);
  EXPECT_EQ(m->sides[0].runs.size(), 4u);
  EXPECT_EQ(m->sides[1].runs.size(), 4u);
  EXPECT_EQ(r.model->count("bench", ModelSide::baseline), 4u);
  EXPECT_EQ(r.model->count("bench", ModelSide::candidate), 4u);
  EXPECT_EQ(m->resumed_runs, 0u);
  for (const char* role : {"baseline", "candidate"}) {
    auto linked = project::linked_runs(*r.ws.store, "experiment", 5, input.name, role);
    ASSERT_TRUE(linked) << linked.error().message;
    EXPECT_EQ(linked->runs.size(), 4u) << role;
  }
  // Another owner's runs are not these.
  auto other = project::linked_runs(*r.ws.store, "experiment", 6, input.name, "candidate");
  ASSERT_TRUE(other) << other.error().message;
  EXPECT_TRUE(other->runs.empty());
}

TEST(WorkflowMeasureInputs, runs_kept_for_the_owner_count_towards_the_next_attempt) {
  Ready r("", "");
  const project::InputSpec& input = r.ws.project.inputs.inputs.front();
  ASSERT_TRUE(measure_input(r.ws, input, both_sides(r), pairs(2, 9)));
  const std::size_t before = r.model->count("bench");
  auto again = measure_input(r.ws, input, both_sides(r), pairs(5, 9));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->resumed_runs, 4u); // two per side
  EXPECT_EQ(again->sides[1].runs.size(), 5u);
  EXPECT_EQ(r.model->count("bench") - before, 6u); // only the three missing per side
}

TEST(WorkflowMeasureInputs, a_verifier_that_fails_ends_the_input_on_its_side) {
  Ready r("", "  verify: \"verify {out}\"\n");
  r.model->verify_ok[ModelSide::candidate] = false;
  auto m = measure_input(r.ws, r.ws.project.inputs.inputs.front(), both_sides(r), pairs(4, 1));
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->end, measure::LoopStatus::verify_failed);
  ASSERT_TRUE(m->failed_side);
  EXPECT_EQ(*m->failed_side, 1u);
  EXPECT_NE(m->verifier_output.find("proof does not verify"), std::string::npos) << m->verifier_output;
}

TEST(WorkflowMeasureInputs, the_stop_rule_ends_the_input_as_decided) {
  Ready r("", "");
  MeasureOptions options = pairs(10, 2);
  options.enough = [](std::span<const core::Benchmark> sides) { return sides.back().runs.size() >= 3; };
  auto m = measure_input(r.ws, r.ws.project.inputs.inputs.front(), both_sides(r), options);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->end, measure::LoopStatus::decided);
  EXPECT_EQ(m->sides[1].runs.size(), 3u);
}

TEST(WorkflowMeasureInputs, the_metrics_of_the_project_are_read_from_every_run) {
  Ready r("", "");
  auto m = measure_input(r.ws, r.ws.project.inputs.inputs.front(), both_sides(r), pairs(3, 1));
  ASSERT_TRUE(m) << m.error().message;
  for (const core::Benchmark& side : m->sides) {
    EXPECT_EQ(side.metric_values("steps").size(), side.runs.size());
  }
}

TEST(WorkflowMeasureInputs, a_metric_whose_pattern_does_not_parse_is_reported_not_dropped) {
  Ready r("", "");
  r.ws.project.config.benchmark.metrics["broken"] = "steps: ([0-9]+"; // a project built in code, never checked
  auto m = measure_input(r.ws, r.ws.project.inputs.inputs.front(), both_sides(r), pairs(3, 1));
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message.find("benchmark.metrics.broken"), std::string::npos) << m.error().message;
  EXPECT_EQ(r.model->count("bench"), 0u); // nothing measured without the metric
}

} // namespace
} // namespace zkbench::workflow
