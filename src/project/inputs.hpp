#pragma once
// The inputs of a zkbench project (benchmarks/inputs.yaml, seed 002 §3.2): never a single input.
//
//   inputs:
//     - name: light
//       path: inputs/light.txt          # relative to inputs.yaml
//       description: "Few accounts, no precompiles"
//       weight: 1                        # optional, default 1 (weighted average across inputs)
//       category: light                  # seed 000's block types, default other
//     - name: random_42
//       generate: {command: "python3 gen.py --seed {seed} > {output}", seed: 42}
//
// A generated input is written to `generated/<name>` next to inputs.yaml by its command; {seed} and
// {output} are its placeholders. The seed is recorded with the results.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace zkbench::project {

/// Seed 000's block types ("Block Selection for zkVM"), plus `other`.
enum class InputCategory {
  light,
  keccak_heavy,
  ecrecover_heavy,
  bn254_heavy,
  bls12_381_heavy,
  large_state,
  typical,
  other,
};

const char* to_string(InputCategory category);
/// Parses the YAML spelling ("keccak_heavy"); nullopt when unknown.
std::optional<InputCategory> parse_input_category(std::string_view text);

struct InputGenerator {
  std::string command; // template with {seed} and {output}
  std::uint64_t seed = 0;
};

struct InputSpec {
  std::string name;
  std::filesystem::path path;                // absolute; for a generated input, where it is written
  std::optional<InputGenerator> generate;    // set for generated inputs
  std::string description;
  double weight = 1.0;
  InputCategory category = InputCategory::other;
};

struct InputSet {
  std::filesystem::path file;                // the inputs.yaml it came from
  std::vector<InputSpec> inputs;             // in file order, names unique
  std::vector<std::string> warnings;         // e.g. a single input (seed 002 rule 6); never printed here
};

/// Loads an inputs file. `display_name` names it in messages. Errors (file:line:col: key: what):
/// unreadable or invalid YAML, unknown keys, no inputs, missing name, names repeated or not
/// [A-Za-z0-9_.-]+, both or neither of path/generate, a path that does not exist, a weight <= 0,
/// an unknown category, a generate.command without {output}.
Result<InputSet> load_inputs(const std::filesystem::path& path, const std::string& display_name);

} // namespace zkbench::project
