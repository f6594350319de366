#include "util/strings.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace zkbench::util {

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    if (end == std::string_view::npos) {
      parts.emplace_back(text.substr(start));
      return parts;
    }
    parts.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) {
      out += separator;
    }
    out += parts[i];
  }
  return out;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::optional<double> parse_number(std::string_view text) {
  text = trim(text);
  if (text.empty()) {
    return std::nullopt;
  }
  // Thousands separators are only accepted between digits, so "1,,2" or ",5" stay invalid.
  std::string cleaned;
  cleaned.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ',' || c == '_') {
      const bool digit_before = i > 0 && std::isdigit(static_cast<unsigned char>(text[i - 1]));
      const bool digit_after =
          i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1]));
      if (!digit_before || !digit_after) {
        return std::nullopt;
      }
      continue;
    }
    cleaned.push_back(c);
  }
  const char* first = cleaned.data();
  const char* last = cleaned.data() + cleaned.size();
  if (*first == '+') {
    ++first;
  }
  double value = 0;
  const auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || ptr != last || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint64_t> parse_count(std::string_view text) {
  const auto value = parse_number(text);
  // 2^64 is exactly representable; anything at or above it does not fit.
  if (!value || *value < 0 || *value >= 18446744073709551616.0 || std::floor(*value) != *value) {
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(*value);
}

std::optional<int> parse_int(std::string_view text) {
  const auto value = parse_number(text);
  if (!value || *value < std::numeric_limits<int>::min() || *value > std::numeric_limits<int>::max() ||
      std::floor(*value) != *value) {
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

std::string format_bytes(double bytes) {
  static constexpr const char* k_units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  std::size_t unit = 0;
  while (std::fabs(bytes) >= 1024.0 && unit + 1 < std::size(k_units)) {
    bytes /= 1024.0;
    ++unit;
  }
  if (unit == 0) {
    return fmt::format("{:.0f} {}", bytes, k_units[unit]);
  }
  return fmt::format("{:.1f} {}", bytes, k_units[unit]);
}

std::string slugify(std::string_view text) {
  std::string slug;
  bool pending_dash = false;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      if (pending_dash && !slug.empty()) {
        slug.push_back('-');
      }
      pending_dash = false;
      slug.push_back(static_cast<char>(std::tolower(u)));
    } else {
      pending_dash = true;
    }
  }
  return slug;
}

} // namespace zkbench::util
