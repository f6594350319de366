#include "project/probe.hpp"

#include <ctime>

#include "util/subprocess.hpp"

namespace zkbench::project {

std::optional<std::filesystem::path> find_on_path(const std::string& program) {
  return util::find_program(program);
}

Result<ProbeOutput> probe_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                                  const std::filesystem::path& cwd) {
  ZKBENCH_TRY_ASSIGN(
      captured, util::capture_output(argv, std::chrono::duration<double>(timeout).count(), 1u << 20, cwd));
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

} // namespace zkbench::project
