// workflow/baseline through the model executor (tests/support/model_project.hpp): every input built once,
// hashed, measured and kept (files and store), its sessions linked to the recorded baseline, the spread warning.
#include <gtest/gtest.h>

#include "support/model_project.hpp"
#include "workflow/baseline.hpp"

namespace zkbench::workflow {
namespace {

using test::ModelSide;
using test::Ready;

TEST(WorkflowBaseline, every_input_is_measured_hashed_and_kept_in_the_files_and_the_store) {
  Ready r("", "");
  auto out = establish_baseline(r.ws, {});
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->inputs.size(), r.ws.project.inputs.inputs.size());
  auto baselines = r.ws.store->list_baselines();
  ASSERT_TRUE(baselines) << baselines.error().message;
  ASSERT_EQ(baselines->size(), 1u);
  EXPECT_EQ(baselines->front().id, out->baseline_id);
  EXPECT_EQ(baselines->front().commit, out->commit);
  auto stored = project::baseline_benchmarks(*r.ws.store, baselines->front());
  ASSERT_TRUE(stored) << stored.error().message;
  for (std::size_t i = 0; i < out->inputs.size(); ++i) {
    const BaselineInputSummary& input = out->inputs[i];
    EXPECT_EQ(input.runs, static_cast<std::size_t>(r.ws.project.config.benchmark.runs));
    EXPECT_FALSE(input.hash.empty());
    EXPECT_EQ(baselines->front().inputs[i].output_hash, input.hash);
    ASSERT_EQ(stored->count(input.input), 1u) << input.input;
    EXPECT_EQ(stored->at(input.input).runs.size(), input.runs); // the sessions are linked to the record
    EXPECT_TRUE(std::filesystem::exists(r.ws.benchmarks_dir() / "baseline" / (input.input + ".json")));
  }
  EXPECT_TRUE(std::filesystem::exists(r.ws.benchmarks_dir() / "baseline" / "metrics.yaml"));
  EXPECT_TRUE(std::filesystem::exists(r.ws.benchmarks_dir() / "environment.yaml"));
  EXPECT_EQ(r.model->count("build"), 1u);
}

TEST(WorkflowBaseline, runs_overrides_the_configured_count) {
  Ready r("", "");
  BaselineOptions options;
  options.runs = 4;
  auto out = establish_baseline(r.ws, options);
  ASSERT_TRUE(out) << out.error().message;
  for (const BaselineInputSummary& input : out->inputs) {
    EXPECT_EQ(input.runs, 4u);
  }
}

TEST(WorkflowBaseline, a_scattered_input_is_warned_about) {
  Ready r("", "");
  r.model->cv = 0.3;
  auto out = establish_baseline(r.ws, {});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_FALSE(out->warnings.empty());
  EXPECT_TRUE(spread_warning("a", 0.01, 0.1, 10).empty());
  EXPECT_NE(spread_warning("a", 0.3, 0.1, 10).find("a"), std::string::npos);
}

TEST(WorkflowBaseline, a_baseline_whose_verifier_fails_is_refused) {
  Ready r("", "  verify: \"verify {out}\"\n");
  r.model->verify_ok[ModelSide::baseline] = false;
  auto out = establish_baseline(r.ws, {});
  ASSERT_FALSE(out);
  auto baselines = r.ws.store->list_baselines();
  ASSERT_TRUE(baselines);
  EXPECT_TRUE(baselines->empty());
}

} // namespace
} // namespace zkbench::workflow
