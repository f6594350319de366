#include "workflow/measure_inputs.hpp"

#include <unistd.h>

#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "measure/interrupt.hpp"
#include "measure/metrics.hpp"
#include "measure/process_executor.hpp"
#include "measure/run_loop.hpp"
#include "stats/descriptive.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"
#include "workflow/command_template.hpp"

namespace zkbench::workflow {

namespace {

// chdir for the run loop (it runs commands in the current folder), restored on scope exit.
class ScopedCwd {
public:
  explicit ScopedCwd(const std::filesystem::path& dir) : m_previous(std::filesystem::current_path()) {
    std::filesystem::current_path(dir);
  }
  ~ScopedCwd() {
    std::error_code ec;
    std::filesystem::current_path(m_previous, ec);
  }
  ScopedCwd(const ScopedCwd&) = delete;
  ScopedCwd& operator=(const ScopedCwd&) = delete;

private:
  std::filesystem::path m_previous;
};

// Links the loop's session to the owner as soon as it exists (before the first run is stored), so a
// zkbench killed mid-input still finds those runs; reports progress to the status file.
class LinkingObserver : public measure::RunObserver {
public:
  LinkingObserver(store::Store& store, const MeasureOptions& options, std::string input, std::string argv,
                  std::size_t resumed)
      : m_store(store), m_options(options), m_input(std::move(input)), m_argv(std::move(argv)), m_resumed(resumed) {}

  void benchmark_started(std::size_t, std::size_t, const core::Benchmark&) override {
    auto sessions = m_store.list_sessions(20);
    if (!sessions) {
      m_error = sessions.error().message;
      return;
    }
    for (const store::SessionRecord& session : *sessions) {
      if (session.info.argv == m_argv) {
        if (auto linked = m_store.link_session({m_options.owner, m_options.owner_id, m_input, session.id}); !linked) {
          m_error = linked.error().message;
        }
        return;
      }
    }
    m_error = "cannot find the measuring session in the store";
  }

  void warmup_started(std::size_t, std::size_t) override { update(0, std::nullopt); }

  void run_started(std::size_t index, std::optional<std::size_t>, std::optional<double> expected_s) override {
    m_expected = expected_s;
    update(static_cast<int>(m_resumed + index + 1), expected_s);
  }

  void run_finished(const core::Benchmark& bench, const core::Run&, std::size_t) override {
    if (m_options.enough) {
      core::Benchmark all = m_previous;
      all.runs.insert(all.runs.end(), bench.runs.begin(), bench.runs.end());
      m_enough = m_options.enough(all);
    }
  }

  bool enough() const { return m_enough; }
  const std::string& error() const { return m_error; }
  core::Benchmark m_previous; // resumed runs, for the `enough` callback

private:
  void update(int run, std::optional<double> expected_s) {
    if (m_options.status == nullptr) {
      return;
    }
    StatusInfo& info = m_options.status->info();
    info.phase = run == 0 ? "warmup" : "measure";
    info.input = m_input;
    info.run = run;
    info.runs = m_options.runs;
    if (expected_s && run > 0) {
      info.eta_s = *expected_s * (m_options.runs - run + 1) + m_options.cooldown_s * (m_options.runs - run);
    }
    m_options.status->write();
  }

