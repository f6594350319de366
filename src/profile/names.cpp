#include "profile/names.hpp"

#include <cctype>

#include "util/strings.hpp"

namespace zkbench::profile {

namespace {

bool is_ident(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// "::h" followed by 16 hex digits at the end of `name` (rustc's legacy mangling hash).
std::string_view strip_hash(std::string_view name) {
  constexpr std::size_t k_len = 3 + 16;
  if (name.size() < k_len || name.substr(name.size() - k_len, 3) != "::h") {
    return name;
  }
  for (char c : name.substr(name.size() - 16)) {
    if (std::isxdigit(static_cast<unsigned char>(c)) == 0) {
      return name;
    }
  }
  return name.substr(0, name.size() - k_len);
}

} // namespace

std::string normalize_function_name(std::string_view name) {
  name = util::trim(name);
  if (util::ends_with(name, "…")) {
    name.remove_suffix(std::string_view("…").size());
  } else if (util::ends_with(name, "..")) {
    name.remove_suffix(2);
  }
  name = strip_hash(name);
  std::string out;
  out.reserve(name.size());
  int depth = 0; // depth inside generic arguments being removed
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '<') {
      // generic arguments follow an identifier or "::" (turbofish); a '<' elsewhere opens a qualified path
      const bool generic = depth > 0 || (!out.empty() && (is_ident(out.back()) || out.back() == ':'));
      if (generic) {
        ++depth;
        continue;
      }
    } else if (c == '>' && depth > 0) {
      --depth;
      continue;
    } else if (c == '-' && i + 1 < name.size() && name[i + 1] == '>' && depth > 0) {
      ++i; // "->" inside Fn(..) -> T generics
      continue;
    }
    if (depth == 0) {
      out.push_back(c);
    }
  }
  return std::string(util::trim(out));
}

bool is_truncation_of(std::string_view shorter, std::string_view longer, std::size_t min_length) {
  return shorter.size() >= min_length && shorter.size() < longer.size() && util::starts_with(longer, shorter);
}

} // namespace zkbench::profile
