// Profiles a real native program under valgrind --tool=callgrind and checks zkbench's callgrind parser
// against callgrind_annotate, valgrind's own reader of the same file.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include "profile/callgrind_parser.hpp"
#include "support/cli.hpp"
#include "support/fixtures.hpp"

using namespace zkbench::profile;

namespace {

std::string run(const std::string& command) { return zkbench::test::run_shell(command).output; }

struct Annotated {
  std::uint64_t total = 0;
  std::map<std::string, std::uint64_t> by_function; // summed over files, as zkbench keys by name
};

// Reads callgrind_annotate's table: "  6,120 ( 4.64%)  /tmp/t.cpp:f(int) [/tmp/t]".
Annotated annotate(const std::string& file, bool inclusive, bool folded) {
  // From "/": callgrind_annotate strips the working directory from fl= names but not from cfn= targets,
  // which would list functions under the working directory twice.
  const std::string text = run("cd / && callgrind_annotate --threshold=100 --inclusive=" +
                               std::string(inclusive ? "yes" : "no") + " '" + file + "' 2>&1");
  Annotated result;
  const std::regex row(R"(^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$)");
  std::istringstream in(text);
  std::string line;
  bool in_functions = false;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, row)) {
      if (line.find("file:function") != std::string::npos) {
        in_functions = true;
      } else if (in_functions && line.rfind("--", 0) == 0 && !result.by_function.empty()) {
        break; // the per-file source annotation follows
      }
      continue;
    }
    std::string digits = m[1];
    digits.erase(std::remove(digits.begin(), digits.end(), ','), digits.end());
    const std::uint64_t value = std::stoull(digits);
    std::string rest = m[2];
    if (rest.find("PROGRAM TOTALS") != std::string::npos) {
      result.total = value;
      continue;
    }
    if (!in_functions) {
      continue;
    }
    if (const auto object = rest.rfind(" ["); object != std::string::npos && rest.back() == ']') {
      rest.erase(object);
    }
    const auto colon = rest.find(':');
    std::string name = colon == std::string::npos ? rest : rest.substr(colon + 1);
    // zkbench folds callgrind's recursion levels "f'2" into f; annotate lists them apart.
    if (const auto quote = name.rfind('\''); folded && quote != std::string::npos &&
        name.find_first_not_of("0123456789", quote + 1) == std::string::npos) {
      name.erase(quote);
    }
    result.by_function[name] += value;
  }
  return result;
}

const FunctionProfile* find_containing(const Profile& profile, const std::string& part) {
  for (const FunctionProfile& f : profile.functions) {
    if (f.name.find(part) != std::string::npos) {
      return &f;
    }
  }
  return nullptr;
}

} // namespace

TEST(ProfileCallgrind, real_callgrind_file_matches_callgrind_annotate) {
  if (run("valgrind --version 2>&1; callgrind_annotate --version 2>&1").find("valgrind-") == std::string::npos) {
    GTEST_SKIP() << "valgrind/callgrind_annotate not installed";
  }
  zkbench::test::TempDir dir;
  const std::string out = (dir / "callgrind.out").string();
  run("valgrind --tool=callgrind --callgrind-out-file='" + out + "' '" + std::string(ZKBENCH_CALLGRIND_DEMO) +
      "' >/dev/null 2>&1");
  std::ifstream in(out);
  ASSERT_TRUE(in) << "valgrind wrote no " << out;
  const auto profile = parse_callgrind_stream(in, out);
  ASSERT_TRUE(profile) << profile.error().message;

  const Annotated self = annotate(out, false, true);
  const Annotated inclusive = annotate(out, true, false);
  ASSERT_GT(self.total, 0u);
  EXPECT_EQ(profile->total(Metric::steps), self.total);
  // Every function's self cost equals callgrind_annotate's.
  ASSERT_FALSE(self.by_function.empty());
  for (const auto& [name, value] : self.by_function) {
    const FunctionProfile* f = profile->find(name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(f->get(Metric::steps, Scope::exclusive), value) << name;
  }
  // Inclusive figures equal callgrind_annotate's, for the recursive `depth` that of its outermost level
  // (annotate's deeper levels depth'2 hold the same instructions again).
  for (const char* part : {"sum_to", "work", "main", "depth"}) {
    const FunctionProfile* f = find_containing(*profile, std::string("::") + part + "(");
    if (std::string(part) == "main") {
      f = profile->find("main");
    }
    ASSERT_NE(f, nullptr) << part;
    EXPECT_EQ(f->get(Metric::steps, Scope::inclusive), inclusive.by_function.at(f->name)) << part;
  }
  const FunctionProfile* depth = find_containing(*profile, "::depth(");
  ASSERT_NE(depth, nullptr);
  EXPECT_EQ(depth->get(Metric::steps, Scope::inclusive), depth->get(Metric::steps, Scope::exclusive));
  // Calls: work and sum_to 7 times; depth 7 times from work plus 8+9+...+14 = 77 recursive calls.
  EXPECT_EQ(find_containing(*profile, "::work(")->calls, 7u);
  EXPECT_EQ(find_containing(*profile, "::sum_to(")->calls, 7u);
  EXPECT_EQ(depth->calls, 84u);
}
