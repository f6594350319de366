#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "util/error.hpp"

using namespace zkbench;

namespace {

Result<int> number(bool ok, std::vector<std::string>& steps) {
  steps.push_back("number");
  if (!ok) {
    return make_error("no number");
  }
  return 7;
}

Result<void> check(bool ok, std::vector<std::string>& steps) {
  steps.push_back("check");
  if (!ok) {
    return make_error("check failed");
  }
  return {};
}

// Propagates from Result<int> and Result<void> into a Result<std::string>: the error is passed on as
// it is and nothing after the failing step runs.
Result<std::string> both(bool number_ok, bool check_ok, std::vector<std::string>& steps) {
  ZKBENCH_TRY_ASSIGN(n, number(number_ok, steps));
  ZKBENCH_TRY(check(check_ok, steps));
  steps.push_back("done");
  return std::to_string(*n);
}

} // namespace

TEST(UtilError, try_and_try_assign_pass_the_value_on) {
  std::vector<std::string> steps;
  const auto r = both(true, true, steps);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "7");
  EXPECT_EQ(steps, (std::vector<std::string>{"number", "check", "done"}));
}

TEST(UtilError, try_assign_returns_the_error_into_another_result_type_and_stops) {
  std::vector<std::string> steps;
  const auto r = both(false, true, steps);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "no number");
  EXPECT_EQ(steps, std::vector<std::string>{"number"});
}

TEST(UtilError, try_returns_the_error_of_a_void_result_and_stops) {
  std::vector<std::string> steps;
  const auto r = both(true, false, steps);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "check failed");
  EXPECT_EQ(steps, (std::vector<std::string>{"number", "check"}));
}

TEST(UtilError, with_context_prefixes_an_error_and_keeps_a_value) {
  std::vector<std::string> steps;
  const auto failed = with_context(number(false, steps), "reading 'x.json'");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message, "reading 'x.json': no number");
  const auto kept = with_context(number(true, steps), "reading 'x.json'");
  ASSERT_TRUE(kept);
  EXPECT_EQ(*kept, 7);
  EXPECT_EQ(with_context(check(false, steps), "step 2").error().message, "step 2: check failed");
}
