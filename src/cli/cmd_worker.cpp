// `zkbench worker --class C`: run the queue's jobs for machine class C on this machine, one at a
// time under the machine lock, heartbeating, until stopped (Ctrl-C/SIGTERM: after the current job).
// `zkbench worker --job ID`: run that one job of the store (what a Slurm batch job runs, see
// queue/slurm_batch.hpp); exits 0 only when the job is done, so that Slurm's afterok means "done".
#include <algorithm>
#include <climits>
#include <cstdlib>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include "cli/app.hpp"
#include "cli/store_location.hpp"
#include "measure/interrupt.hpp"
#include "measure/run_loop.hpp"
#include "queue/slurm_client.hpp"
#include "queue/worker.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "project/lock_folder.hpp"
#include "project/machine_lock.hpp"

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
  std::int64_t job_id = 0;
};

/// $name, or "" when unset.
std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

/// In a Slurm job: its id and node in the result, and what Slurm says ended it when its command was
/// stopped (the time limit, scancel).
void describe_slurm_job(queue::WorkerOptions& worker) {
  const std::string slurm_id = env_or_empty("SLURM_JOB_ID");
  const auto id = util::parse_count(slurm_id);
  if (!id) {
    return;
  }
  const std::string node = env_or_empty("SLURMD_NODENAME");
  if (worker.name.empty()) {
    worker.name = fmt::format("slurm job {} on {}", slurm_id, node.empty() ? measure::host_name() : node);
  }
  worker.result_fields["slurm_job_id"] = slurm_id;
  worker.result_fields["node"] = node.empty() ? measure::host_name() : node;
  worker.ended_by = [slurm_job = static_cast<std::int64_t>(*id)]() -> std::optional<std::string> {
    const auto state = queue::slurm::job(slurm_job);
    if (!state || !*state) {
      return std::string(); // Slurm cannot be asked now: `zkbench queue` closes the job from its state later
    }
    const auto ending = queue::slurm::ending_when_stopped(**state);
    if (ending == queue::slurm::Ending::completed) {
      return std::nullopt;
    }
    if (ending == queue::slurm::Ending::open) {
      // Stopping, but not yet known how (scancel shows COMPLETING first) or still running (the child
      // died by itself, or someone interrupted the worker): a running job is recorded as usual.
      return (*state)->state == "RUNNING" ? std::nullopt : std::optional<std::string>(std::string());
    }
    return std::string(queue::slurm::to_string(ending));
  };
}

std::string default_name() {
  return fmt::format("{}:{}", measure::host_name(), ::getpid());
}

std::int64_t to_us(double seconds) {
  return static_cast<std::int64_t>(seconds * 1e6);
}

int work(WorkerCliOptions& options) {
  queue::WorkerOptions& worker = options.worker;
  if (options.job_id > 0) {
    worker.job_id = options.job_id;
    describe_slurm_job(worker);
  } else if (worker.machine_class.empty()) {
    throw Fatal("zkbench worker needs --class (the machine class whose jobs it runs) or --job ID", "",
                ExitCode::usage);
  }
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
  worker.lock_path = options.lock_path.empty() ? project::default_lock_path() : std::filesystem::path(options.lock_path);
  worker.program = options.program.empty() ? std::filesystem::read_symlink("/proc/self/exe")
                                           : std::filesystem::path(options.program);
  if (options.log_dir.empty()) {
    // In the user's own 0700 folder, not a name in /tmp that another user could make first.
    value_or_fatal(project::ensure_private_folder(project::lock_folder()));
    worker.log_dir = project::lock_folder() / "worker-logs";
  } else {
    worker.log_dir = options.log_dir;
  }
  auto queue = value_or_fatal(queue::open_queue(store_location(options.store)));
  measure::install_interrupt_handlers();
  if (worker.job_id) {
    fmt::print(stderr, "worker {} for job {} on '{}'\n", worker.name, *worker.job_id, queue->location());
  } else {
    fmt::print(stderr, "worker {} for class {} on '{}'\n", worker.name, worker.machine_class, queue->location());
  }
  const auto summary = value_or_fatal(queue::run_worker(
      *queue, worker, [] { return measure::interrupt_requested(); },
      [](const std::string& line) { fmt::print(stderr, "{}\n", line); }));
  fmt::print("worker {}: {} done, {} failed, {} lost\n", worker.name, summary.done, summary.failed, summary.lost);
  if (worker.job_id) {
    return static_cast<int>(summary.done == 1 ? ExitCode::success : ExitCode::error);
  }
  return static_cast<int>(measure::interrupt_requested() ? ExitCode::interrupted : ExitCode::success);
}

} // namespace

CommandMain setup_worker(CLI::App& sub) {
  auto options = std::make_shared<WorkerCliOptions>();
  sub.add_option("--store", options->store, k_store_help);
  sub.add_option("--class", options->worker.machine_class, "This machine's class (h100, rtx3090, ...)");
  sub.add_option("--job", options->job_id, "Run only this job of the store, then exit (a Slurm batch job's command)")
      ->check(CLI::PositiveNumber);
  sub.add_option("--name", options->worker.name, "The name recorded with claimed jobs (default host:pid)");
  sub.add_option("--lease", options->lease_s, "Seconds a claim lasts without a heartbeat (default 60)")
      ->check(CLI::PositiveNumber);
  sub.add_option("--heartbeat", options->heartbeat_s, "Seconds between heartbeats (default min(5, lease/3))")
      ->check(CLI::PositiveNumber);
  sub.add_option("--poll", options->poll_s, "Seconds between claims while the queue is empty (default 1)")
      ->check(CLI::PositiveNumber);
  sub.add_option("--lock-file", options->lock_path, "The machine lock (default $ZKBENCH_LOCK_FILE, else ${TMPDIR:-/tmp}/zkbench-<uid>/machine.lock)");
  sub.add_option("--program", options->program, "What runs a job's arguments (default: this zkbench)");
  sub.add_option("--log-dir", options->log_dir, "Where each job's output is kept (default ${TMPDIR:-/tmp}/zkbench-<uid>/worker-logs)");
  sub.add_flag("--once", options->worker.once, "Run at most one job, then exit");
  sub.add_flag("--until-empty", options->worker.until_empty, "Exit when no job of the class is claimable");
  return [options] { return work(*options); };
}

} // namespace zkbench::cli
