// workflow/checkout_steps through the model executor (tests/support/model_project.hpp): a commit's build kept
// and built once, the correctness hash of an input's output and its hang guard, a failed command in one line.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "support/model_project.hpp"
#include "workflow/checkout_steps.hpp"

namespace zkbench::workflow {
namespace {

using test::ModelSide;
using test::Ready;

TEST(WorkflowCheckoutSteps, a_kept_build_is_built_once_per_commit_and_stamped_with_it) {
  Ready r("", "");
  const std::string commit = r.ws.git.commit_of("HEAD").value_or("");
  ASSERT_FALSE(commit.empty());
  std::vector<std::string> said;
  const auto say = [&](const std::string& line) { said.push_back(line); };
  auto first = kept_build(r.ws, commit, "baseline-x", say);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(*first, r.ws.worktree_dir("baseline-x"));
  EXPECT_TRUE(std::filesystem::exists(*first / "code.txt")); // the commit checked out there
  std::ifstream stamp(*first / ".zkbench-built");
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(stamp)), std::istreambuf_iterator<char>()), commit + "\n");
  auto again = kept_build(r.ws, commit, "baseline-x", say);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, *first);
  EXPECT_EQ(r.model->count("build"), 1u); // the stamp says it is built
  EXPECT_EQ(said.size(), 1u);
}

TEST(WorkflowCheckoutSteps, the_correctness_hash_follows_the_output_and_a_hang_is_no_hash) {
  Ready r("", "");
  const project::InputSpec& input = r.ws.project.inputs.inputs.front();
  auto one = correctness_hash(r.ws, input, r.ws.root());
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_FALSE(one->timed_out);
  EXPECT_EQ(one->hash.size(), 64u);
  auto same = correctness_hash(r.ws, input, r.ws.root());
  ASSERT_TRUE(same) << same.error().message;
  EXPECT_EQ(same->hash, one->hash);
  r.model->state_root[ModelSide::baseline] = "another root";
  auto other = correctness_hash(r.ws, input, r.ws.root());
  ASSERT_TRUE(other) << other.error().message;
  EXPECT_NE(other->hash, one->hash);
  r.model->correctness_seconds[ModelSide::baseline] = 10;
  auto hung = correctness_hash(r.ws, input, r.ws.root(), 1.0);
  ASSERT_TRUE(hung) << hung.error().message;
  EXPECT_TRUE(hung->timed_out);
  EXPECT_TRUE(hung->hash.empty());
}

TEST(WorkflowCheckoutSteps, tail_lines_keeps_the_last_lines_on_one_line) {
  EXPECT_EQ(tail_lines("one\ntwo\nthree\nfour\n", 2), "three | four");
  EXPECT_EQ(tail_lines("only\n", 3), "only");
}

} // namespace
} // namespace zkbench::workflow
