#include "project/yaml_reader.hpp"

#include <charconv>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "util/strings.hpp"

namespace zkbench::project {

namespace {

std::string scalar_text(const YAML::Node& node) {
  return std::string(util::trim(node.Scalar()));
}

template <typename T>
std::optional<T> parse_integer(const std::string& text) {
  T value{};
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (!text.empty() && text.front() == '+') {
    ++begin;
  }
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr != end || begin == end) {
    return std::nullopt;
  }
  return value;
}

} // namespace

Result<YAML::Node> YamlReader::load_file(const std::filesystem::path& path) const {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return make_error(fmt::format("{}: cannot read: no such file", m_file));
  }
  try {
    return YAML::LoadFile(path.string());
  } catch (const YAML::ParserException& e) {
    // e.msg is the bare reason; e.mark has 0-based line and column.
    return make_error(fmt::format("{}:{}:{}: invalid YAML: {}", m_file, e.mark.line + 1, e.mark.column + 1, e.msg));
  } catch (const YAML::Exception& e) {
    return make_error(fmt::format("{}: cannot read: {}", m_file, e.what()));
  }
}

void YamlReader::fail(const YAML::Node& node, const std::string& key_path, const std::string& what) const {
  std::string where = m_file;
  if (node.IsDefined()) {
    const YAML::Mark mark = node.Mark();
    if (!mark.is_null()) {
      where += fmt::format(":{}:{}", mark.line + 1, mark.column + 1);
    }
  }
  throw YamlError(key_path.empty() ? fmt::format("{}: {}", where, what)
                                   : fmt::format("{}: {}: {}", where, key_path, what));
}

std::string YamlReader::describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) {
    return "nothing";
  }
  if (node.IsSequence()) {
    return "a list";
  }
  if (node.IsMap()) {
    return "a map";
  }
  return "'" + node.Scalar() + "'";
}

std::string YamlReader::join_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

void YamlReader::check_map(const YAML::Node& node, const std::string& key_path,
                           std::initializer_list<const char*> allowed) const {
  if (!node.IsMap()) {
    fail(node, key_path, "expected a map of keys, got " + describe(node));
  }
  std::set<std::string> seen;
  for (const auto& entry : node) {
    const std::string key = entry.first.Scalar();
    bool known = false;
    for (const char* name : allowed) {
      known = known || key == name;
    }
    if (!known) {
      std::vector<std::string> names(allowed.begin(), allowed.end());
      fail(entry.first, join_path(key_path, key), "unknown key (expected one of: " + util::join(names, ", ") + ")");
    }
    if (!seen.insert(key).second) {
      fail(entry.first, join_path(key_path, key), "duplicate key");
    }
  }
}

YAML::Node YamlReader::required(const YAML::Node& parent, const std::string& parent_path, const char* key) const {
  const YAML::Node child = parent[key];
  if (!child.IsDefined() || child.IsNull()) {
    fail(child.IsDefined() ? child : parent, join_path(parent_path, key), "missing (required)");
  }
  return child;
}

std::string YamlReader::string(const YAML::Node& node, const std::string& key_path) const {
  if (!node.IsScalar()) {
    fail(node, key_path, "expected a string, got " + describe(node));
  }
  return node.Scalar();
}

std::int64_t YamlReader::positive_int(const YAML::Node& node, const std::string& key_path) const {
  const auto value = node.IsScalar() ? parse_integer<std::int64_t>(scalar_text(node)) : std::nullopt;
  if (!value || *value <= 0) {
    fail(node, key_path, "expected a positive integer, got " + describe(node));
  }
  return *value;
}

std::int64_t YamlReader::non_negative_int(const YAML::Node& node, const std::string& key_path) const {
  const auto value = node.IsScalar() ? parse_integer<std::int64_t>(scalar_text(node)) : std::nullopt;
  if (!value || *value < 0) {
    fail(node, key_path, "expected an integer >= 0, got " + describe(node));
  }
  return *value;
}

std::uint64_t YamlReader::unsigned_int(const YAML::Node& node, const std::string& key_path) const {
  const auto value = node.IsScalar() ? parse_integer<std::uint64_t>(scalar_text(node)) : std::nullopt;
  if (!value) {
    fail(node, key_path, "expected an integer >= 0, got " + describe(node));
  }
  return *value;
}

double YamlReader::non_negative_number(const YAML::Node& node, const std::string& key_path) const {
  const auto value = node.IsScalar() ? util::parse_number(scalar_text(node)) : std::nullopt;
  if (!value || !std::isfinite(*value) || *value < 0) {
    fail(node, key_path, "expected a number >= 0, got " + describe(node));
  }
  return *value;
}

double YamlReader::positive_number(const YAML::Node& node, const std::string& key_path) const {
  const auto value = node.IsScalar() ? util::parse_number(scalar_text(node)) : std::nullopt;
  if (!value || !std::isfinite(*value) || *value <= 0) {
    fail(node, key_path, "expected a positive number, got " + describe(node));
  }
  return *value;
}

std::string YamlReader::choice(const YAML::Node& node, const std::string& key_path,
                               std::initializer_list<const char*> choices) const {
  const std::string value = node.IsScalar() ? node.Scalar() : std::string();
  for (const char* c : choices) {
    if (node.IsScalar() && value == c) {
      return value;
    }
  }
  std::vector<std::string> names(choices.begin(), choices.end());
  fail(node, key_path, "expected one of " + util::join(names, ", ") + ", got " + describe(node));
}

std::vector<std::string> YamlReader::string_list(const YAML::Node& node, const std::string& key_path) const {
  if (node.IsNull()) {
    return {};
  }
  if (!node.IsSequence()) {
    fail(node, key_path, "expected a list of strings, got " + describe(node));
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < node.size(); ++i) {
    out.push_back(string(node[i], fmt::format("{}[{}]", key_path, i)));
  }
  return out;
}

} // namespace zkbench::project
