// `zkbench worker --class C`: run the queue's jobs for machine class C on this machine, one at a
// time under the machine lock, heartbeating, until stopped (Ctrl-C/SIGTERM: after the current job).
#include <algorithm>
#include <climits>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include "cli/app.hpp"
#include "cli/store_location.hpp"
#include "measure/interrupt.hpp"
#include "measure/run_loop.hpp"
#include "queue/worker.hpp"
#include "util/error.hpp"
#include "workflow/machine_lock.hpp"

namespace zkbench::cli {

namespace {

struct WorkerCliOptions {
  std::string store;
  queue::WorkerOptions worker;
  double lease_s = 60;
  double heartbeat_s = 0;
  double poll_s = 1;
  std::string lock_path;
  std::string program;
  std::string log_dir;
};

std::string default_name() {
  return fmt::format("{}:{}", measure::host_name(), ::getpid());
}

std::int64_t to_us(double seconds) {
  return static_cast<std::int64_t>(seconds * 1e6);
}

int work(WorkerCliOptions& options) {
  queue::WorkerOptions& worker = options.worker;
  if (worker.name.empty()) {
    worker.name = default_name();
  }
  worker.lease_us = to_us(options.lease_s);
  // Three heartbeats per lease by default, at most every 5 s: a slow store call does not lose it.
  worker.heartbeat_us = options.heartbeat_s > 0 ? to_us(options.heartbeat_s)
                                                : std::min(to_us(5), worker.lease_us / 3);
  if (worker.heartbeat_us >= worker.lease_us) {
    throw Fatal(fmt::format("--heartbeat {} s must be shorter than --lease {} s", options.heartbeat_s, options.lease_s));
  }
  worker.poll_us = to_us(options.poll_s);
  worker.lock_path = options.lock_path.empty() ? workflow::default_lock_path() : std::filesystem::path(options.lock_path);
  worker.program = options.program.empty() ? std::filesystem::read_symlink("/proc/self/exe")
                                           : std::filesystem::path(options.program);
  worker.log_dir = options.log_dir.empty() ? std::filesystem::temp_directory_path() / "zkbench-worker-logs"
                                           : std::filesystem::path(options.log_dir);
  auto queue = value_or_fatal(queue::open_queue(store_location(options.store)));
  measure::install_interrupt_handlers();
  fmt::print(stderr, "worker {} for class {} on '{}'\n", worker.name, worker.machine_class, queue->location());
  const auto summary = value_or_fatal(queue::run_worker(
      *queue, worker, [] { return measure::interrupt_requested(); },
      [](const std::string& line) { fmt::print(stderr, "{}\n", line); }));
  fmt::print("worker {}: {} done, {} failed, {} lost\n", worker.name, summary.done, summary.failed, summary.lost);
  return static_cast<int>(measure::interrupt_requested() ? ExitCode::interrupted : ExitCode::success);
}

} // namespace

CommandMain setup_worker(CLI::App& sub) {
  auto options = std::make_shared<WorkerCliOptions>();
  sub.add_option("--store", options->store, k_store_help);
  sub.add_option("--class", options->worker.machine_class, "This machine's class (h100, rtx3090, ...)")->required();
  sub.add_option("--name", options->worker.name, "The name recorded with claimed jobs (default host:pid)");
  sub.add_option("--lease", options->lease_s, "Seconds a claim lasts without a heartbeat (default 60)")
      ->check(CLI::PositiveNumber);
  sub.add_option("--heartbeat", options->heartbeat_s, "Seconds between heartbeats (default min(5, lease/3))")
      ->check(CLI::PositiveNumber);
  sub.add_option("--poll", options->poll_s, "Seconds between claims while the queue is empty (default 1)")
      ->check(CLI::PositiveNumber);
  sub.add_option("--lock-file", options->lock_path, "The machine lock (default $ZKBENCH_LOCK_FILE, else /tmp/zkbench-<uid>.lock)");
  sub.add_option("--program", options->program, "What runs a job's arguments (default: this zkbench)");
  sub.add_option("--log-dir", options->log_dir, "Where each job's output is kept (default $TMPDIR/zkbench-worker-logs)");
  sub.add_flag("--once", options->worker.once, "Run at most one job, then exit");
  sub.add_flag("--until-empty", options->worker.until_empty, "Exit when no job of the class is claimable");
  return [options] { return work(*options); };
}

} // namespace zkbench::cli
