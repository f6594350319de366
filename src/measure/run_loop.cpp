#include "measure/run_loop.hpp"
#include "util/clock.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>
#include <unistd.h>

#include "stats/descriptive.hpp"

namespace zkbench::measure {

std::size_t planned_run_count(const RunCount& count, double first_wall_s) {
  if (count.runs) {
    return *count.runs;
  }
  // hyperfine: as many runs as fit in the minimum benchmarking time, at least min_runs, at most max_runs.
  std::size_t in_min_time = count.min_runs;
  if (first_wall_s > 0 && std::isfinite(first_wall_s)) {
    const double fit = std::round(count.min_time_s / first_wall_s);
    in_min_time = fit >= 1e9 ? std::size_t{1000000000} : static_cast<std::size_t>(fit);
  }
  std::size_t n = std::max(in_min_time, count.min_runs);
  if (count.max_runs) {
    n = std::min(n, *count.max_runs);
  }
  return std::max<std::size_t>(n, 1);
}

std::string host_name() {
  char buffer[256] = {};
  if (::gethostname(buffer, sizeof(buffer) - 1) != 0) {
    return "unknown";
  }
  return buffer;
}

core::Run make_run(const ExecutionResult& result, std::size_t index, const std::string& log_path) {
  core::Run run;
  run.index = static_cast<int>(index);
  run.wall_s = result.wall_s;
  run.user_s = result.user_s;
  run.system_s = result.system_s;
  run.peak_rss_bytes = result.peak_rss_bytes;
  run.status = result.status;
  run.exit_code = result.exit_code;
  run.signal = result.signal;
  run.log_path = log_path;
  run.started_at_us = result.started_at_us;
  run.finished_at_us = result.finished_at_us;
  return run;
}

namespace {

std::string describe_ending(const ExecutionResult& result) {
  switch (result.status) {
  case core::RunStatus::success:
    return "succeeded";
  case core::RunStatus::failed:
    return fmt::format("terminated with non-zero exit code: {}", result.exit_code.value_or(-1));
  case core::RunStatus::signaled:
    return fmt::format("was killed by signal {}", result.signal.value_or(-1));
  case core::RunStatus::timed_out:
    return fmt::format("timed out after {:.3f} s", result.wall_s);
  }
  return "ended";
}

enum class Stop { no, interrupted, failed };

class Loop {
public:
  Loop(const RunPlan& plan, Executor& executor, store::Store* store, RunObserver& observer,
       const std::function<bool()>& stop_requested)
      : m_plan(plan), m_executor(executor), m_store(store), m_observer(observer), m_stop(stop_requested) {}

  Result<LoopOutcome> run() {
    if (m_store != nullptr) {
      const std::string cwd = std::filesystem::current_path().string();
      auto session = m_store->begin_session({"run", m_plan.argv, host_name(), cwd, util::unix_now_us(), m_plan.machine_class});
      if (!session) {
        return tl::unexpected(session.error());
      }
      m_outcome.session_id = *session;
    }
    for (std::size_t i = 0; i < m_plan.commands.size(); ++i) {
      auto stop = measure_command(i);
      if (!stop) {
        finish(store::SessionStatus::failed);
        return tl::unexpected(stop.error());
      }
      if (*stop == Stop::interrupted) {
        m_outcome.status = LoopStatus::interrupted;
        break;
      }
      if (*stop == Stop::failed) {
        m_outcome.status = LoopStatus::command_failed;
        break;
      }
    }
    const auto status = m_outcome.status == LoopStatus::complete      ? store::SessionStatus::complete
                        : m_outcome.status == LoopStatus::interrupted ? store::SessionStatus::interrupted
                                                                      : store::SessionStatus::failed;
    if (auto finished = finish(status); !finished) {
      return tl::unexpected(finished.error());
    }
    return std::move(m_outcome);
  }

private:
  Result<void> finish(store::SessionStatus status) {
    if (m_store == nullptr || !m_outcome.session_id) {
      return {};
    }
    return m_store->finish_session(*m_outcome.session_id, status);
  }

  bool stop_requested() const { return m_stop && m_stop(); }