  store::Store& m_store;
  const MeasureOptions& m_options;
  std::string m_input;
  std::string m_argv;
  std::size_t m_resumed;
  std::optional<double> m_expected;
  bool m_enough = false;
  std::string m_error;
};

measure::MetricReader metric_reader(const ProjectConfig& config, const Placeholders& values) {
  std::vector<measure::MetricSpec> specs;
  std::vector<measure::MetricFileSpec> files;
  for (const auto& [name, regex] : config.benchmark.metrics) {
    if (auto spec = measure::parse_metric_spec(name + "=" + regex)) {
      specs.push_back(std::move(*spec));
    }
  }
  for (const auto& [name, path] : config.benchmark.metric_files) {
    // File templates hold placeholders but are paths, not shell words: substitute without quoting.
    std::string expanded = path;
    for (const auto& [key, value] : values) {
      for (std::size_t at = expanded.find("{" + key + "}"); at != std::string::npos;
           at = expanded.find("{" + key + "}", at + value.size())) {
        expanded.replace(at, key.size() + 2, value);
      }
    }
    files.push_back({name, expanded});
  }
  if (specs.empty() && files.empty()) {
    return {};
  }
  return [specs, files](const measure::ExecutionResult& result) {
    return measure::collect_metrics(specs, files, result.output);
  };
}

// The placeholders of `input`, its scratch folder ({out}) created.
Placeholders input_placeholders(const ProjectConfig& config, const InputSpec& input) {
  const std::filesystem::path out = scratch_dir(config, input);
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  return placeholders_for(config, input, out);
}

} // namespace

std::string tail_lines(const std::string& text, std::size_t lines) {
  std::vector<std::string> all = util::split(util::trim(text), '\n');
  if (all.size() > lines) {
    all.erase(all.begin(), all.end() - static_cast<std::ptrdiff_t>(lines));
  }
  return util::join(all, " | ");
}

std::string describe_end(const measure::ExecutionResult& result) {
  if (result.status == core::RunStatus::timed_out) {
    return fmt::format("timed out after {:.1f} s", result.wall_s);
  }
  if (result.signal) {
    return fmt::format("killed by signal {}", *result.signal);
  }
  return fmt::format("exit {}", result.exit_code.value_or(-1));
}

Result<std::string> read_written_file(const std::string& path_template, const Placeholders& values,
                                      const std::filesystem::path& work_dir, const std::string& what) {
  auto path_text = expand(path_template, values);
  if (!path_text) {
    return tl::unexpected(path_text.error());
  }
  // expand() quotes for the shell; a path is one word, so undo the quoting of plain values only.
  std::string path = *path_text;
  if (path.size() >= 2 && path.front() == '\'' && path.back() == '\'') {
    path = path.substr(1, path.size() - 2);
  }
  std::filesystem::path file(path);
  if (file.is_relative()) {
    file = work_dir / file;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return make_error(fmt::format("{} '{}' was not written", what, file.string()));
  }
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::filesystem::path scratch_dir(const ProjectConfig& config, const InputSpec& input) {
  return config.root / ".zkbench" / "out" / input.name;
}

Result<void> build_checkout(const ProjectConfig& config, const std::filesystem::path& work_dir,
                            const std::filesystem::path& log) {
  if (config.benchmark.build.empty()) {
    return {};
  }
  std::error_code ec;
  std::filesystem::create_directories(log.parent_path(), ec);
  measure::ProcessExecutor executor;
  measure::CommandSpec spec;
  spec.text = config.benchmark.build;
  spec.shell = measure::ShellMode::shell;
  spec.working_dir = work_dir;
  measure::ExecutionOptions options;
  options.log_path = log;
  auto result = executor.execute(spec, options);
  if (!result) {
    return make_error(fmt::format("build '{}' cannot run: {}", config.benchmark.build, result.error().message));
  }
  if (result->status != core::RunStatus::success) {
    return make_error(fmt::format("build '{}' failed ({}) in {}: {}", config.benchmark.build, describe_end(*result),
                                  work_dir.string(), tail_lines(result->output, 5)));
  }
  return {};
}

Result<CorrectnessResult> correctness_hash(const ProjectConfig& config, const InputSpec& input,
                                           const std::filesystem::path& work_dir, std::optional<double> timeout_s) {
  const Placeholders values = input_placeholders(config, input);
  auto command = expand(config.correctness.command, values);
  if (!command) {
    return tl::unexpected(command.error());
  }
  const bool use_files = !config.correctness.outputs.empty();
  measure::ProcessExecutor executor;
  measure::CommandSpec spec;
  // stdout alone is the output: progress and figures on stderr must not count.
  spec.text = use_files ? *command : "{ " + *command + "\n} 2>/dev/null";
  spec.shell = measure::ShellMode::shell;
  spec.working_dir = work_dir;
  measure::ExecutionOptions options;
  options.capture_limit_bytes = std::size_t{1} << 30;
  options.timeout_s = timeout_s;
  auto result = executor.execute(spec, options);
  if (!result) {
    return make_error(fmt::format("correctness command for input '{}' cannot run: {}", input.name,
                                  result.error().message));
  }
  if (result->status == core::RunStatus::timed_out) {
    return CorrectnessResult{"", true};
  }
  if (result->status != core::RunStatus::success) {
    return make_error(fmt::format("correctness command '{}' failed on input '{}' ({}): {}", *command, input.name,
                                  describe_end(*result), tail_lines(result->output, 3)));
  }
  if (!use_files) {
    return CorrectnessResult{util::sha256_hex(result->output), false};
  }
  util::Sha256 hash;
  for (const std::string& output : config.correctness.outputs) {
    auto content = read_written_file(output, values, work_dir, "correctness output of input '" + input.name + "'");
    if (!content) {
      return tl::unexpected(content.error());
    }
    hash.update(output);
    hash.update(std::string_view("\0", 1));
    hash.update(util::sha256_hex(*content));
  }
  return CorrectnessResult{hash.hex_digest(), false};
}

Result<core::Benchmark> linked_runs(store::Store& store, const std::string& owner, std::int64_t owner_id,
                                    const std::string& input) {
  auto links = store.session_links(owner, owner_id);
  if (!links) {
    return tl::unexpected(links.error());
  }
  core::Benchmark all;
  for (const store::SessionLink& link : *links) {
    if (link.input != input) {
      continue;
    }
    auto benches = store.load_benchmarks(link.session_id);
    if (!benches) {
      return tl::unexpected(benches.error());
    }
    for (const core::Benchmark& bench : *benches) {
      all.command = bench.command;
      all.name = bench.name;
      for (core::Run run : bench.runs) {
        run.index = static_cast<int>(all.runs.size());
        all.runs.push_back(std::move(run));
      }
    }
  }
  return all;
}

Result<InputMeasurement> measure_input(store::Store& store, const Project& project, const InputSpec& input,
                                       const std::filesystem::path& work_dir, const MeasureOptions& options) {
  const ProjectConfig& config = project.config;
  InputMeasurement result;
  auto previous = linked_runs(store, options.owner, options.owner_id, input.name);
  if (!previous) {
    return tl::unexpected(previous.error());
  }
  result.bench = std::move(*previous);
  result.bench.name = input.name;
  result.resumed_runs = result.bench.runs.size();
  for (const core::Run& run : result.bench.runs) {
    if (!run.succeeded()) {
      result.end = run.timed_out() ? InputEnd::timed_out : InputEnd::failed;
      result.message = fmt::format("an earlier attempt's run {} {}", run.index + 1,
                                   run.timed_out() ? "timed out" : "failed");
      return result;
    }
  }
  const int needed = options.runs - static_cast<int>(result.bench.runs.size());
  if (needed <= 0 || (options.enough && !result.bench.runs.empty() && options.enough(result.bench))) {
    return result;
  }

  const Placeholders values = input_placeholders(config, input);
  auto command = expand(config.benchmark.command, values);
  if (!command) {
    return tl::unexpected(command.error());
  }
  measure::RunPlan plan;
  measure::PlannedCommand planned;
  planned.command = *command;
  planned.name = input.name;
  if (options.cooldown_s > 0) {
    planned.prepare = fmt::format("sleep {}", options.cooldown_s);
  }
  plan.commands.push_back(planned);
  plan.warmup = static_cast<std::size_t>(std::max(0, options.warmup));
  plan.count.runs = static_cast<std::size_t>(needed);
  plan.timeout_s = options.timeout_s;
  plan.shell = config.benchmark.shell;
  plan.read_metrics = metric_reader(config, values);
  // Unique, so the observer finds this session among the store's newest.
  plan.argv = fmt::format("zkbench {} {} input {} (pid {}, {})", options.owner, options.owner_id, input.name,
                          ::getpid(), now_us());

  LinkingObserver observer(store, options, input.name, plan.argv, result.resumed_runs);
  observer.m_previous = result.bench;
  measure::ProcessExecutor executor;
  Result<measure::LoopOutcome> outcome;
  {
    ScopedCwd cwd(work_dir);
    outcome = measure::run_benchmarks(plan, executor, &store, observer,
                                      [&observer] { return measure::interrupt_requested() || observer.enough(); });
  }
  if (!outcome) {
    return tl::unexpected(outcome.error());
  }
  if (!observer.error().empty()) {
    return make_error(fmt::format("linking the session of input '{}': {}", input.name, observer.error()));
  }
  for (const core::Benchmark& bench : outcome->benchmarks) {
    for (core::Run run : bench.runs) {
      run.index = static_cast<int>(result.bench.runs.size());
      result.bench.runs.push_back(std::move(run));
    }
    result.bench.command = bench.command;
  }
  switch (outcome->status) {
  case measure::LoopStatus::complete:
    break;
  case measure::LoopStatus::interrupted:
    if (!observer.enough()) {
      result.end = InputEnd::interrupted;
    }
    break;
  case measure::LoopStatus::command_failed:
    // A warmup that times out is not stored as a run; its message says so.
    result.end = (!result.bench.runs.empty() && result.bench.runs.back().timed_out()) ||
                         outcome->message.find("timed out") != std::string::npos
                     ? InputEnd::timed_out
                     : InputEnd::failed;
    result.message = outcome->message;
    break;
  }
  return result;
}

} // namespace zkbench::workflow
