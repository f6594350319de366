// `zkbench logs [-f]`: the output of the newest detached workflow command (.zkbench/logs/latest.log);
// -f follows it until that command ends.
#include <chrono>
#include <fstream>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/workflow_support.hpp"
#include "project/probe.hpp"
#include "project/status_file.hpp"
#include "util/files.hpp"

namespace zkbench::cli {

namespace {

bool still_running(const std::filesystem::path& root) {
  const auto text = util::read_text_file(project::status_path(root));
  if (!text) {
    return false;
  }
  const auto status = project::parse_status_json(*text);
  return status && project::process_alive(status->pid);
}

} // namespace

CommandMain setup_logs(CLI::App& sub) {
  auto config = std::make_shared<std::string>("zkbench.yaml");
  auto follow = std::make_shared<bool>(false);
  add_config_option(sub, *config);
  sub.add_flag("-f,--follow", *follow, "Keep printing new output until the command ends");
  return [config, follow] {
    const auto root = std::filesystem::absolute(*config).parent_path();
    const auto log = root / ".zkbench" / "logs" / "latest.log";
    std::ifstream in(log, std::ios::binary);
    if (!in) {
      throw Fatal(fmt::format("no log at {}: logs are kept for commands run with --detach", log.string()));
    }
    std::string chunk(4096, '\0');
    int quiet_polls = 0;
    for (;;) {
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      const auto n = in.gcount();
      if (n > 0) {
        std::fwrite(chunk.data(), 1, static_cast<std::size_t>(n), stdout);
        std::fflush(stdout);
        quiet_polls = 0;
        continue;
      }
      in.clear();
      // Stop after the command ended and its last output was read (a few quiet polls).
      if (!*follow || (!still_running(root) && ++quiet_polls > 3)) {
        return 0;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  };
}

} // namespace zkbench::cli