  // A run that an interrupt cut short is not a measurement of the command.
  bool cut_short(const ExecutionResult& result) const { return result.interrupted || stop_requested(); }

  CommandSpec spec(const std::string& text) const {
    CommandSpec command;
    command.text = text;
    command.shell = m_plan.shell;
    return command;
  }

  // Runs a setup/prepare/conclude/cleanup command. Its failure ends zkbench (hyperfine's wording).
  Result<Stop> run_hook(const char* what, const std::optional<std::string>& hook) {
    if (!hook) {
      return Stop::no;
    }
    ExecutionOptions options;
    options.show_output = m_plan.show_output;
    options.capture_output = false;
    auto result = m_executor.execute(spec(*hook), options);
    if (!result) {
      return make_error(fmt::format("the {} command '{}' could not run: {}", what, *hook, result.error().message));
    }
    if (cut_short(*result)) {
      return Stop::interrupted;
    }
    if (result->status != core::RunStatus::success) {
      return make_error(fmt::format("the {} command '{}' {}. Append ' || true' to the command if you are sure "
                                    "that this can be ignored.",
                                    what, *hook, describe_ending(*result)));
    }
    return Stop::no;
  }

  Result<std::optional<std::filesystem::path>> log_path(std::int64_t benchmark_id, std::size_t run_index) {
    if (m_store == nullptr || !m_outcome.session_id) {
      return std::optional<std::filesystem::path>{};
    }
    if (!m_log_dir) { // once per session, not a mkdir walk per run
      auto dir = m_store->artifacts_dir() / "logs" / std::to_string(*m_outcome.session_id);
      std::error_code ec;
      std::filesystem::create_directories(dir, ec);
      if (ec) {
        return make_error(fmt::format("cannot create the log folder '{}': {}", dir.string(), ec.message()));
      }
      m_log_dir = std::move(dir);
    }
    return std::optional<std::filesystem::path>{*m_log_dir / fmt::format("{}-{}.log", benchmark_id, run_index + 1)};
  }

  std::string failure_message(const ExecutionResult& result, const core::Run& run) const {
    std::string message = fmt::format("Command {}. Use the '-i'/'--ignore-failure' option if you want to "
                                      "ignore this. Alternatively, use the '--show-output' option to debug "
                                      "what went wrong.",
                                      describe_ending(result));
    if (!run.log_path.empty()) {
      message += fmt::format(" Its output is in {}", run.log_path);
    }
    return message;
  }

  core::Run to_run(const ExecutionResult& result, std::size_t index, const std::string& log) {
    core::Run run = make_run(result, index, log);
    if (m_plan.read_metrics) {
      run.metrics = m_plan.read_metrics(result);
      for (const auto& [metric, value] : run.metrics) {
        if (!value) {
          m_observer.metric_missing(run, metric);
        }
      }
    }
    return run;
  }

  Result<Stop> warmups(const PlannedCommand& command) {
    for (std::size_t w = 0; w < m_plan.warmup; ++w) {
      if (stop_requested()) {
        return Stop::interrupted;
      }
      if (auto hook = run_hook("preparation", command.prepare); !hook || *hook != Stop::no) {
        return hook;
      }
      m_observer.warmup_started(w, m_plan.warmup);
      ExecutionOptions options;
      options.timeout_s = m_plan.timeout_s;
      options.show_output = m_plan.show_output;
      options.capture_output = false;
      auto result = m_executor.execute(spec(command.command), options);
      if (!result) {
        return tl::unexpected(result.error());
      }
      if (cut_short(*result)) {
        return Stop::interrupted;
      }
      if (result->status != core::RunStatus::success && m_plan.ignore_failure == IgnoreFailure::no) {
        m_outcome.message = "(warmup) " + failure_message(*result, core::Run{});
        return Stop::failed;
      }
      if (auto hook = run_hook("conclusion", command.conclude); !hook || *hook != Stop::no) {
        return hook;
      }
    }
    return Stop::no;
  }

