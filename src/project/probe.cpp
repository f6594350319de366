#include "project/probe.hpp"

#include <ctime>
#include <fstream>
#include <sstream>

#include "util/subprocess.hpp"

namespace zkbench::workflow {

std::optional<std::filesystem::path> find_on_path(const std::string& program) {
  return util::find_program(program);
}

Result<ProbeOutput> probe_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                                  const std::filesystem::path& cwd) {
  auto captured = util::capture_output(argv, std::chrono::duration<double>(timeout).count(), 1u << 20, cwd);
  if (!captured) {
    return tl::unexpected(captured.error());
  }
  return ProbeOutput{captured->exit_code.value_or(-1), std::move(captured->output)};
}

std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::optional<std::string> read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

} // namespace zkbench::workflow
