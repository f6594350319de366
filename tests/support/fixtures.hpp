#pragma once
// Test helpers: paths to ../shared/fixtures, reading files, temporary folders.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "support/test_lock.hpp"

namespace zkbench::test {

inline std::filesystem::path fixture_path(const std::string& relative) {
  return std::filesystem::path(ZKBENCH_FIXTURES_DIR) / relative;
}

/// The hyperfine --export-json samples in ../shared/fixtures/hyperfine/ (relative to fixture_path).
inline const std::vector<std::string> k_hyperfine_fixtures = {
    "hyperfine/true_N.json", "hyperfine/true_shell.json", "hyperfine/param_scan_N.json",
    "hyperfine/multi_cmd_ignore_failure.json"};

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

/// A fresh temporary folder, removed with everything in it when the object goes away.
class TempDir {
public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "zkbench-test-XXXXXX").string();
    m_path = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
  std::filesystem::path m_path;
};

} // namespace zkbench::test
