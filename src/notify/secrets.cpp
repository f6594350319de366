#include "notify/secrets.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/strings.hpp"

namespace zkbench::notify {

namespace {

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

std::string unquote(std::string_view value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
    return std::string(value.substr(1, value.size() - 2));
  }
  return std::string(value);
}

} // namespace

std::filesystem::path secrets_path() {
  if (const std::string override_path = env_or_empty(k_secrets_file_env); !override_path.empty()) {
    return override_path;
  }
  if (const std::string xdg = env_or_empty("XDG_CONFIG_HOME"); !xdg.empty()) {
    return std::filesystem::path(xdg) / "zkbench" / "secrets.env";
  }
  return std::filesystem::path(env_or_empty("HOME")) / ".config" / "zkbench" / "secrets.env";
}

Result<std::map<std::string, std::string>> read_secrets(const std::filesystem::path& path) {
  struct stat info {};
  // stat, not lstat: a symlink to an owner-only file is fine; the target's mode is what matters.
  if (::stat(path.c_str(), &info) != 0) {
    return make_error(fmt::format("cannot read secrets file '{}': {}", path.string(), std::strerror(errno)));
  }
  if (!S_ISREG(info.st_mode)) {
    return make_error(fmt::format("secrets file '{}' is not a regular file", path.string()));
  }
  if (info.st_uid != ::geteuid()) {
    return make_error(fmt::format("refusing to read secrets file '{}': it belongs to another user (uid {}); "
                                  "create your own with mode 0600",
                                  path.string(), info.st_uid));
  }
  const auto mode = static_cast<unsigned>(info.st_mode & 0777U);
  if ((mode & 0077U) != 0) {
    return make_error(fmt::format("refusing to read secrets file '{}': its mode is {:04o}, so other users "
                                  "can read it; fix it with: chmod 600 {}",
                                  path.string(), mode, path.string()));
  }

  std::ifstream in(path);
  if (!in) {
    return make_error(fmt::format("cannot open secrets file '{}': {}", path.string(), std::strerror(errno)));
  }
  std::map<std::string, std::string> values;
  std::string raw;
  int line_number = 0;
  while (std::getline(in, raw)) {
    ++line_number;
    std::string_view line = util::trim(raw);
    if (line.empty() || line.front() == '#') {
      continue;
    }
    if (util::starts_with(line, "export ")) {
      line = util::trim(line.substr(7));
    }
    const std::size_t eq = line.find('=');
    const std::string_view key = eq == std::string_view::npos ? std::string_view() : util::trim(line.substr(0, eq));
    if (key.empty()) {
      return make_error(fmt::format("secrets file '{}', line {}: expected KEY=value", path.string(), line_number));
    }
    values[std::string(key)] = unquote(util::trim(line.substr(eq + 1)));
  }
  return values;
}

std::string redact(std::string text, const std::string& secret) {
  if (secret.empty()) {
    return text;
  }
  static constexpr std::string_view k_mask = "<redacted>";
  std::size_t at = 0;
  while ((at = text.find(secret, at)) != std::string::npos) {
    text.replace(at, secret.size(), k_mask);
    at += k_mask.size();
  }
  return text;
}

} // namespace zkbench::notify
