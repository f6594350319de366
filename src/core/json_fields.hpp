#pragma once
// Lenient readers of the results files' JSON (results.json of an experiment or a bisection), shared by
// core's readers: a member of the wrong type reads as a missing one, as every reader of results.json did.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace zkbench::core::json_fields {

inline std::optional<double> number_at(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? std::optional<double>(it->get<double>()) : std::nullopt;
}

inline std::optional<int> integer_at(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? std::optional<int>(it->get<int>()) : std::nullopt;
}

/// A count (a non-negative number below 1e15), else 0.
inline std::size_t count_at(const nlohmann::json& j, const char* key) {
  const std::optional<double> value = number_at(j, key);
  return value && *value >= 0 && *value < 1e15 ? static_cast<std::size_t>(*value) : std::size_t{0};
}

inline std::string text_at(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

inline const nlohmann::json& member(const nlohmann::json& j, const char* key) {
  static const nlohmann::json k_null;
  const auto it = j.find(key);
  return it != j.end() ? *it : k_null;
}

/// The array at `key`, or an empty one.
inline const nlohmann::json& array_at(const nlohmann::json& j, const char* key) {
  static const nlohmann::json k_empty = nlohmann::json::array();
  const nlohmann::json& value = member(j, key);
  return value.is_array() ? value : k_empty;
}

} // namespace zkbench::core::json_fields
