#include "queue/worker.hpp"
#include "queue/job_payload.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/clock.hpp"
#include "util/new_files.hpp"
#include "project/machine_lock.hpp"

namespace zkbench::queue {

namespace {

constexpr std::size_t k_output_tail_bytes = 4096;

struct ChildOutcome {
  bool lease_lost = false;
  int wait_status = 0;
  double wall_s = 0;
};

Result<std::vector<std::string>> job_argv(const Job& job) {
  const auto payload = nlohmann::json::parse(job.spec.payload_json, nullptr, false);
  if (!payload.is_object() || !payload.contains("argv") || !payload["argv"].is_array()) {
    return make_error(fmt::format("job {}: payload has no \"argv\" array", job.id));
  }
  return with_context(argv_from_json(payload["argv"]), fmt::format("job {}: payload", job.id));
}

/// fork+exec `program argv...` with output to `log_path`, holding the machine lock's descriptor
/// `lock_fd` (see the header: the lock stays taken until the job's whole tree is gone). The child gets
/// SIGTERM when this process dies: a zkbench stops what it measures on SIGTERM (its cgroup or process
/// group, as on Ctrl-C) and exits, where SIGKILL would leave its measured command running.
Result<pid_t> spawn(const std::filesystem::path& program, const std::vector<std::string>& args,
                    const std::filesystem::path& log_path, const Job& job, int lock_fd) {
  std::vector<std::string> env_values = {fmt::format("ZKBENCH_JOB_ID={}", job.id),
                                         fmt::format("ZKBENCH_JOB_ATTEMPT={}", job.attempts),
                                         "ZKBENCH_MACHINE_CLASS=" + job.spec.machine_class,
                                         // The worker holds the machine for its child: a zkbench child
                                         // that locks the machine itself gets a lock of its own.
                                         "ZKBENCH_LOCK_FILE=" + log_path.string() + ".lock"};
  std::vector<char*> argv;
  std::string program_text = program.string();
  argv.push_back(program_text.data());
  std::vector<std::string> copies = args;
  for (auto& arg : copies) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  const int log_fd = util::open_new_file(log_path, 0644); // the artifacts may be in a shared folder: no symlinks
  if (log_fd < 0) {
    return make_error(fmt::format("cannot create job log '{}': {}", log_path.string(), std::strerror(errno)));
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    return make_error(fmt::format("cannot fork for job {}: {}", job.id, std::strerror(errno)));
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) {
      ::_exit(127); // the worker died between fork and prctl
    }
    ::setpgid(0, 0);
    if (lock_fd >= 0) {
      ::fcntl(lock_fd, F_SETFD, 0); // inherited across exec, by the job and what it starts
    }
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) {
      ::dup2(null_fd, STDIN_FILENO);
    }
    for (auto& value : env_values) {
      ::putenv(value.data());
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(log_fd);
  return pid;
}

/// Stops the job's child and reaps it: SIGTERM first, on which a zkbench stops its measured tree (its
/// cgroup or process group) and exits; SIGKILL to its group if it is still there after k_stop_grace.
void stop_child(pid_t pid, int& wait_status) {
  constexpr auto k_stop_grace = std::chrono::seconds(10); // the executor's own grace is 2 s
  ::kill(pid, SIGTERM);
  const auto until = std::chrono::steady_clock::now() + k_stop_grace;
  while (::waitpid(pid, &wait_status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= until) {
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &wait_status, 0);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

/// Waits for the child, heartbeating; stops it when the lease is lost or a heartbeat fails.
ChildOutcome supervise(JobQueue& queue, const Lease& lease, pid_t pid, const WorkerOptions& options,
                       const std::function<void(const std::string&)>& log) {
  using clock = std::chrono::steady_clock;
  const auto started = clock::now();
  auto next_heartbeat = started + std::chrono::microseconds(options.heartbeat_us);
  ChildOutcome outcome;
  // Short jobs end within milliseconds: poll quickly at first, then back off to 20 ms.
  auto pause = std::chrono::milliseconds(1);
  while (true) {
    const pid_t done = ::waitpid(pid, &outcome.wait_status, WNOHANG);
    if (done == pid) {
      break;
    }
    if (clock::now() >= next_heartbeat) {
      const auto kept = queue.heartbeat(lease, options.lease_us);
      if (!kept || !*kept) {
        log(fmt::format("job {}: lease lost ({}); stopping its command", lease.job_id,
                        kept ? "claimed again or finished" : kept.error().message));
        stop_child(pid, outcome.wait_status);
        outcome.lease_lost = true;
        break;
      }
      next_heartbeat = clock::now() + std::chrono::microseconds(options.heartbeat_us);
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(20));
  }
  outcome.wall_s = std::chrono::duration<double>(clock::now() - started).count();
  return outcome;
}

std::string tail_of(const std::filesystem::path& path) {
  std::string text;
  if (FILE* file = std::fopen(path.c_str(), "rb")) {
    std::fseek(file, 0, SEEK_END);
    const long size = std::ftell(file);
    const long start = size > static_cast<long>(k_output_tail_bytes) ? size - static_cast<long>(k_output_tail_bytes) : 0;
    std::fseek(file, start, SEEK_SET);
    text.resize(static_cast<std::size_t>(size - start));
    text.resize(std::fread(text.data(), 1, text.size(), file));
    std::fclose(file);
  }
  return text;
}

} // namespace

Result<WorkerSummary> run_worker(JobQueue& queue, const WorkerOptions& options,
                                 const std::function<bool()>& stop_requested,
                                 const std::function<void(const std::string&)>& log) {
  WorkerSummary summary;
  std::error_code ec;
  std::filesystem::create_directories(options.log_dir, ec);
  while (!stop_requested()) {
    project::LockOptions lock_options;
    lock_options.path = options.lock_path;
    ZKBENCH_TRY_ASSIGN(lock, project::MachineLock::acquire("jobs of class " + options.machine_class, lock_options));
    const auto claim_started = std::chrono::steady_clock::now();
    ZKBENCH_TRY_ASSIGN(claimed, options.job_id
                                    ? queue.claim_job(*options.job_id, options.name, options.lease_us)
                                    : queue.claim("command", options.machine_class, options.name, options.lease_us));
    const auto claim_us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                                 claim_started)
                              .count();
    if (!*claimed) {
      if (options.once || options.until_empty || options.job_id) {
        break;
      }
      // Let the machine go while idle: another zkbench may benchmark on it meanwhile.
      lock->release();
      std::this_thread::sleep_for(std::chrono::microseconds(options.poll_us));
      continue;
    }
    const Job& job = **claimed;
    const Lease lease{job.id, job.lease_token.value_or("")};
    log(fmt::format("job {}: claimed (attempt {}) by {}", job.id, job.attempts, options.name));
    nlohmann::json result = {{"worker", options.name}, {"attempt", job.attempts}, {"claim_us", claim_us}};
    for (const auto& [key, value] : options.result_fields) {
      result[key] = value;
    }
    JobStatus status = JobStatus::failed;
    const auto argv = job_argv(job);
    if (!argv) {
      result["error"] = argv.error().message;
    } else {
      const auto log_path = options.log_dir / fmt::format("job-{}-attempt-{}.log", job.id, job.attempts);
      const auto pid = spawn(options.program, *argv, log_path, job, lock->descriptor());
      if (!pid) {
        result["error"] = pid.error().message;
      } else {
        const ChildOutcome outcome = supervise(queue, lease, *pid, options, log);
        if (outcome.lease_lost) {
          ++summary.lost;
          continue;
        }
        result["wall_s"] = outcome.wall_s;
        result["log_path"] = log_path.string();
        result["output_tail"] = tail_of(log_path);
        if (WIFEXITED(outcome.wait_status)) {
          result["exit_code"] = WEXITSTATUS(outcome.wait_status);
          status = WEXITSTATUS(outcome.wait_status) == 0 ? JobStatus::done : JobStatus::failed;
        } else if (WIFSIGNALED(outcome.wait_status)) {
          result["signal"] = WTERMSIG(outcome.wait_status);
        }
        if ((WIFSIGNALED(outcome.wait_status) || stop_requested()) && options.ended_by) {
          if (const auto ended = options.ended_by(); ended && ended->empty()) {
            log(fmt::format("job {}: stopped by its scheduler; its end is recorded from the scheduler's state", job.id));
            ++summary.failed;
            break;
          } else if (ended) {
            result["ended"] = *ended;
            status = JobStatus::failed;
            log(fmt::format("job {}: ended by its scheduler: {}", job.id, *ended));
          }
        }
      }
    }
    ZKBENCH_TRY_ASSIGN(
        recorded,
        queue.finish(lease, status, result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
    if (!*recorded) {
      ++summary.lost;
      log(fmt::format("job {}: lease lost before the result was recorded; result discarded", job.id));
    } else {
      ++(status == JobStatus::done ? summary.done : summary.failed);
      log(fmt::format("job {}: {}", job.id, to_string(status)));
    }
    if (options.once || options.job_id) {
      break;
    }
  }
  return summary;
}

} // namespace zkbench::queue
