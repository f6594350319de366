// `zkbench status`: what the measuring zkbench of this project does (which experiment, input, run i/N,
// elapsed, ETA), from the status file it keeps; and who holds the machine.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "cli/workflow_support.hpp"
#include "project/machine_lock.hpp"
#include "project/probe.hpp"
#include "project/status_file.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

namespace zkbench::cli {

namespace {

std::string duration(double seconds) {
  const auto s = static_cast<long long>(seconds);
  return s >= 3600 ? fmt::format("{}h{:02}m{:02}s", s / 3600, s / 60 % 60, s % 60)
                   : fmt::format("{}m{:02}s", s / 60, s % 60);
}

} // namespace

CommandMain setup_status(CLI::App& sub) {
  auto config = std::make_shared<std::string>("zkbench.yaml");
  auto json = std::make_shared<bool>(false);
  add_config_option(sub, *config);
  sub.add_flag("--json", *json,
               "Print {machine_holder, status (the status file's object), process_alive} as JSON (null when absent)");
  return [config, json] {
    const auto root = std::filesystem::absolute(*config).parent_path();
    const auto text = util::read_text_file(project::status_path(root));
    if (*json) {
      const auto holder = project::current_lock_holder(project::default_lock_path());
      const Result<project::StatusInfo> status =
          text ? project::parse_status_json(*text) : Result<project::StatusInfo>(make_error("no status file"));
      nlohmann::ordered_json doc = {
          {"machine_holder", holder ? nlohmann::ordered_json(project::describe(*holder)) : nullptr},
          {"status", status ? nlohmann::ordered_json::parse(*text, nullptr, false) : nullptr},
          {"process_alive", status ? nlohmann::ordered_json(project::process_alive(status->pid)) : nullptr}};
      fmt::print("{}\n", util::json_text(doc, 2));
      return 0;
    }
    if (const auto holder = project::current_lock_holder(project::default_lock_path())) {
      fmt::print("machine: busy, {}\n", project::describe(*holder));
    } else {
      fmt::print("machine: free\n");
    }
    if (!text) {
      fmt::print("nothing is measuring in this project\n");
      return 0;
    }
    auto status = project::parse_status_json(*text);
    if (!status) {
      throw Fatal(status.error().message);
    }
    if (!project::process_alive(status->pid)) {
      fmt::print("interrupted: zkbench {} (pid {}) is not running any more (killed or crashed); its measured runs "
                 "are in the store: run it again to resume\n",
                 status->command, status->pid);
      return 0;
    }
    const double elapsed = static_cast<double>(project::now_us() - status->started_at_us) / 1e6;
    fmt::print("running: zkbench {} (pid {}), {}\n", status->command, status->pid, status->phase);
    if (!status->input.empty()) {
      fmt::print("  input {} ({}/{}), run {}/{}\n", status->input, status->input_index, status->input_count,
                 status->run, status->runs);
    }
    if (!status->waiting.empty()) { // the contention gate holds the next round
      fmt::print("  {}\n", status->waiting);
    }
    fmt::print("  elapsed {}{}\n", duration(elapsed),
               status->eta_s ? fmt::format(", ETA for this input {}", duration(*status->eta_s)) : std::string());
    if (!status->log.empty()) {
      fmt::print("  log {}\n", status->log);
    }
    return 0;
  };
}

} // namespace zkbench::cli
