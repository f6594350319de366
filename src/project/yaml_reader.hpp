#pragma once
// Typed reading of a YAML document with errors that say where: "zkbench.yaml:7:12: benchmark.runs:
// expected a positive integer, got 'ten'". Shared by the loaders of zkbench.yaml and inputs.yaml.
//
// The readers throw `YamlError` on the first problem; the public loaders catch it and return a Result,
// so the exception never leaves the workflow module (it keeps each field's check to one line).

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "util/error.hpp"

namespace zkbench::project {

class YamlError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class YamlReader {
public:
  /// `display_name` is how the file is named in messages (as the user wrote it).
  explicit YamlReader(std::string display_name) : m_file(std::move(display_name)) {}

  /// Parses `path`. Error: unreadable file, YAML syntax error (with its line and column).
  Result<YAML::Node> load_file(const std::filesystem::path& path) const;

  /// Throws YamlError "<file>:<line>:<col>: <key_path>: <what>" (line/column from `node` when known).
  [[noreturn]] void fail(const YAML::Node& node, const std::string& key_path, const std::string& what) const;

  /// Requires `node` to be a map whose keys are all in `allowed`, each once.
  void check_map(const YAML::Node& node, const std::string& key_path,
                 std::initializer_list<const char*> allowed) const;

  /// The child `key` of map `parent`; throws when absent or null.
  YAML::Node required(const YAML::Node& parent, const std::string& parent_path, const char* key) const;

  /// Scalar values. Each throws naming what was expected and what was found.
  std::string string(const YAML::Node& node, const std::string& key_path) const;
  std::int64_t positive_int(const YAML::Node& node, const std::string& key_path) const;
  std::int64_t non_negative_int(const YAML::Node& node, const std::string& key_path) const;
  std::uint64_t unsigned_int(const YAML::Node& node, const std::string& key_path) const;
  double non_negative_number(const YAML::Node& node, const std::string& key_path) const;
  double positive_number(const YAML::Node& node, const std::string& key_path) const;
  /// One of `choices` (exact match).
  std::string choice(const YAML::Node& node, const std::string& key_path,
                     std::initializer_list<const char*> choices) const;
  /// A list of scalars (a single scalar is not accepted: the mistake is usually a missing '-').
  std::vector<std::string> string_list(const YAML::Node& node, const std::string& key_path) const;

  /// Describes a node for "got ...": 'ten', a list, a map, nothing.
  static std::string describe(const YAML::Node& node);

  /// `parent.key` (or `key` at the top).
  static std::string join_path(const std::string& parent, const std::string& key);

private:
  std::string m_file;
};

} // namespace zkbench::project
