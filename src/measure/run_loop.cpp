#include "measure/run_loop.hpp"
#include "util/clock.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <set>
#include <system_error>

#include <fmt/format.h>
#include <unistd.h>

#include "stats/descriptive.hpp"
#include "util/new_files.hpp"
#include "util/strings.hpp"

namespace zkbench::measure {

std::size_t planned_run_count(const RunCount& count, double first_cycle_s) {
  if (count.runs) {
    return *count.runs;
  }
  // hyperfine: as many runs as fit in the minimum benchmarking time, at least min_runs, at most max_runs.
  std::size_t in_min_time = count.min_runs;
  if (first_cycle_s > 0 && std::isfinite(first_cycle_s)) {
    const double fit = std::round(count.min_time_s / first_cycle_s);
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
  run.cpu_wait_s = result.cpu_wait_s;
  run.status = result.status;
  run.exit_code = result.exit_code;
  run.signal = result.signal;
  run.log_path = log_path;
  run.started_at_us = result.started_at_us;
  run.finished_at_us = result.finished_at_us;
  run.containment = result.containment;
  return run;
}


std::string describe_ending(const ExecutionResult& result, EndingWords words) {
  if (words == EndingWords::brief) {
    if (result.status == core::RunStatus::timed_out) {
      return fmt::format("timed out after {:.1f} s", result.wall_s);
    }
    if (result.signal) {
      return fmt::format("killed by signal {}", *result.signal);
    }
    return fmt::format("exit {}", result.exit_code.value_or(-1));
  }
  switch (result.status) {
  case core::RunStatus::success:
    return "succeeded";
  case core::RunStatus::failed:
    return fmt::format("terminated with non-zero exit code {}", result.exit_code.value_or(-1));
  case core::RunStatus::signaled:
    return fmt::format("was killed by signal {}", result.signal.value_or(-1));
  case core::RunStatus::timed_out:
    return fmt::format("timed out after {:.3f} s", result.wall_s);
  }
  return "ended";
}

namespace {

// -i ignores every failure; --ignore-failure=CODES only those exit codes (hyperfine >= 1.19).
bool failure_ignored(const RunPlan& plan, const ExecutionResult& result) {
  if (result.status == core::RunStatus::success) {
    return true;
  }
  if (plan.ignore_failure == IgnoreFailure::no) {
    return false;
  }
  const auto& codes = plan.ignored_exit_codes;
  return codes.empty() || (result.status == core::RunStatus::failed && result.exit_code &&
                           std::find(codes.begin(), codes.end(), *result.exit_code) != codes.end());
}

} // namespace

const char* to_string(LoopStatus status) {
  switch (status) {
  case LoopStatus::complete:
    return "complete";
  case LoopStatus::decided:
    return "decided";
  case LoopStatus::command_failed:
    return "command_failed";
  case LoopStatus::timed_out:
    return "timed_out";
  case LoopStatus::verify_failed:
    return "verify_failed";
  case LoopStatus::interrupted:
    return "interrupted";
  case LoopStatus::contended:
    return "contended";
  }
  return "complete";
}

namespace {

// The verifier's output in a message: its last lines, joined.
constexpr std::size_t k_verifier_lines = 5;

enum class Stop { no, interrupted, failed, decided };

class Loop {
public:
  Loop(const RunPlan& plan, Executor& executor, store::RunSink* sink, RunObserver& observer,
       const std::function<bool()>& stop_requested)
      : m_plan(plan), m_executor(executor), m_sink(sink), m_observer(observer), m_stop(stop_requested) {}

  Result<LoopOutcome> run() {
    if (m_sink != nullptr) {
      const std::string cwd = std::filesystem::current_path().string();
      ZKBENCH_TRY_ASSIGN(session, m_sink->begin_session({m_plan.session_kind, m_plan.argv, host_name(), cwd,
                                                         util::unix_now_us(), m_plan.machine_class}));
      m_outcome.session_id = *session;
      m_observer.session_started(*session);
    }
    auto stop = m_plan.order == Order::interleaved ? measure_interleaved() : measure_sequential();
    if (!stop) {
      (void)finish(store::SessionStatus::failed);
      return tl::unexpected(stop.error());
    }
    switch (*stop) {
    case Stop::interrupted:
      m_outcome.status = LoopStatus::interrupted;
      break;
    case Stop::decided:
      m_outcome.status = LoopStatus::decided;
      break;
    case Stop::failed: // the status was set where the failure was seen
    case Stop::no:
      break;
    }
    // A gate that gave up (on_timeout: fail) stops the session as Ctrl-C does: its runs are kept.
    const auto status = m_outcome.status == LoopStatus::interrupted || m_outcome.status == LoopStatus::contended
                            ? store::SessionStatus::interrupted
                        : m_outcome.status == LoopStatus::complete || m_outcome.status == LoopStatus::decided
                            ? store::SessionStatus::complete
                            : store::SessionStatus::failed;
    ZKBENCH_TRY(finish(status));
    return std::move(m_outcome);
  }

private:
  Result<void> finish(store::SessionStatus status) {
    if (m_sink == nullptr || !m_outcome.session_id) {
      return {};
    }
    return m_sink->finish_session(*m_outcome.session_id, status);
  }

  bool stop_requested() const { return m_stop && m_stop(); }

  // A run that an interrupt cut short is not a measurement of the command.
  bool cut_short(const ExecutionResult& result) const { return result.interrupted || stop_requested(); }

  CommandSpec spec(const PlannedCommand& command, const std::string& text) const {
    CommandSpec spec;
    spec.text = text;
    spec.shell = m_plan.shell;
    spec.working_dir = command.working_dir;
    return spec;
  }

  std::optional<double> timeout(const PlannedCommand& command) const {
    return command.timeout_s ? command.timeout_s : m_plan.timeout_s;
  }

  // Adds every benchmark to the session (ids kept) with its previous runs, before any run.
  Result<void> add_benchmarks() {
    for (std::size_t i = 0; i < m_plan.commands.size(); ++i) {
      const PlannedCommand& command = m_plan.commands[i];
      core::Benchmark bench;
      bench.command = command.command;
      bench.name = command.name;
      bench.parameters = command.parameters;
      std::int64_t id = static_cast<std::int64_t>(i) + 1;
      if (m_sink != nullptr) {
        ZKBENCH_TRY_ASSIGN(added, m_sink->add_benchmark(*m_outcome.session_id, bench));
        id = *added;
      }
      bench.runs = command.previous_runs;
      m_ids.push_back(id);
      m_walls.emplace_back();
      for (const core::Run& run : bench.runs) {
        insert_wall(i, run.wall_s);
      }
      m_outcome.benchmarks.push_back(std::move(bench));
    }
    return {};
  }

  void insert_wall(std::size_t command, double wall) {
    auto& sorted = m_walls[command];
    sorted.insert(std::upper_bound(sorted.begin(), sorted.end(), wall), wall);
  }

  // Runs a setup/prepare/conclude/cleanup command. Its failure ends zkbench (hyperfine's wording).
  // `wall_s` (when given) receives the hook's wall time: prepare/conclude count in the run-count budget.
  Result<Stop> run_hook(const char* what, const PlannedCommand& command, const std::optional<std::string>& hook,
                        double* wall_s = nullptr) {
    if (!hook) {
      return Stop::no;
    }
    ExecutionOptions options;
    options.show_output = m_plan.show_output;
    options.capture_output = false;
    ZKBENCH_TRY_ASSIGN(result, with_context(m_executor.execute(spec(command, *hook), options),
                                            fmt::format("The {} command '{}' could not run", what, *hook)));
    if (cut_short(*result)) {
      return Stop::interrupted;
    }
    if (wall_s != nullptr) {
      *wall_s = result->wall_s;
    }
    if (result->status == core::RunStatus::failed) { // hyperfine's sentence first, then which command
      return make_error(fmt::format("The {0} command terminated with a non-zero exit code: the {0} command '{1}' "
                                    "exited with code {2}. Append ' || true' to the command if you are sure that this "
                                    "can be ignored.",
                                    what, *hook, result->exit_code.value_or(-1)));
    }
    if (result->status != core::RunStatus::success) {
      return make_error(fmt::format("The {} command '{}' {}. Append ' || true' to the command if you are sure "
                                    "that this can be ignored.",
                                    what, *hook, describe_ending(*result)));
    }
    return Stop::no;
  }

  Result<std::optional<std::filesystem::path>> log_path(std::int64_t benchmark_id, std::size_t run_index) {
    if (m_sink == nullptr || !m_outcome.session_id) {
      return std::optional<std::filesystem::path>{};
    }
    if (!m_log_dir) { // once per session, not a mkdir walk per run
      // The artifacts may sit in a shared folder (a store in /tmp): never a folder reached by a symlink.
      ZKBENCH_TRY_ASSIGN(dir, util::create_directories_below(m_sink->artifacts_dir(),
                                                       std::filesystem::path("logs") / std::to_string(*m_outcome.session_id)));
      m_log_dir = std::move(*dir);
    }
    return std::optional<std::filesystem::path>{*m_log_dir / fmt::format("{}-{}.log", benchmark_id, run_index + 1)};
  }

  std::string failure_message(const ExecutionResult& result, const std::string& log) const {
    std::string message = fmt::format("Command {}. Use the '-i'/'--ignore-failure' option if you want to "
                                      "ignore this. Alternatively, use the '--show-output' option to debug "
                                      "what went wrong.",
                                      describe_ending(result));
    if (!log.empty()) {
      message += fmt::format(" Its output is in {}", log);
    }
    return message;
  }

  // Ends the loop on a failed run (or warmup): the status says how it ended.
  Stop fail(std::size_t command, const ExecutionResult& result, std::optional<std::size_t> run, const std::string& log) {
    m_outcome.status =
        result.status == core::RunStatus::timed_out ? LoopStatus::timed_out : LoopStatus::command_failed;
    m_outcome.failure = LoopFailure{command, !run.has_value(), run, result, {}};
    m_outcome.message = (run ? "" : "(warmup) ") + failure_message(result, log);
    return Stop::failed;
  }

  core::Run to_run(const PlannedCommand& command, const ExecutionResult& result, std::size_t index,
                   const std::string& log) {
    core::Run run = make_run(result, index, log);
    const MetricReader& reader = command.read_metrics ? command.read_metrics : m_plan.read_metrics;
    if (reader) {
      run.metrics = reader(result);
      for (const auto& [metric, value] : run.metrics) {
        if (!value) {
          m_observer.metric_missing(run, metric);
        }
      }
    }
    return run;
  }

  bool captures(const PlannedCommand& command) const {
    return static_cast<bool>(command.read_metrics ? command.read_metrics : m_plan.read_metrics);
  }

  Result<Stop> warmup_once(std::size_t index, std::size_t w) {
    const PlannedCommand& command = m_plan.commands[index];
    if (stop_requested()) {
      return Stop::interrupted;
    }
    if (auto hook = run_hook("preparation", command, command.prepare); !hook || *hook != Stop::no) {
      return hook;
    }
    m_observer.warmup_started(w, m_plan.warmup);
    ExecutionOptions options;
    options.timeout_s = timeout(command);
    options.show_output = m_plan.show_output;
    options.capture_output = false;
    ZKBENCH_TRY_ASSIGN(result, m_executor.execute(spec(command, command.command), options));
    if (cut_short(*result)) {
      return Stop::interrupted;
    }
    if (!failure_ignored(m_plan, *result)) {
      return fail(index, *result, std::nullopt, "");
    }
    return run_hook("conclusion", command, command.conclude);
  }

  // Runs the verifier after measured run `run` of command `index`; a failure ends the loop.
  Result<Stop> verify(std::size_t index, std::size_t run) {
    const PlannedCommand& command = m_plan.commands[index];
    if (!command.verify || (command.verify_when == VerifyWhen::first_run && run != 0)) {
      return Stop::no;
    }
    ExecutionOptions options;
    options.timeout_s = timeout(command);
    options.capture_output = true;
    ZKBENCH_TRY_ASSIGN(result,
                       with_context(m_executor.execute(spec(command, *command.verify), options),
                                    fmt::format("the verify command '{}' could not run", *command.verify)));
    if (cut_short(*result)) {
      return Stop::interrupted;
    }
    if (result->status == core::RunStatus::success) {
      return Stop::no;
    }
    std::vector<std::string> lines = util::split(std::string(util::trim(result->output)), '\n');
    if (lines.size() > k_verifier_lines) {
      lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(k_verifier_lines));
    }
    m_outcome.status = LoopStatus::verify_failed;
    m_outcome.failure = LoopFailure{index, false, run, *result, util::join(lines, " | ")};
    m_outcome.message = fmt::format("the verify command '{}' {} after run {}", *command.verify,
                                    describe_ending(*result), run + 1);
    return Stop::failed;
  }

  // One measured run of command `index`, stored as it ends. `total` is the planned count (nullopt:
  // set from this first run).
  Result<Stop> measure_once(std::size_t index, std::optional<std::size_t>& total) {
    const PlannedCommand& command = m_plan.commands[index];
    core::Benchmark& bench = m_outcome.benchmarks[index];
    const std::size_t i = bench.runs.size();
    if (stop_requested()) {
      return Stop::interrupted;
    }
    double prepare_s = 0;
    double conclude_s = 0;
    if (auto hook = run_hook("preparation", command, command.prepare, &prepare_s); !hook || *hook != Stop::no) {
      return hook;
    }
    std::optional<double> expected;
    if (!m_walls[index].empty()) {
      expected = stats::quantile_of_sorted(m_walls[index], 0.5);
    }
    m_observer.run_started(i, total, expected);
    ZKBENCH_TRY_ASSIGN(log, log_path(m_ids[index], i));
    ExecutionOptions options;
    options.timeout_s = timeout(command);
    options.show_output = m_plan.show_output;
    options.log_path = *log;
    options.capture_output = captures(command);
    if (m_plan.monitor != nullptr) {
      m_plan.monitor->before_run(m_stop);
      if (stop_requested()) {
        return Stop::interrupted;
      }
    }
    if (m_plan.contention != nullptr) {
      m_plan.contention->run_started();
    }
    auto result = m_executor.execute(spec(command, command.command), options);
    std::optional<core::RunContention> contention;
    if (m_plan.contention != nullptr) {
      contention = m_plan.contention->run_finished();
    }
    const std::optional<core::GpuRunStats> gpu = m_plan.monitor != nullptr ? m_plan.monitor->after_run() : std::nullopt;
    if (!result) {
      return tl::unexpected(result.error());
    }
    if (cut_short(*result)) {
      return Stop::interrupted;
    }
    // A run that wrote nothing has no log file: record no path rather than one that does not exist.
    core::Run run = to_run(command, *result, i, *log && result->log_created ? (*log)->string() : std::string());
    run.gpu = gpu;
    run.contention = std::move(contention);
    // Measured inside the gate's first window, not judged yet: held as contended (stored so, shown to no
    // stop rule, redone by no round check) until the window is judged (resolve_held).
    std::optional<core::RunContention> own;
    if (run.contention && m_plan.contention != nullptr && m_plan.contention->first_window_open()) {
      own = run.contention;
      run.contention->contended = true;
      run.contention->top = k_unjudged_first_window;
    }
    std::int64_t run_id = 0;
    if (m_sink != nullptr) {
      ZKBENCH_TRY_ASSIGN(added, m_sink->add_run(m_ids[index], run));
      run_id = *added;
    }
    if (own) {
      m_held.push_back(HeldRun{index, bench.runs.size(), run_id, std::move(*own)});
    }
    insert_wall(index, run.wall_s);
    bench.runs.push_back(run);
    ++m_outcome.kept_runs;
    const bool ignored = failure_ignored(m_plan, *result);
    Result<Stop> after = Stop::no;
    if (ignored && run.succeeded()) {
      after = verify(index, i);
    }
    // The conclusion runs before the count is planned, so its time counts in the budget (hyperfine).
    if (ignored && after && *after == Stop::no) {
      after = run_hook("conclusion", command, command.conclude, &conclude_s);
    }
    if (!total) {
      total = planned_run_count(m_plan.count, prepare_s + run.wall_s + conclude_s);
    }
    m_observer.run_finished(bench, run, *total);
    if (!ignored) {
      return fail(index, *result, i, run.log_path);
    }
    return after;
  }

  // The stop rule judges uncontended runs only: a disturbed run never decides.
  bool rule_says_stop() const {
    return m_plan.stop_rule && m_plan.stop_rule(stop_rule_view(m_outcome.benchmarks, m_plan.order));
  }

  // The rounds held by the gate's first window, once it is judged (its verdict taken from the gate):
  // loaded, every one of them is measured again, without counting against max_redone_rounds (the gate
  // would have waited before them); quiet, each run gets its own figures back and a round they mark is
  // redone as any contended round. The store gets the same figures, in one transaction. Returns the
  // rounds to measure again (also added to the outcome's redone_rounds).
  Result<std::size_t> resolve_held() {
    ContentionGate* gate = m_plan.contention;
    if (gate == nullptr) {
      return std::size_t{0};
    }
    const std::optional<LoadWindow> verdict = gate->take_first_window_verdict();
    if (!verdict || m_held.empty()) {
      return std::size_t{0};
    }
    std::vector<std::pair<std::int64_t, core::RunContention>> judged;
    std::set<std::size_t> rounds;   // run indexes: one round each (interleaved: across commands)
    std::set<std::size_t> commands; // sequential: the command whose runs they are
    for (HeldRun& held : m_held) {
      core::RunContention& contention = *m_outcome.benchmarks[held.command].runs[held.run].contention;
      if (verdict->loaded()) {
        contention.top = verdict->describe();
      } else {
        contention = std::move(held.own);
      }
      rounds.insert(held.run);
      commands.insert(held.command);
      judged.emplace_back(held.run_id, contention);
    }
    m_held.clear();
    // A held round may also hold runs measured after the window was judged (a long first run judges
    // it): their own figures count too.
    std::set<std::size_t> contended_rounds;
    std::string why;
    for (std::size_t c = 0; c < m_outcome.benchmarks.size(); ++c) {
      if (m_plan.order != Order::interleaved && commands.count(c) == 0) {
        continue;
      }
      const std::vector<core::Run>& runs = m_outcome.benchmarks[c].runs;
      for (const std::size_t r : rounds) {
        if (r < runs.size() && runs[r].contended()) {
          contended_rounds.insert(r);
          if (why.empty()) {
            why = describe_load(*runs[r].contention);
          }
        }
      }
    }
    if (m_sink != nullptr) {
      ZKBENCH_TRY(m_sink->update_contention(judged));
    }
    if (verdict->loaded()) {
      m_outcome.redone_rounds += rounds.size();
      m_free_redone_rounds += rounds.size();
      gate->say(fmt::format("contended before the first window was judged ({:.2f} foreign cores: {}): measuring "
                            "its {} round{} again",
                            verdict->foreign_cores(), verdict->describe(), rounds.size(), rounds.size() == 1 ? "" : "s"));
      return rounds.size();
    }
    std::size_t again = 0;
    for (std::size_t i = 0; i < contended_rounds.size(); ++i) {
      again += redo_allowed(why) ? 1 : 0;
    }
    return again;
  }

  // Judges the gate's first window now (sleeping what it lacks) when runs are held by it: before a
  // command's runs end, no run stays unjudged. Returns the rounds to measure again (resolve_held).
  Result<std::size_t> close_held_window() {
    if (m_plan.contention == nullptr || m_held.empty()) {
      return std::size_t{0};
    }
    m_plan.contention->close_first_window(m_stop);
    return resolve_held();
  }

  // Before a round (sequential: a run): the contention gate waits for a quiet machine. `again` gets the
  // rounds to measure again when the gate's first window was judged (resolve_held).
  Result<Stop> wait_for_quiet(std::size_t& again) {
    ContentionGate* gate = m_plan.contention;
    if (gate == nullptr) {
      return Stop::no;
    }
    const GateOutcome waited =
        gate->wait_until_quiet(m_stop, [this](const std::string& line) { m_observer.contention_waiting(line); });
    ZKBENCH_TRY_ASSIGN(resolved, resolve_held());
    again += *resolved;
    if (waited.stopped || stop_requested()) {
      return Stop::interrupted;
    }
    if (waited.gave_up) {
      if (gate->policy().on_timeout == OnContentionTimeout::fail) {
        m_outcome.status = LoopStatus::contended;
        m_outcome.message = waited.note + " (contention on_timeout: fail); the runs measured so far are kept";
        return Stop::failed;
      }
      gate->say(waited.note + "; measuring anyway (runs that see the load are marked contended)");
    }
    return Stop::no;
  }

  // After a round whose runs are `first..` of each benchmark: true when one was contended and the
  // budget allows measuring the round again (it then does not count towards the run count). A round
  // held by the gate's first window is decided when the window is judged (resolve_held).
  bool redo_round(std::size_t first) {
    ContentionGate* gate = m_plan.contention;
    if (gate == nullptr || !m_held.empty()) {
      return false;
    }
    std::string why;
    for (const core::Benchmark& bench : m_outcome.benchmarks) {
      for (std::size_t i = first; i < bench.runs.size(); ++i) {
        if (bench.runs[i].contended() && why.empty()) {
          why = describe_load(*bench.runs[i].contention);
        }
      }
    }
    return !why.empty() && redo_allowed(why);
  }

  // A contended run's load, as the lines about measuring its round again name it.
  static std::string describe_load(const core::RunContention& c) {
    return fmt::format("{:.2f} foreign cores{}{}", c.foreign_cores, c.top.empty() ? "" : ": ", c.top);
  }

  // A contended round (`why`: its load) is measured again while max_redone_rounds allows.
  bool redo_allowed(const std::string& why) {
    ContentionGate& gate = *m_plan.contention;
    const std::size_t counted = m_outcome.redone_rounds - m_free_redone_rounds;
    if (counted >= gate.policy().max_redone_rounds) {
      gate.say(fmt::format("contended ({}); no round left to measure again (max {})", why,
                           gate.policy().max_redone_rounds));
      return false;
    }
    ++m_outcome.redone_rounds;
    gate.say(fmt::format("contended ({}): measuring the round again ({} of at most {})", why, counted + 1,
                         gate.policy().max_redone_rounds));
    return true;
  }

  Result<Stop> measure_sequential() {
    ZKBENCH_TRY(add_benchmarks());
    for (std::size_t index = 0; index < m_plan.commands.size(); ++index) {
      const PlannedCommand& command = m_plan.commands[index];
      m_observer.benchmark_started(index, m_plan.commands.size(), m_outcome.benchmarks[index]);
      auto stop = [&]() -> Result<Stop> {
        if (auto hook = run_hook("setup", command, command.setup); !hook || *hook != Stop::no) {
          return hook;
        }
        for (std::size_t w = 0; w < m_plan.warmup; ++w) {
          if (auto warm = warmup_once(index, w); !warm || *warm != Stop::no) {
            return warm;
          }
        }
        std::optional<std::size_t> total = m_plan.count.runs;
        if (!total && !m_outcome.benchmarks[index].runs.empty()) { // resumed: the first run sets the count
          total = planned_run_count(m_plan.count, m_outcome.benchmarks[index].runs.front().wall_s);
        }
        bool decided = false;
        std::size_t redone = 0;
        for (;;) {
          if (decided || (total && m_outcome.benchmarks[index].runs.size() >= *total + redone)) {
            // The runs the gate's first window holds are judged before the command ends.
            ZKBENCH_TRY_ASSIGN(again, close_held_window());
            if (decided || *again == 0) {
              break;
            }
            redone += *again;
            continue;
          }
          ZKBENCH_TRY_ASSIGN(quiet, wait_for_quiet(redone));
          if (*quiet != Stop::no) {
            return quiet;
          }
          const std::size_t first = m_outcome.benchmarks[index].runs.size();
          if (auto ran = measure_once(index, total); !ran || *ran != Stop::no) {
            return ran;
          }
          if (redo_round(first)) {
            ++redone;
          }
          decided = rule_says_stop();
        }
        auto cleaned = run_hook("cleanup", command, command.cleanup);
        return cleaned && *cleaned == Stop::no && decided ? Result<Stop>(Stop::decided) : cleaned;
      }();
      m_observer.benchmark_finished(m_outcome.benchmarks[index]);
      if (!stop || *stop != Stop::no) {
        return stop;
      }
    }
    return Stop::no;
  }

  // The commands of round `round` in order: forwards on even rounds, backwards on odd ones (A B, B A).
  std::vector<std::size_t> round_order(std::size_t round) const {
    std::vector<std::size_t> order(m_plan.commands.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
      order[i] = round % 2 == 0 ? i : order.size() - 1 - i;
    }
    return order;
  }

  Result<Stop> measure_interleaved() {
    ZKBENCH_TRY(add_benchmarks());
    const std::size_t n = m_plan.commands.size();
    for (std::size_t index = 0; index < n; ++index) {
      m_observer.benchmark_started(index, n, m_outcome.benchmarks[index]);
    }
    auto stop = [&]() -> Result<Stop> {
      for (std::size_t index = 0; index < n; ++index) {
        if (auto hook = run_hook("setup", m_plan.commands[index], m_plan.commands[index].setup);
            !hook || *hook != Stop::no) {
          return hook;
        }
      }
      for (std::size_t w = 0; w < m_plan.warmup; ++w) {
        for (const std::size_t index : round_order(w)) {
          if (auto warm = warmup_once(index, w); !warm || *warm != Stop::no) {
            return warm;
          }
        }
      }
      std::optional<std::size_t> total = m_plan.count.runs;
      bool decided = false;
      const auto count_of = [&](std::size_t index) { return m_outcome.benchmarks[index].runs.size(); };
      for (;;) {
        std::size_t fewest = count_of(0);
        std::size_t most = count_of(0);
        for (std::size_t index = 1; index < n; ++index) {
          fewest = std::min(fewest, count_of(index));
          most = std::max(most, count_of(index));
        }
        if (fewest == most) { // a round is complete: the evidence is balanced
          if (fewest > 0 && rule_says_stop()) {
            decided = true;
            break;
          }
          if (total && fewest >= *total + m_outcome.redone_rounds) {
            // The rounds the gate's first window holds are judged before the loop ends.
            ZKBENCH_TRY_ASSIGN(again, close_held_window());
            if (*again == 0) {
              break;
            }
            continue;
          }
        }
        std::size_t again = 0; // counted in m_outcome.redone_rounds already
        ZKBENCH_TRY_ASSIGN(quiet, wait_for_quiet(again));
        if (*quiet != Stop::no) {
          return quiet;
        }
        // A resumed round catches up the commands behind; a new round runs every command once.
        // Measured rounds go on alternating where the warmups left off (A B | B A | A B ...).
        for (const std::size_t index : round_order(fewest + m_plan.warmup)) {
          if (fewest != most && count_of(index) == most) {
            continue;
          }
          std::optional<std::size_t> planned = total;
          if (auto ran = measure_once(index, planned); !ran || *ran != Stop::no) {
            return ran;
          }
          if (!total && planned) {
            total = planned;
          } else if (total && planned && !m_plan.count.runs) {
            total = std::max(*total, *planned);
          }
        }
        (void)redo_round(fewest);
      }
      if (decided) { // the held rounds did not decide; their runs are still judged for the store
        ZKBENCH_TRY(close_held_window());
      }
      for (std::size_t index = 0; index < n; ++index) {
        if (auto hook = run_hook("cleanup", m_plan.commands[index], m_plan.commands[index].cleanup);
            !hook || *hook != Stop::no) {
          return hook;
        }
      }
      return decided ? Stop::decided : Stop::no;
    }();
    for (std::size_t index = 0; index < n; ++index) {
      m_observer.benchmark_finished(m_outcome.benchmarks[index]);
    }
    return stop;
  }

  const RunPlan& m_plan;
  Executor& m_executor;
  store::RunSink* m_sink;
  RunObserver& m_observer;
  const std::function<bool()>& m_stop;
  LoopOutcome m_outcome;
  std::vector<std::int64_t> m_ids;               // the benchmarks' ids in the store (1-based indexes without one)
  std::vector<std::vector<double>> m_walls;      // per command, sorted: the median so far in O(1) per run
  std::optional<std::filesystem::path> m_log_dir; // this session's log folder, once created
  // A run held by the gate's first window: where it is, its id in the store, and its own figures.
  struct HeldRun {
    std::size_t command = 0;
    std::size_t run = 0;
    std::int64_t run_id = 0;
    core::RunContention own;
  };
  std::vector<HeldRun> m_held;
  std::size_t m_free_redone_rounds = 0; // rounds of a loaded first window: redone beyond max_redone_rounds
};

} // namespace

std::vector<core::Benchmark> stop_rule_view(const std::vector<core::Benchmark>& benchmarks, Order order) {
  if (order == Order::interleaved) { // rounds stay paired
    return core::without_contended_rounds(benchmarks);
  }
  std::vector<core::Benchmark> clean;
  clean.reserve(benchmarks.size());
  for (const core::Benchmark& bench : benchmarks) {
    clean.push_back(bench.uncontended());
  }
  return clean;
}

Result<LoopOutcome> run_benchmarks(const RunPlan& plan, Executor& executor, store::RunSink* sink,
                                   RunObserver& observer, const std::function<bool()>& stop_requested) {
  if (plan.commands.empty()) {
    return make_error("nothing to measure: the plan has no command");
  }
  Loop loop(plan, executor, sink, observer, stop_requested);
  return loop.run();
}

MetricReader make_metric_reader(std::vector<MetricSpec> specs, std::vector<MetricFileSpec> files, OutputFigures figures) {
  if (specs.empty() && files.empty() && !figures) {
    return {};
  }
  return [specs = std::move(specs), files = std::move(files), figures = std::move(figures)](const ExecutionResult& result) {
    std::map<std::string, std::optional<double>> metrics = collect_metrics(specs, files, result.output);
    if (figures) {
      for (const auto& [name, value] : figures(result.output)) {
        metrics.emplace(name, value); // a regex or file metric of the same name wins
      }
    }
    return metrics;
  };
}

} // namespace zkbench::measure
