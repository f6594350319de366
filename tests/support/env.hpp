#pragma once
// Sets environment variables for the length of a test (the zkbench binary started by run_zkbench
// inherits them) and restores the previous values afterwards.

#include <cstdlib>
#include <map>
#include <optional>
#include <string>

namespace zkbench::test {

class ScopedEnv {
public:
  ScopedEnv() = default;
  ~ScopedEnv() {
    for (const auto& [name, old] : m_saved) {
      if (old) {
        ::setenv(name.c_str(), old->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

  void set(const std::string& name, const std::string& value) {
    if (m_saved.count(name) == 0) {
      const char* old = std::getenv(name.c_str());
      m_saved[name] = old ? std::optional<std::string>(old) : std::nullopt;
    }
    ::setenv(name.c_str(), value.c_str(), 1);
  }

private:
  std::map<std::string, std::optional<std::string>> m_saved;
};

} // namespace zkbench::test
