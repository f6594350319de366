#include <string>
#include <vector>

#include <algorithm>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/cli.hpp"
#include "support/fixtures.hpp"

using namespace zkbench;

namespace {

// A zkbench export with one command: times around `center` (+-0.5%), optional per-run metric values.
std::string export_json(const std::string& command, double center, const std::vector<int>& exit_codes = {},
                        double steps = 0, const std::string& containment = "") {
  nlohmann::json result;
  result["command"] = command;
  std::vector<double> times;
  for (int i = 0; i < 10; ++i) {
    times.push_back(center * (1.0 + (i % 2 == 0 ? 0.005 : -0.005) * (1.0 + 0.1 * i)));
  }
  result["times"] = times;
  result["exit_codes"] = exit_codes.empty() ? std::vector<int>(10, 0) : exit_codes;
  result["timed_out"] = std::vector<bool>(10, false);
  if (steps > 0) {
    result["metrics"]["steps"] = std::vector<double>(10, steps);
  }
  if (!containment.empty()) {
    result["containment"] = std::vector<std::string>(10, containment);
  }
  return nlohmann::json{{"results", {result}}}.dump();
}

std::string q(const std::filesystem::path& p) {
  return "'" + p.string() + "'";
}

} // namespace

TEST(CliCompare, faster_candidate_is_keep_with_every_field_in_json) {
  test::TempDir dir;
  test::write_file(dir / "base.json", export_json("prove", 10.0));
  test::write_file(dir / "cand.json", export_json("prove", 9.0));
  const auto r = test::run_zkbench("compare " + q(dir / "base.json") + " " + q(dir / "cand.json") + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto doc = nlohmann::json::parse(r.output);
  const auto& c = doc.at("comparisons").at(0);
  EXPECT_EQ(c.at("command"), "prove");
  EXPECT_EQ(c.at("metric"), "time");
  EXPECT_EQ(c.at("baseline").at("n"), 10);
  EXPECT_NEAR(c.at("change").get<double>(), -0.1, 1e-3);
  EXPECT_LT(c.at("interval").at(0).get<double>(), c.at("change").get<double>());
  EXPECT_GT(c.at("interval").at(1).get<double>(), c.at("change").get<double>());
  EXPECT_LT(c.at("welch_p").get<double>(), 0.05);
  EXPECT_TRUE(c.contains("mwu_p"));
  EXPECT_TRUE(c.contains("mwu_p_exact")); // no ties
  EXPECT_EQ(c.at("verdict"), "KEEP");
  EXPECT_EQ(doc.at("overall").at("verdict"), "KEEP");
}

TEST(CliCompare, warns_when_the_two_sides_were_contained_differently) {
  test::TempDir dir;
  test::write_file(dir / "base.json", export_json("prove", 10.0, {}, 0, "cgroup-v1"));
  test::write_file(dir / "cand.json", export_json("prove", 9.0, {}, 0, "process-group"));
  test::write_file(dir / "same.json", export_json("prove", 9.0, {}, 0, "cgroup-v1"));
  test::write_file(dir / "hyperfine.json", export_json("prove", 9.0)); // says nothing: no warning
  const std::string warning = "warning: 'prove': the baseline's runs were contained by cgroup-v1, the candidate's "
                              "by process-group: times and peak memory were measured differently";
  const auto differ = test::run_zkbench("compare " + q(dir / "base.json") + " " + q(dir / "cand.json"));
  ASSERT_EQ(differ.exit_code, 0) << differ.output;
  EXPECT_NE(differ.output.find(warning), std::string::npos) << differ.output;
  const auto json = test::run_shell("'" + std::string(ZKBENCH_BINARY) + "' compare " + q(dir / "base.json") + " " +
                                    q(dir / "cand.json") + " --json 2>/dev/null");
  ASSERT_EQ(json.exit_code, 0) << json.output;
  EXPECT_EQ(nlohmann::json::parse(json.output).at("warnings").at(0), warning.substr(9));
  for (const char* other : {"same.json", "hyperfine.json"}) {
    const auto quiet = test::run_zkbench("compare " + q(dir / "base.json") + " " + q(dir / other));
    EXPECT_EQ(quiet.output.find("warning:"), std::string::npos) << other << ":\n" << quiet.output;
  }
}

TEST(CliCompare, a_containment_that_zkbench_does_not_know_is_an_error_naming_the_run) {
  test::TempDir dir;
  test::write_file(dir / "base.json", export_json("prove", 10.0, {}, 0, "cgroup-v3"));
  test::write_file(dir / "cand.json", export_json("prove", 9.0));
  const auto r = test::run_zkbench("compare " + q(dir / "base.json") + " " + q(dir / "cand.json"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("results[0].containment[0]"), std::string::npos) << r.output;
}

TEST(CliCompare, slower_candidate_is_a_regression_with_exit_code_4) {
  test::TempDir dir;
  test::write_file(dir / "base.json", export_json("prove", 10.0));
  test::write_file(dir / "cand.json", export_json("prove", 10.5));
  const auto r = test::run_zkbench("compare " + q(dir / "base.json") + " " + q(dir / "cand.json"));
  EXPECT_EQ(r.exit_code, 4) << r.output;
  EXPECT_NE(r.output.find("DISCARD (regression)"), std::string::npos) << r.output;
}

TEST(CliCompare, yaml_policy_makes_deterministic_steps_primary) {
  test::TempDir dir;
  test::write_file(dir / "base.json", export_json("emu", 2.0, {}, 1'000'000));
  test::write_file(dir / "cand.json", export_json("emu", 2.0, {}, 998'000));
  test::write_file(dir / "policy.yaml", "preset: zkvm\nprimary_metric: steps\n");
  const auto r = test::run_zkbench("compare " + q(dir / "base.json") + " " + q(dir / "cand.json") + " --json --policy " +
                                   q(dir / "policy.yaml"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto doc = nlohmann::json::parse(r.output);
  EXPECT_EQ(doc.at("comparisons").size(), 2u);
  EXPECT_EQ(doc.at("overall").at("verdict"), "KEEP");
  EXPECT_NE(doc.at("overall").at("reason").get<std::string>().find("deterministic"), std::string::npos);
}

TEST(CliCompare, bad_policy_file_names_file_line_and_key) {
  test::TempDir dir;
  test::write_file(dir / "base.json", export_json("a", 1.0));
  test::write_file(dir / "policy.yaml", "keep_threshold: 0.05\nkeep: 3\n");
  const auto r = test::run_zkbench("compare " + q(dir / "base.json") + " " + q(dir / "base.json") + " --policy " +
                                   q(dir / "policy.yaml"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("policy.yaml:2: key 'keep': unknown key"), std::string::npos) << r.output;
}

TEST(CliCompare, failing_candidate_is_reject) {
  test::TempDir dir;
  test::write_file(dir / "base.json", export_json("a", 1.0));
  test::write_file(dir / "cand.json", export_json("a", 0.9, {0, 0, 1, 0, 0, 0, 0, 0, 0, 0}));
  const auto r = test::run_zkbench("compare " + q(dir / "base.json") + " " + q(dir / "cand.json"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("REJECT"), std::string::npos) << r.output;
}

TEST(CliCompare, commands_with_different_names_match_by_position) {
  test::TempDir dir;
  test::write_file(dir / "base.json", export_json("./prover-v1", 1.0));
  test::write_file(dir / "cand.json", export_json("./prover-v2", 0.9));
  const auto r = test::run_zkbench("compare " + q(dir / "base.json") + " " + q(dir / "cand.json") + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(nlohmann::json::parse(r.output).at("comparisons").at(0).at("command"), "./prover-v1 -> ./prover-v2");
}

TEST(CliCompare, reads_hyperfine_exports_and_matches_by_name) {
  const auto scan = test::fixture_path("hyperfine/param_scan_N.json");
  const auto r = test::run_zkbench("compare " + q(scan) + " " + q(scan) + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto doc = nlohmann::json::parse(r.output);
  ASSERT_EQ(doc.at("comparisons").size(), 3u);
  for (const auto& c : doc.at("comparisons")) {
    EXPECT_EQ(c.at("change").get<double>(), 0.0);
    EXPECT_NE(c.at("verdict"), "KEEP");
  }
  EXPECT_FALSE(doc.at("overall").at("regression").get<bool>());
}

TEST(CliCompare, hyperfine_human_table_lists_every_command) {
  const auto r = test::run_zkbench("compare " + q(test::fixture_path("hyperfine/true_N.json")) + " " +
                                   q(test::fixture_path("hyperfine/true_shell.json")));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("welch p"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("overall (generic policy)"), std::string::npos) << r.output;
  // Figures with units and digits as `run` prints them, under a header of the same width.
  EXPECT_EQ(r.output.find("e+0"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(" ms ± "), std::string::npos) << r.output;
  const auto chars = [](const std::string& line) {
    return std::count_if(line.begin(), line.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
  };
  const std::size_t header = r.output.find("  metric");
  ASSERT_NE(header, std::string::npos) << r.output;
  const std::size_t header_end = r.output.find('\n', header);
  const std::string header_line = r.output.substr(header, header_end - header);
  const std::string first_row = r.output.substr(header_end + 1, r.output.find('\n', header_end + 1) - header_end - 1);
  EXPECT_EQ(chars(header_line), chars(first_row)) << header_line << "\n" << first_row;
}

TEST(CliCompare, missing_file_is_a_one_line_error) {
  const auto r = test::run_zkbench("compare /nonexistent/a.json /nonexistent/b.json");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("error: cannot read '/nonexistent/a.json'"), std::string::npos) << r.output;
}
