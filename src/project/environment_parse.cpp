// The pure parsers of environment.hpp: /proc/cpuinfo, /proc/meminfo, /etc/os-release, version outputs,
// nvidia-smi, Cargo.toml patches.
#include <algorithm>
#include <cctype>

#include "provers/cargo_patches.hpp"
#include "util/strings.hpp"
#include "project/environment.hpp"

namespace zkbench::project {

namespace {

/// "key<spaces>:<spaces>value" lines (cpuinfo, meminfo): the value of the first line whose key is `key`.
std::optional<std::string> colon_field(std::string_view text, std::string_view key) {
  for (const std::string& line : util::split(text, '\n')) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) {
      continue;
    }
    if (util::trim(std::string_view(line).substr(0, colon)) == key) {
      return std::string(util::trim(std::string_view(line).substr(colon + 1)));
    }
  }
  return std::nullopt;
}

bool is_version_token(std::string_view token) {
  if (!token.empty() && token.front() == 'v') {
    token.remove_prefix(1);
  }
  // digits '.' digits, then anything of [0-9A-Za-z.+-] (1.84.0, 0.15.0-rc1, 12.4)
  std::size_t i = 0;
  while (i < token.size() && std::isdigit(static_cast<unsigned char>(token[i])) != 0) {
    ++i;
  }
  if (i == 0 || i + 1 >= token.size() || token[i] != '.' ||
      std::isdigit(static_cast<unsigned char>(token[i + 1])) == 0) {
    return false;
  }
  return std::all_of(token.begin(), token.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '+';
  });
}

std::string strip_quotes(std::string_view text) {
  text = util::trim(text);
  if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') && text.back() == text.front()) {
    text = text.substr(1, text.size() - 2);
  }
  return std::string(text);
}

} // namespace

std::string parse_cpu_model(std::string_view cpuinfo) {
  return colon_field(cpuinfo, "model name").value_or("");
}

int count_processors(std::string_view cpuinfo) {
  int count = 0;
  for (const std::string& line : util::split(cpuinfo, '\n')) {
    const auto colon = line.find(':');
    if (colon != std::string::npos && util::trim(std::string_view(line).substr(0, colon)) == "processor") {
      ++count;
    }
  }
  return count;
}

std::optional<std::int64_t> parse_meminfo_bytes(std::string_view meminfo, std::string_view field) {
  const auto value = colon_field(meminfo, field);
  if (!value) {
    return std::nullopt;
  }
  const auto parts = util::split(*value, ' ');
  const auto number = util::parse_number(parts.front());
  if (!number) {
    return std::nullopt;
  }
  const bool kib = parts.size() > 1 && parts[1] == "kB";
  return static_cast<std::int64_t>(*number * (kib ? 1024.0 : 1.0));
}

std::string parse_os_release(std::string_view os_release) {
  std::string name;
  std::string version;
  for (const std::string& line : util::split(os_release, '\n')) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) {
      continue;
    }
    const std::string_view key = util::trim(std::string_view(line).substr(0, eq));
    const std::string value = strip_quotes(std::string_view(line).substr(eq + 1));
    if (key == "PRETTY_NAME" && !value.empty()) {
      return value;
    }
    if (key == "NAME") {
      name = value;
    } else if (key == "VERSION") {
      version = value;
    }
  }
  return version.empty() ? name : name + " " + version;
}

std::string parse_version_word(std::string_view output) {
  // nvcc: "Cuda compilation tools, release 12.4, V12.4.131": the release is the version people quote.
  if (const auto at = output.find("release "); at != std::string_view::npos) {
    std::string token;
    for (std::size_t i = at + 8; i < output.size() && output[i] != ',' && output[i] != ' ' && output[i] != '\n'; ++i) {
      token += output[i];
    }
    if (is_version_token(token)) {
      return token;
    }
  }
  std::string first_line;
  for (const std::string& line : util::split(output, '\n')) {
    if (first_line.empty() && !util::trim(line).empty()) {
      first_line = std::string(util::trim(line));
    }
    for (std::string token : util::split(line, ' ')) {
      while (!token.empty() && (token.back() == ',' || token.back() == ')' || token.back() == ';')) {
        token.pop_back();
      }
      while (!token.empty() && token.front() == '(') {
        token.erase(0, 1);
      }
      if (is_version_token(token)) {
        return token;
      }
    }
  }
  // No version number (cargo-prove prints "cargo-prove sp1 (d454975 2026-04-11T...)"): the line minus the name.
  const auto space = first_line.find(' ');
  return space == std::string::npos ? first_line : std::string(util::trim(first_line.substr(space + 1)));
}

std::string parse_compiler_version(std::string_view output) {
  // clang: "Debian clang version 14.0.6" (also Apple's and Ubuntu's: "... clang version X ...").
  if (const auto at = output.find("clang version "); at != std::string_view::npos) {
    return "clang " + parse_version_word(output.substr(at + 14));
  }
  // gcc: "cc (Debian 12.2.0-14+deb12u1) 12.2.0": the upstream version is the first line's last word.
  if (output.find("Free Software Foundation") != std::string_view::npos) {
    const std::string first(util::trim(output.substr(0, output.find('\n'))));
    return "gcc " + first.substr(first.rfind(' ') + 1);
  }
  return parse_version_word(output);
}


std::vector<std::string> parse_cargo_patches(std::string_view cargo_toml) {
  std::vector<std::string> crates;
  // provers/ reads Cargo.toml for `doctor` too; a manifest it cannot read lists no patches here.
  if (auto patches = provers::parse_cargo_patches(cargo_toml)) {
    for (const provers::CratePatch& patch : *patches) {
      if (std::find(crates.begin(), crates.end(), patch.name) == crates.end()) {
        crates.push_back(patch.name);
      }
    }
  }
  return crates;
}

} // namespace zkbench::project
