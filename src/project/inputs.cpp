#include "project/inputs.hpp"

#include <algorithm>
#include <array>
#include <set>

#include <fmt/format.h>

#include "project/command_template.hpp"
#include "project/yaml_reader.hpp"

namespace zkbench::project {

namespace {

constexpr std::array k_categories = {
    std::pair{InputCategory::light, "light"},
    std::pair{InputCategory::keccak_heavy, "keccak_heavy"},
    std::pair{InputCategory::ecrecover_heavy, "ecrecover_heavy"},
    std::pair{InputCategory::bn254_heavy, "bn254_heavy"},
    std::pair{InputCategory::bls12_381_heavy, "bls12_381_heavy"},
    std::pair{InputCategory::large_state, "large_state"},
    std::pair{InputCategory::typical, "typical"},
    std::pair{InputCategory::other, "other"},
};

bool is_valid_name(const std::string& name) {
  if (name.empty()) {
    return false;
  }
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.';
    if (!ok) {
      return false;
    }
  }
  return name != "." && name != "..";
}

InputSpec read_input(const YamlReader& reader, const YAML::Node& node, const std::string& key_path,
                     const std::filesystem::path& base_dir) {
  reader.check_map(node, key_path, {"name", "path", "generate", "description", "weight", "category"});
  InputSpec input;
  const std::string name_path = key_path + ".name";
  const YAML::Node name_node = reader.required(node, key_path, "name");
  input.name = reader.string(name_node, name_path);
  if (!is_valid_name(input.name)) {
    reader.fail(name_node, name_path,
                "expected a name of letters, digits, '_', '-' or '.' (it names files), got '" + input.name + "'");
  }
  const bool has_path = node["path"].IsDefined();
  const bool has_generate = node["generate"].IsDefined();
  if (has_path == has_generate) {
    reader.fail(node, key_path, "expected exactly one of 'path' (a file) or 'generate' (a command and a seed)");
  }
  if (has_path) {
    const std::string text = reader.string(node["path"], key_path + ".path");
    input.path = (base_dir / text).lexically_normal();
    std::error_code ec;
    if (!std::filesystem::exists(input.path, ec)) {
      reader.fail(node["path"], key_path + ".path",
                  fmt::format("no such file '{}' (paths are relative to the inputs file)", input.path.string()));
    }
  } else {
    const YAML::Node gen = node["generate"];
    const std::string gen_path = key_path + ".generate";
    reader.check_map(gen, gen_path, {"command", "seed"});
    InputGenerator generator;
    const YAML::Node command = reader.required(gen, gen_path, "command");
    generator.command = reader.string(command, gen_path + ".command");
    for (const std::string& placeholder : placeholders_in(generator.command)) {
      if (placeholder != "seed" && placeholder != "output") {
        reader.fail(command, gen_path + ".command",
                    "unknown placeholder {" + placeholder + "} (a generator knows {seed} and {output})");
      }
    }
    const auto used = placeholders_in(generator.command);
    if (std::find(used.begin(), used.end(), "output") == used.end()) {
      reader.fail(command, gen_path + ".command", "expected the command to write its input to {output}");
    }
    generator.seed = reader.unsigned_int(reader.required(gen, gen_path, "seed"), gen_path + ".seed");
    input.generate = generator;
    input.path = (base_dir / "generated" / input.name).lexically_normal();
  }
  if (node["description"].IsDefined()) {
    input.description = reader.string(node["description"], key_path + ".description");
  }
  if (node["weight"].IsDefined()) {
    input.weight = reader.positive_number(node["weight"], key_path + ".weight");
  }
  if (node["category"].IsDefined()) {
    const YAML::Node cat = node["category"];
    const auto parsed = cat.IsScalar() ? parse_input_category(cat.Scalar()) : std::nullopt;
    if (!parsed) {
      reader.fail(cat, key_path + ".category",
                  "expected one of light, keccak_heavy, ecrecover_heavy, bn254_heavy, bls12_381_heavy, "
                  "large_state, typical, other, got " +
                      YamlReader::describe(cat));
    }
    input.category = *parsed;
  }
  return input;
}

} // namespace

const char* to_string(InputCategory category) {
  for (const auto& [value, name] : k_categories) {
    if (value == category) {
      return name;
    }
  }
  return "other";
}

std::optional<InputCategory> parse_input_category(std::string_view text) {
  for (const auto& [value, name] : k_categories) {
    if (text == name) {
      return value;
    }
  }
  return std::nullopt;
}

Result<InputSet> load_inputs(const std::filesystem::path& path, const std::string& display_name) {
  const YamlReader reader(display_name);
  ZKBENCH_TRY_ASSIGN(root, reader.load_file(path));
  try {
    reader.check_map(*root, "", {"inputs"});
    const YAML::Node list = reader.required(*root, "", "inputs");
    if (!list.IsSequence() || list.size() == 0) {
      reader.fail(list, "inputs", "expected a list of at least one input, got " + YamlReader::describe(list));
    }
    InputSet set;
    set.file = path;
    const std::filesystem::path base_dir = std::filesystem::absolute(path).parent_path();
    std::set<std::string> names;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string key_path = fmt::format("inputs[{}]", i);
      InputSpec input = read_input(reader, list[i], key_path, base_dir);
      if (!names.insert(input.name).second) {
        reader.fail(list[i]["name"], key_path + ".name", "duplicate input name '" + input.name + "'");
      }
      set.inputs.push_back(std::move(input));
    }
    if (set.inputs.size() == 1) {
      set.warnings.push_back(fmt::format(
          "{}: a single input ('{}'): an optimization measured on one input may not generalize; "
          "add inputs of other shapes (seed 002 rule 6)",
          display_name, set.inputs.front().name));
    }
    return set;
  } catch (const YamlError& e) {
    return make_error(e.what());
  }
}

} // namespace zkbench::project