  Result<Stop> measure_command(std::size_t command_index) {
    const PlannedCommand& command = m_plan.commands[command_index];
    core::Benchmark bench;
    bench.command = command.command;
    bench.name = command.name;
    bench.parameters = command.parameters;
    std::int64_t benchmark_id = static_cast<std::int64_t>(command_index) + 1;
    if (m_store != nullptr) {
      auto id = m_store->add_benchmark(*m_outcome.session_id, bench);
      if (!id) {
        return tl::unexpected(id.error());
      }
      benchmark_id = *id;
    }
    m_observer.benchmark_started(command_index, m_plan.commands.size(), bench);
    m_outcome.benchmarks.push_back(bench);
    auto stop = measure_runs(command, benchmark_id);
    m_observer.benchmark_finished(m_outcome.benchmarks.back());
    return stop;
  }

  Result<Stop> measure_runs(const PlannedCommand& command, std::int64_t benchmark_id) {
    if (auto hook = run_hook("setup", command.setup); !hook || *hook != Stop::no) {
      return hook;
    }
    if (auto warm = warmups(command); !warm || *warm != Stop::no) {
      return warm;
    }
    core::Benchmark& bench = m_outcome.benchmarks.back();
    std::optional<std::size_t> total = m_plan.count.runs;
    std::vector<double> sorted_walls; // kept sorted by insertion: the median so far in O(1) per run
    for (std::size_t i = 0; !total || i < *total; ++i) {
      if (stop_requested()) {
        return Stop::interrupted;
      }
      if (auto hook = run_hook("preparation", command.prepare); !hook || *hook != Stop::no) {
        return hook;
      }
      std::optional<double> expected;
      if (!sorted_walls.empty()) {
        expected = stats::quantile_of_sorted(sorted_walls, 0.5);
      }
      m_observer.run_started(i, total, expected);

      auto log = log_path(benchmark_id, i);
      if (!log) {
        return tl::unexpected(log.error());
      }
      ExecutionOptions options;
      options.timeout_s = m_plan.timeout_s;
      options.show_output = m_plan.show_output;
      options.log_path = *log;
      options.capture_output = static_cast<bool>(m_plan.read_metrics);
      if (m_plan.monitor != nullptr) {
        m_plan.monitor->before_run();
        if (stop_requested()) {
          return Stop::interrupted;
        }
      }
      auto result = m_executor.execute(spec(command.command), options);
      const std::optional<core::GpuRunStats> gpu =
          m_plan.monitor != nullptr ? m_plan.monitor->after_run() : std::nullopt;
      if (!result) {
        return tl::unexpected(result.error());
      }
      if (cut_short(*result)) {
        return Stop::interrupted;
      }
      // A run that wrote nothing has no log file: record no path rather than one that does not exist.
      core::Run run = to_run(*result, i, *log && result->log_created ? (*log)->string() : std::string());
      run.gpu = gpu;
      if (m_store != nullptr) {
        if (auto stored = m_store->add_run(benchmark_id, run); !stored) {
          return tl::unexpected(stored.error());
        }
      }
      sorted_walls.insert(std::upper_bound(sorted_walls.begin(), sorted_walls.end(), run.wall_s), run.wall_s);
      bench.runs.push_back(run);
      ++m_outcome.kept_runs;
      if (!total) {
        total = planned_run_count(m_plan.count, run.wall_s);
      }
      m_observer.run_finished(bench, run, *total);
      if (!run.succeeded() && m_plan.ignore_failure == IgnoreFailure::no) {
        m_outcome.message = failure_message(*result, run);
        return Stop::failed;
      }
      if (auto hook = run_hook("conclusion", command.conclude); !hook || *hook != Stop::no) {
        return hook;
      }
    }
    return run_hook("cleanup", command.cleanup);
  }

  const RunPlan& m_plan;
  Executor& m_executor;
  store::Store* m_store;
  RunObserver& m_observer;
  const std::function<bool()>& m_stop;
  LoopOutcome m_outcome;
  std::optional<std::filesystem::path> m_log_dir; // this session's log folder, once created
};

} // namespace

Result<LoopOutcome> run_benchmarks(const RunPlan& plan, Executor& executor, store::Store* store,
                                   RunObserver& observer, const std::function<bool()>& stop_requested) {
  Loop loop(plan, executor, store, observer, stop_requested);
  return loop.run();
}

} // namespace zkbench::measure
