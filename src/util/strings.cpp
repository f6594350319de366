#include "util/strings.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <utility>

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

std::vector<std::string> last_lines(std::string_view text, std::size_t count) {
  std::vector<std::string> lines;
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t end = text.find('\n', begin);
    lines.emplace_back(text.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin));
    begin = end == std::string_view::npos ? text.size() : end + 1;
  }
  if (lines.size() > count) {
    lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(count));
  }
  return lines;
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

namespace {

// Where the password of `scheme://user:password@` starting at `scheme_end` (just after "://") lies:
// {start, length}, or {npos, 0} when that authority holds none. The userinfo ends at the last '@'
// before the path, so a password may itself contain '@'.
std::pair<std::size_t, std::size_t> url_password(std::string_view text, std::size_t scheme_end) {
  const std::size_t authority_end = std::min(text.find_first_of("/?# \t\n'\"", scheme_end), text.size());
  const std::string_view authority = text.substr(scheme_end, authority_end - scheme_end);
  const std::size_t at = authority.rfind('@');
  if (at == std::string_view::npos) {
    return {std::string_view::npos, 0};
  }
  const std::size_t colon = authority.substr(0, at).find(':');
  if (colon == std::string_view::npos) {
    return {std::string_view::npos, 0};
  }
  return {scheme_end + colon + 1, at - colon - 1};
}

} // namespace

std::string redact_credentials(std::string_view text) {
  std::string out;
  std::size_t copied = 0;
  const auto replace = [&](std::size_t start, std::size_t length) {
    out.append(text.substr(copied, start - copied));
    out += "***";
    copied = start + length;
  };
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t scheme = text.find("://", pos);
    const std::size_t key = text.find("password=", pos);
    if (scheme == std::string_view::npos && key == std::string_view::npos) {
      break;
    }
    if (scheme < key) {
      const auto [start, length] = url_password(text, scheme + 3);
      if (start != std::string_view::npos) {
        replace(start, length);
        pos = start + length;
      } else {
        pos = scheme + 3;
      }
      continue;
    }
    const std::size_t value = key + 9; // after "password="
    const std::size_t end = std::min(text.find_first_of("& \t\n'\"", value), text.size());
    if (end > value) {
      replace(value, end - value);
    }
    pos = std::max(end, value);
  }
  out.append(text.substr(std::min(copied, text.size())));
  return out;
}

std::string own_command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string out;
  for (const std::string& arg : split(raw, '\0')) {
    if (arg.empty()) {
      continue;
    }
    const bool plain = arg.find_first_of(" \t'\"$|&;<>*?()") == std::string::npos;
    out += (out.empty() ? "" : " ") + (plain ? arg : "'" + arg + "'");
  }
  return redact_credentials(out);
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
