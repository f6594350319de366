#include <gtest/gtest.h>

#include "support/fixtures.hpp"
#include "project/command_template.hpp"
#include "project/inputs.hpp"

using namespace zkbench::project;
using zkbench::test::TempDir;
using zkbench::test::write_file;

namespace {

zkbench::Result<InputSet> load_text(const TempDir& dir, const std::string& text) {
  write_file(dir / "inputs.yaml", text);
  return load_inputs(dir / "inputs.yaml", "inputs.yaml");
}

std::string error_of(const zkbench::Result<InputSet>& result) {
  return result ? std::string("(loaded)") : result.error().message;
}

} // namespace

TEST(WorkflowInputs, loads_files_and_generators_with_defaults) {
  TempDir dir;
  std::filesystem::create_directories(dir / "in");
  write_file(dir / "in/light.txt", "x");
  const auto set = load_text(dir, R"(inputs:
  - name: light
    path: in/light.txt
    description: "few accounts"
    category: light
  - name: random_7
    generate: {command: "python3 gen.py --seed {seed} > {output}", seed: 7}
    weight: 2.5
)");
  ASSERT_TRUE(set) << error_of(set);
  ASSERT_EQ(set->inputs.size(), 2u);
  EXPECT_EQ(set->inputs[0].path, (dir / "in/light.txt").lexically_normal());
  EXPECT_EQ(set->inputs[0].category, InputCategory::light);
  EXPECT_EQ(set->inputs[0].weight, 1.0);
  EXPECT_EQ(set->inputs[1].category, InputCategory::other);
  EXPECT_EQ(set->inputs[1].weight, 2.5);
  ASSERT_TRUE(set->inputs[1].generate);
  EXPECT_EQ(set->inputs[1].generate->seed, 7u);
  EXPECT_TRUE(set->warnings.empty());
  const auto command = generator_command(set->inputs[1]);
  ASSERT_TRUE(command);
  EXPECT_NE(command->find("--seed 7 > "), std::string::npos);
  EXPECT_NE(command->find("generated/random_7"), std::string::npos);
}

TEST(WorkflowInputs, warns_on_a_single_input) {
  TempDir dir;
  write_file(dir / "a.bin", "x");
  const auto set = load_text(dir, "inputs:\n  - {name: only, path: a.bin}\n");
  ASSERT_TRUE(set) << error_of(set);
  ASSERT_EQ(set->warnings.size(), 1u);
  EXPECT_NE(set->warnings[0].find("single input ('only')"), std::string::npos);
}

TEST(WorkflowInputs, rejects_duplicate_names_with_line) {
  TempDir dir;
  write_file(dir / "a.bin", "x");
  const auto set = load_text(dir, "inputs:\n  - {name: a, path: a.bin}\n  - name: a\n    path: a.bin\n");
  EXPECT_EQ(error_of(set), "inputs.yaml:3:11: inputs[1].name: duplicate input name 'a'");
}

TEST(WorkflowInputs, rejects_missing_file) {
  TempDir dir;
  const auto set = load_text(dir, "inputs:\n  - {name: a, path: nope.bin}\n  - {name: b, path: nope.bin}\n");
  EXPECT_NE(error_of(set).find("inputs.yaml:2:21: inputs[0].path: no such file"), std::string::npos) << error_of(set);
}

TEST(WorkflowInputs, rejects_path_and_generate_together_or_neither) {
  TempDir dir;
  write_file(dir / "a.bin", "x");
  EXPECT_NE(error_of(load_text(dir, "inputs:\n  - {name: a}\n")).find("inputs[0]: expected exactly one of 'path'"),
            std::string::npos);
  EXPECT_NE(error_of(load_text(dir, "inputs:\n  - {name: a, path: a.bin, generate: {command: 'x {output}', seed: 1}}\n"))
                .find("expected exactly one of"),
            std::string::npos);
}

TEST(WorkflowInputs, rejects_unknown_key_and_category_and_bad_weight) {
  TempDir dir;
  write_file(dir / "a.bin", "x");
  EXPECT_EQ(error_of(load_text(dir, "inputs:\n  - {name: a, path: a.bin, wieght: 2}\n")),
            "inputs.yaml:2:28: inputs[0].wieght: unknown key (expected one of: name, path, generate, description, "
            "weight, category)");
  EXPECT_NE(error_of(load_text(dir, "inputs:\n  - {name: a, path: a.bin, category: heavy}\n"))
                .find("inputs[0].category: expected one of light, keccak_heavy"),
            std::string::npos);
  EXPECT_EQ(error_of(load_text(dir, "inputs:\n  - {name: a, path: a.bin, weight: 0}\n")),
            "inputs.yaml:2:36: inputs[0].weight: expected a positive number, got '0'");
}

TEST(WorkflowInputs, rejects_generator_without_output_or_seed) {
  TempDir dir;
  EXPECT_NE(error_of(load_text(dir, "inputs:\n  - {name: g, generate: {command: 'gen > x', seed: 1}}\n"))
                .find("generate.command: expected the command to write its input to {output}"),
            std::string::npos);
  EXPECT_NE(error_of(load_text(dir, "inputs:\n  - {name: g, generate: {command: 'gen > {output}'}}\n"))
                .find("inputs[0].generate.seed: missing (required)"),
            std::string::npos);
  EXPECT_NE(error_of(load_text(dir, "inputs:\n  - {name: g, generate: {command: 'gen {n} > {output}', seed: 1}}\n"))
                .find("unknown placeholder {n}"),
            std::string::npos);
  EXPECT_NE(error_of(load_text(dir, "inputs:\n  - {name: g, generate: {command: 'g > {output}', seed: -1}}\n"))
                .find("seed: expected an integer >= 0, got '-1'"),
            std::string::npos);
}

TEST(WorkflowInputs, rejects_empty_list_bad_names_and_bad_yaml) {
  TempDir dir;
  EXPECT_NE(error_of(load_text(dir, "inputs: []\n")).find("inputs: expected a list of at least one input"),
            std::string::npos);
  EXPECT_NE(error_of(load_text(dir, "inputs:\n  - {name: 'a/b', path: x}\n")).find("inputs[0].name: expected a name"),
            std::string::npos);
  EXPECT_NE(error_of(load_text(dir, "inputs:\n  - {name: a\n")).find("inputs.yaml:3:1: invalid YAML"),
            std::string::npos)
      << error_of(load_text(dir, "inputs:\n  - {name: a\n"));
  EXPECT_NE(error_of(load_inputs(dir / "missing.yaml", "missing.yaml")).find("missing.yaml: cannot read"),
            std::string::npos);
}

TEST(WorkflowInputs, category_names_round_trip) {
  for (const char* name : {"light", "keccak_heavy", "ecrecover_heavy", "bn254_heavy", "bls12_381_heavy", "large_state",
                           "typical", "other"}) {
    const auto category = parse_input_category(name);
    ASSERT_TRUE(category) << name;
    EXPECT_STREQ(to_string(*category), name);
  }
  EXPECT_FALSE(parse_input_category("Light"));
}
