// The CI example (examples/ci/zkbench-pr.yml) run as GitHub Actions would run it, without GitHub: its
// `run:` steps in order, in a toy project's checkout (a small C program, its base commit and a pull
// request's head), with the workflow's env (the build and the program set for the toy), the base commit in
// place of ${{ github.event.pull_request.base.sha }}, zkbench on PATH, $GITHUB_STEP_SUMMARY set, and
// `bash --noprofile --norc -eo pipefail` as Actions runs a step. The install step is skipped: zkbench is
// the one built here.
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "support/cli.hpp"
#include "support/fixtures.hpp"

using zkbench::test::CliResult;
using zkbench::test::read_file;
using zkbench::test::run_shell;
using zkbench::test::TempDir;
using zkbench::test::write_file;

namespace {

namespace fs = std::filesystem;

std::string program(int work) {
  return "#include <stdio.h>\n"
         "int main(void) {\n"
         "  volatile unsigned long x = 1;\n"
         "  for (long i = 0; i < " +
         std::to_string(work) +
         "L; ++i) x = x * 6364136223846793005UL + 1;\n"
         "  printf(\"done\\n\");\n"
         "  return 0;\n"
         "}\n";
}

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

// A git repository with the base commit (`base_work` iterations) and the head (`head` as prog.c's text).
struct ToyPullRequest {
  TempDir root;
  fs::path checkout;
  std::string base_sha;

  ToyPullRequest(int base_work, const std::string& head) : checkout(root / "checkout") {
    fs::create_directories(checkout);
    write_file(checkout / "prog.c", program(base_work));
    write_file(checkout / ".gitignore", "prog\n.zkbench/\nzkbench-*\n");
    EXPECT_EQ(git("init -q && git config user.email t@t && git config user.name t && git add -A && "
                  "git commit -qm base"),
              0);
    base_sha = run_shell("cd " + quoted(checkout.string()) + " && git rev-parse HEAD").output;
    base_sha = base_sha.substr(0, base_sha.find('\n'));
    write_file(checkout / "prog.c", head);
    EXPECT_EQ(git("commit -qam head"), 0);
  }

  int git(const std::string& args) const {
    return run_shell("cd " + quoted(checkout.string()) + " && git " + args + " >/dev/null 2>&1").exit_code;
  }

  // The example's steps; stops at the first that fails (as Actions does). Its output is every step's.
  CliResult run_example() const {
    const YAML::Node workflow = YAML::LoadFile(std::string(ZKBENCH_SOURCE_DIR) + "/examples/ci/zkbench-pr.yml");
    std::string env = "export PATH=" + quoted(fs::path(ZKBENCH_BINARY).parent_path().string()) + ":\"$PATH\"\n";
    env += "export GITHUB_STEP_SUMMARY=" + quoted((root / "step-summary.md").string()) + "\n";
    for (const auto& entry : workflow["env"]) {
      env += "export " + entry.first.as<std::string>() + "=" + quoted(entry.second.as<std::string>()) + "\n";
    }
    // The toy's build and program in place of the example's cargo project.
    env += "export BUILD_COMMAND='cc -O1 -o prog prog.c' BENCH_BINARY=prog BENCH_ARGS=\n";
    CliResult all{0, ""};
    int number = 0;
    for (const auto& step : workflow["jobs"]["compare"]["steps"]) {
      if (!step["run"] || step["name"].as<std::string>() == "Install zkbench") {
        continue;
      }
      std::string script = step["run"].as<std::string>();
      const std::string sha = "${{ github.event.pull_request.base.sha }}";
      for (auto at = script.find(sha); at != std::string::npos; at = script.find(sha)) {
        script.replace(at, sha.size(), base_sha);
      }
      const fs::path file = root / ("step-" + std::to_string(++number) + ".sh");
      write_file(file, env + script);
      const CliResult result = run_shell("cd " + quoted(checkout.string()) +
                                         " && bash --noprofile --norc -eo pipefail " + quoted(file.string()) +
                                         " 2>&1 </dev/null");
      all.output += "## " + step["name"].as<std::string>() + "\n" + result.output;
      if (result.exit_code != 0) {
        all.exit_code = result.exit_code;
        break;
      }
    }
    return all;
  }
};

constexpr int k_work = 20000000; // about 20 ms on this machine

} // namespace

TEST(CiExampleE2e, a_pull_request_three_times_slower_passes_with_a_regression_warning_and_a_summary) {
  const ToyPullRequest pr(k_work, program(3 * k_work));
  const CliResult steps = pr.run_example();
  ASSERT_EQ(steps.exit_code, 0) << steps.output; // non-blocking: exit status 4 is a warning
  EXPECT_NE(steps.output.find("::warning title=zkbench::performance regression"), std::string::npos) << steps.output;
  const std::string summary = read_file(pr.checkout / "zkbench-summary.md");
  EXPECT_NE(summary.find("regression"), std::string::npos) << summary;
  // Also on the run's page: appended to $GITHUB_STEP_SUMMARY.
  EXPECT_NE(read_file(pr.root / "step-summary.md").find(summary), std::string::npos);
  const auto ab = nlohmann::json::parse(read_file(pr.checkout / "zkbench-ab.json"));
  EXPECT_TRUE(ab.at("overall").at("regression").get<bool>()) << ab.dump();
  // Both builds were measured, alternately: the base's from its worktree beside the checkout.
  EXPECT_TRUE(fs::exists(pr.root / "zkbench-base" / "prog"));
}

TEST(CiExampleE2e, a_comment_only_pull_request_passes) {
  const ToyPullRequest pr(k_work, program(k_work) + "/* a comment, nothing else */\n");
  const CliResult steps = pr.run_example();
  ASSERT_EQ(steps.exit_code, 0) << steps.output;
  // The verdict of a no-op on a busy test machine may be DISCARD or INCONCLUSIVE; a false regression would
  // still pass the step (non-blocking), so what is checked is that the check ran to its summary.
  const auto ab = nlohmann::json::parse(read_file(pr.checkout / "zkbench-ab.json"));
  EXPECT_NE(ab.at("overall").at("verdict").get<std::string>(), "KEEP") << ab.dump();
  EXPECT_NE(ab.at("overall").at("verdict").get<std::string>(), "KILL") << ab.dump();
  EXPECT_FALSE(read_file(pr.checkout / "zkbench-summary.md").empty());
}
