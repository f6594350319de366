#include "measure/metrics.hpp"

#include <gtest/gtest.h>

#include "support/fixtures.hpp"

namespace zkbench::measure {
namespace {

MetricSpec metric(const std::string& argument) {
  auto spec = parse_metric_spec(argument);
  EXPECT_TRUE(spec) << (spec ? "" : spec.error().message);
  return *spec;
}

TEST(measure_metrics, parses_name_and_regex) {
  const auto spec = metric("steps=steps: ([0-9,]+)");
  EXPECT_EQ(spec.name, "steps");
  EXPECT_EQ(spec.pattern, "steps: ([0-9,]+)");
}

TEST(measure_metrics, regex_may_contain_equals_signs) {
  const auto spec = metric("steps=steps=([0-9]+)");
  EXPECT_EQ(spec.name, "steps");
  EXPECT_EQ(extract_metric(spec, "process_rom() steps=85309 duration=0.0009"), 85309.0);
}

TEST(measure_metrics, rejects_missing_equals) {
  const auto spec = parse_metric_spec("steps");
  ASSERT_FALSE(spec);
  EXPECT_NE(spec.error().message.find("expected NAME=REGEX"), std::string::npos);
}

TEST(measure_metrics, rejects_bad_names) {
  for (const char* argument : {"=x(1)", "1st=(x)", "a b=(x)", "a/b=(x)"}) {
    const auto spec = parse_metric_spec(argument);
    ASSERT_FALSE(spec) << argument;
    EXPECT_NE(spec.error().message.find("invalid name"), std::string::npos) << spec.error().message;
  }
  EXPECT_TRUE(parse_metric_spec("proof.size_kb-2=(x)"));
}

TEST(measure_metrics, rejects_invalid_regex_with_re2_message) {
  const auto spec = parse_metric_spec("steps=steps: ([0-9+");
  ASSERT_FALSE(spec);
  EXPECT_NE(spec.error().message.find("invalid regular expression: missing ]: [0-9+"), std::string::npos)
      << spec.error().message;
}

TEST(measure_metrics, rejects_wrong_number_of_groups) {
  const auto none = parse_metric_spec("steps=steps: [0-9]+");
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("exactly one capture group"), std::string::npos);
  EXPECT_NE(none.error().message.find("it has 0"), std::string::npos);
  const auto two = parse_metric_spec("steps=(steps): ([0-9]+)");
  ASSERT_FALSE(two);
  EXPECT_NE(two.error().message.find("it has 2"), std::string::npos);
  EXPECT_TRUE(parse_metric_spec("steps=(?:steps|STEPS): ([0-9]+)")); // non-capturing groups are fine
}

TEST(measure_metrics, last_match_wins_and_separators_are_accepted) {
  const auto spec = metric("steps=steps: ([0-9,]+)");
  EXPECT_EQ(extract_metric(spec, "steps: 10\nsteps: 1,234,567\n"), 1234567.0);
}

TEST(measure_metrics, skips_matches_that_are_not_numbers) {
  const auto spec = metric("t=time: (\\S+)");
  EXPECT_EQ(extract_metric(spec, "time: 1.5\ntime: n/a\n"), 1.5);
}

TEST(measure_metrics, no_match_is_missing) {
  const auto spec = metric("steps=steps: ([0-9,]+)");
  EXPECT_EQ(extract_metric(spec, "nothing here"), std::nullopt);
  EXPECT_EQ(extract_metric(spec, ""), std::nullopt);
}

TEST(measure_metrics, empty_matches_do_not_loop) {
  const auto spec = metric("n=([0-9]*)");
  EXPECT_EQ(extract_metric(spec, "a 12 b 345 c"), 345.0);
}

TEST(measure_metrics, reads_steps_from_ziskemu_report) {
  const std::string output = test::read_file(test::fixture_path("zisk/ziskemu_X_report_book_v0.18-era.txt"));
  ASSERT_FALSE(output.empty());
  const auto spec = metric("steps=STEPS +([0-9,]+)");
  EXPECT_EQ(extract_metric(spec, output), 92875129.0);
}

TEST(measure_metrics, parses_metric_file_spec) {
  const auto spec = parse_metric_file_spec("proof_size=out/proof.bin");
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->name, "proof_size");
  EXPECT_EQ(spec->path, std::filesystem::path("out/proof.bin"));
  EXPECT_FALSE(parse_metric_file_spec("proof_size"));
  EXPECT_FALSE(parse_metric_file_spec("proof_size="));
  EXPECT_FALSE(parse_metric_file_spec("9=x"));
}

TEST(measure_metrics, file_metric_is_size_or_missing) {
  test::TempDir dir;
  test::write_file(dir / "proof.bin", std::string(1234, 'x'));
  EXPECT_EQ(measure_metric_file({"p", dir / "proof.bin"}), 1234.0);
  EXPECT_EQ(measure_metric_file({"p", "proof.bin"}, dir.path()), 1234.0);
  EXPECT_EQ(measure_metric_file({"p", dir / "missing.bin"}), std::nullopt);
  EXPECT_EQ(measure_metric_file({"p", dir.path()}), std::nullopt); // a folder is not a file
}

TEST(measure_metrics, collects_all_metrics_of_a_run) {
  test::TempDir dir;
  test::write_file(dir / "proof.bin", std::string(10, 'x'));
  const auto values = collect_metrics({metric("steps=steps: ([0-9,]+)"), metric("cycles=cycles: ([0-9]+)")},
                                      {{"proof", "proof.bin"}}, "steps: 1,000\n", dir.path());
  ASSERT_EQ(values.size(), 3u);
  EXPECT_EQ(values.at("steps"), 1000.0);
  EXPECT_EQ(values.at("cycles"), std::nullopt);
  EXPECT_EQ(values.at("proof"), 10.0);
}

} // namespace
} // namespace zkbench::measure
