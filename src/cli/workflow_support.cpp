#include "cli/workflow_support.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "gpu/run_monitor.hpp"

#include "cli/app.hpp"
#include "cli/measuring_lock.hpp"
#include "measure/interrupt.hpp"
#include "measure/run_loop.hpp"
#include "util/error.hpp"
#include "util/new_files.hpp"
#include "project/prechecks.hpp"
#include "workflow/tracker.hpp"

namespace zkbench::cli {

void add_config_option(CLI::App& sub, std::string& path) {
  sub.add_option("--config", path, "The project's zkbench.yaml")->capture_default_str();
}

project::Workspace open_workspace_or_fatal(const std::string& config_path) {
  auto ws = project::open_workspace(config_path);
  if (!ws) {
    throw Fatal(ws.error().message);
  }
  for (const std::string& warning : ws->project.inputs.warnings) {
    fmt::print(stderr, "warning: {}\n", warning);
  }
  // The thermal gate says what it waits for (the GPU's temperature, the cooldown) as a progress line.
  if (auto* monitor = dynamic_cast<gpu::GpuRunMonitor*>(ws->monitor.get())) {
    monitor->set_say([](const std::string& line) { fmt::print("  {}\n", line); });
  }
  if (ws->contention) { // the contention gate too (waiting for a quiet machine, rounds measured again)
    ws->contention->set_say([](const std::string& line) {
      fmt::print("  {}\n", line);
      std::fflush(stdout);
    });
  }
  refresh_tracker(*ws);
  return std::move(*ws);
}

void refresh_tracker(project::Workspace& ws, bool final_report) {
  if (auto written = workflow::regenerate_tracker(ws, final_report); !written) {
    fmt::print(stderr, "warning: tracker files not updated: {}\n", written.error().message);
  }
}

void close_stale_sessions(store::Store& store) {
  // Holding the machine lock proves that no other measuring zkbench runs on this host: a session of this
  // host still marked running belongs to a process that was killed. Its runs stay; its status says so.
  auto sessions = store.list_sessions(1000);
  if (!sessions) {
    return;
  }
  const std::string host = measure::host_name();
  for (const store::SessionRecord& session : *sessions) {
    if (session.status == store::SessionStatus::running && session.info.host == host) {
      (void)store.finish_session(session.id, store::SessionStatus::interrupted);
    }
  }
}

project::MachineLock lock_machine_or_fatal(const std::string& purpose) {
  return std::move(*lock_for_measuring(purpose));
}

ExitCode failure_exit_code() {
  return measure::interrupt_requested() ? ExitCode::interrupted : ExitCode::error;
}

void print_prechecks() {
  project::SnapshotOptions options;
  const auto snapshot = project::take_system_snapshot(options);
  for (const std::string& warning : project::evaluate_prechecks(snapshot, project::PrecheckLimits{})) {
    fmt::print(stderr, "warning: {}\n", warning);
  }
}

void detach_to(const std::filesystem::path& log, const std::string& what) {
  std::error_code ec;
  std::filesystem::create_directories(log.parent_path(), ec);
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t first = ::fork();
  if (first < 0) {
    throw Fatal("cannot fork to detach");
  }
  if (first > 0) {
    int status = 0;
    ::waitpid(first, &status, 0);
    fmt::print("{} runs in the background; follow it with `zkbench status` and `zkbench logs -f` (log: {})\n", what,
               log.string());
    std::fflush(stdout);
    std::_Exit(0);
  }
  ::setsid();
  const pid_t second = ::fork();
  if (second != 0) {
    std::_Exit(second < 0 ? 1 : 0);
  }
  const int fd = util::open_new_file(log, 0644); // never through a symlink planted in .zkbench/logs
  const int null = ::open("/dev/null", O_RDONLY);
  if (fd >= 0) {
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
  }
  if (null >= 0) {
    ::dup2(null, STDIN_FILENO);
    ::close(null);
  }
  // `zkbench logs` reads the newest log through this link.
  const std::filesystem::path latest = log.parent_path() / "latest.log";
  std::filesystem::remove(latest, ec);
  std::filesystem::create_symlink(log.filename(), latest, ec);
}

void print_line(const std::string& line) {
  fmt::print("{}\n", line);
  std::fflush(stdout);
}

void print_warning(const std::string& warning) {
  fmt::print(stderr, "warning: {}\n", warning);
  std::fflush(stderr);
}

void print_warnings(const std::vector<std::string>& warnings) {
  for (const std::string& warning : warnings) {
    print_warning(warning);
  }
}


} // namespace zkbench::cli
