#pragma once
// Test helper: points ZKBENCH_SECRETS_FILE (inherited by the zkbench processes a test runs) at a file
// while alive, optionally writing it first with a given mode.

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "notify/secrets.hpp"
#include "support/fixtures.hpp"

namespace zkbench::test {

class ScopedSecretsFile {
public:
  explicit ScopedSecretsFile(const std::filesystem::path& path) {
    ::setenv(notify::k_secrets_file_env, path.c_str(), 1);
  }
  /// Writes `text` to `path` with `mode`, then points the variable at it.
  ScopedSecretsFile(const std::filesystem::path& path, const std::string& text, mode_t mode) : ScopedSecretsFile(path) {
    write_file(path, text);
    ::chmod(path.c_str(), mode);
  }
  ~ScopedSecretsFile() { ::unsetenv(notify::k_secrets_file_env); }
  ScopedSecretsFile(const ScopedSecretsFile&) = delete;
  ScopedSecretsFile& operator=(const ScopedSecretsFile&) = delete;
};

} // namespace zkbench::test
