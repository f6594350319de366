#include "workflow/measure_inputs.hpp"

#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "stats/descriptive.hpp"
#include "util/files.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"
#include "project/linked_runs.hpp"
#include "project/workspace.hpp"

namespace zkbench::workflow {

namespace {

// Links the loop's session to the owner as soon as it exists (before the first run is stored), so a
// zkbench killed mid-input still finds those runs; reports progress to the status file.
class LinkingObserver : public measure::RunObserver {
public:
  LinkingObserver(store::Store& store, const MeasureOptions& options, std::string input)
      : m_store(store), m_options(options), m_input(std::move(input)) {}

  void session_started(std::int64_t session_id) override {
    if (auto linked = m_store.link_session({m_options.owner.name, m_options.owner.id, m_input, session_id}); !linked) {
      m_error = linked.error().message;
    }
  }

  void warmup_started(std::size_t, std::size_t) override { update(0, std::nullopt); }

  void run_started(std::size_t index, std::optional<std::size_t>, std::optional<double> expected_s) override {
    update(static_cast<int>(index + 1), expected_s);
  }

  void contention_waiting(const std::string& line) override {
    if (m_options.status != nullptr) {
      m_options.status->info().waiting = line;
      m_options.status->write();
    }
  }

  const std::string& error() const { return m_error; }

private:
  void update(int run, std::optional<double> expected_s) {
    if (m_options.status == nullptr) {
      return;
    }
    project::StatusInfo& info = m_options.status->info();
    info.phase = run == 0 ? "warmup" : "measure";
    info.input = m_input;
    info.run = run;
    info.runs = m_options.runs;
    info.waiting.clear(); // a run starts: the gate no longer waits
    if (expected_s && run > 0) {
      info.eta_s = *expected_s * (m_options.runs - run + 1);
    }
    m_options.status->write();
  }

  store::Store& m_store;
  const MeasureOptions& m_options;
  std::string m_input;
  std::string m_error;
};

measure::CommandSpec shell_command(std::string text, const std::filesystem::path& dir) {
  measure::CommandSpec spec;
  spec.text = std::move(text);
  spec.shell = measure::ShellMode::shell;
  spec.working_dir = dir;
  return spec;
}

} // namespace

std::string tail_lines(const std::string& text, std::size_t lines) {
  return util::join(util::last_lines(util::trim(text), lines), " | ");
}

Result<std::string> read_written_file(const std::filesystem::path& path, const std::filesystem::path& work_dir,
                                      const std::string& what) {
  const std::filesystem::path file = path.is_relative() ? work_dir / path : path;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return make_error(fmt::format("{} '{}' was not written", what, file.string()));
  }
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

Result<void> build_checkout(project::Workspace& ws, const std::filesystem::path& work_dir, const std::filesystem::path& log) {
  const project::ProjectConfig& config = ws.project.config;
  if (config.benchmark.build.empty()) {
    return {};
  }
  std::error_code ec;
  std::filesystem::create_directories(log.parent_path(), ec);
  measure::ExecutionOptions options;
  options.log_path = log;
  ZKBENCH_TRY_ASSIGN(
      result, with_context(ws.executor->execute(shell_command(config.benchmark.build, work_dir), options),
                           fmt::format("build '{}' cannot run", config.benchmark.build)));
  if (result->status != core::RunStatus::success) {
    return make_error(fmt::format("build '{}' failed ({}) in {}: {}", config.benchmark.build,
                                  measure::describe_ending(*result, measure::EndingWords::brief), work_dir.string(),
                                  tail_lines(result->output, 5)));
  }
  return {};
}

Result<std::filesystem::path> kept_build(project::Workspace& ws, const std::string& commit, const std::string& name,
                                         const std::function<void(const std::string&)>& say) {
  const std::filesystem::path tree = ws.worktree_dir(name);
  const std::filesystem::path stamp = tree / ".zkbench-built";
  std::error_code ec;
  if (std::filesystem::exists(stamp, ec)) {
    return tree;
  }
  ZKBENCH_TRY(ws.git.ensure_worktree(tree, commit));
  if (say) {
    say(fmt::format("building {} in {} (once per commit)", commit.substr(0, 12), tree.string()));
  }
  ZKBENCH_TRY(build_checkout(ws, tree, ws.state_dir() / "logs" / (name + "-build.log")));
  ZKBENCH_TRY(util::write_file_atomically(stamp, commit + "\n"));
  return tree;
}

Result<void> ensure_input(project::Workspace& ws, const project::InputSpec& input) {
  ZKBENCH_TRY_ASSIGN(prepared, prepare_input(ws.project.config, input));
  return ensure_input(ws, *prepared);
}

Result<void> ensure_input(project::Workspace& ws, const PreparedInput& prepared) {
  const project::InputSpec& input = prepared.spec;
  if (!prepared.generator) {
    return {};
  }
  const std::string& command = *prepared.generator;
  // The stamp names what made the file: the same command and seed give the same input (generators must
  // be deterministic), so a matching file is reused and any change makes it again.
  const std::string stamp = fmt::format("command: {}\nseed: {}\n", input.generate->command, input.generate->seed);
  std::filesystem::path stamp_file = input.path;
  stamp_file += ".zkbench-generator";
  std::error_code ec;
  if (std::filesystem::exists(input.path, ec)) {
    std::ifstream in(stamp_file, std::ios::binary);
    const std::string recorded((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (recorded == stamp) {
      return {};
    }
  }
  std::filesystem::create_directories(input.path.parent_path(), ec);
  std::filesystem::remove(stamp_file, ec);
  measure::ExecutionOptions options;
  options.capture_limit_bytes = std::size_t{1} << 20;
  ZKBENCH_TRY_ASSIGN(
      result, with_context(ws.executor->execute(shell_command(command, ws.project.inputs.file.parent_path()),
                                                options),
                           fmt::format("input '{}': the generator '{}' cannot run", input.name, command)));
  if (result->status != core::RunStatus::success) {
    return make_error(fmt::format("input '{}': the generator '{}' failed ({}): {}", input.name, command,
                                  measure::describe_ending(*result, measure::EndingWords::brief),
                                  tail_lines(result->output, 3)));
  }
  if (!std::filesystem::exists(input.path, ec)) {
    return make_error(fmt::format("input '{}': the generator '{}' exited 0 but wrote no file {}", input.name, command,
                                  input.path.string()));
  }
  return util::write_file_atomically(stamp_file, stamp);
}

Result<CorrectnessResult> correctness_hash(project::Workspace& ws, const project::InputSpec& input, const std::filesystem::path& work_dir,
                                           std::optional<double> timeout_s) {
  ZKBENCH_TRY_ASSIGN(prepared, prepare_input(ws.project.config, input));
  return correctness_hash(ws, *prepared, work_dir, timeout_s);
}

Result<CorrectnessResult> correctness_hash(project::Workspace& ws, const PreparedInput& prepared,
                                           const std::filesystem::path& work_dir, std::optional<double> timeout_s) {
  const project::InputSpec& input = prepared.spec;
  const std::string& command = prepared.correctness;
  const bool use_files = !prepared.outputs.empty();
  // stdout alone is the output: progress and figures on stderr must not count.
  measure::CommandSpec spec = shell_command(use_files ? command : "{ " + command + "\n} 2>/dev/null", work_dir);
  measure::ExecutionOptions options;
  options.capture_limit_bytes = std::size_t{1} << 30;
  options.timeout_s = timeout_s;
  ZKBENCH_TRY_ASSIGN(result,
                     with_context(ws.executor->execute(spec, options),
                                  fmt::format("correctness command for input '{}' cannot run", input.name)));
  if (result->status == core::RunStatus::timed_out) {
    return CorrectnessResult{"", true};
  }
  if (result->status != core::RunStatus::success) {
    const std::string tail = tail_lines(result->output, 3);
    return make_error(fmt::format("correctness command '{}' failed on input '{}' ({}){}", command, input.name,
                                  measure::describe_ending(*result, measure::EndingWords::brief),
                                  tail.empty() ? std::string(": it printed nothing on stdout (its stderr is not kept)")
                                               : ": " + tail));
  }
  if (!use_files) {
    return CorrectnessResult{util::sha256_hex(result->output), false};
  }
  util::Sha256 hash;
  for (const auto& [output, path] : prepared.outputs) {
    ZKBENCH_TRY_ASSIGN(content, read_written_file(path, work_dir, "correctness output of input '" + input.name + "'"));
    hash.update(output);
    hash.update(std::string_view("\0", 1));
    hash.update(util::sha256_hex(*content));
  }
  return CorrectnessResult{hash.hex_digest(), false};
}

Result<InputMeasurement> measure_input(project::Workspace& ws, const project::InputSpec& input, std::span<const SideSpec> sides,
                                       const MeasureOptions& options) {
  ZKBENCH_TRY_ASSIGN(prepared, prepare_input(ws.project.config, input));
  return measure_input(ws, *prepared, sides, options);
}

Result<InputMeasurement> measure_input(project::Workspace& ws, const PreparedInput& prepared,
                                       std::span<const SideSpec> sides, const MeasureOptions& requested) {
  MeasureOptions options = requested;
  const project::ProjectConfig& config = ws.project.config;
  const project::InputSpec& input = prepared.spec;
  InputMeasurement result;
  std::vector<std::vector<core::Run>> previous;
  for (std::size_t s = 0; s < sides.size(); ++s) {
    ZKBENCH_TRY_ASSIGN(runs,
                       project::linked_runs(*ws.store, options.owner.name, options.owner.id, input.name, sides[s].role));
    result.resumed_runs += runs->runs.size();
    // A test is resumed only under the settings it started with (issue 22): other run counts, another
    // strategy or baseline mode would make the kept runs part of a different test.
    if (const auto was = runs->parameters.find(k_settings_parameter);
        !runs->runs.empty() && !options.settings.empty() && was != runs->parameters.end() &&
        was->second != options.settings) {
      return make_error(fmt::format("input '{}': the {} runs kept from an earlier attempt were measured with {}; this "
                                    "attempt asks for {}: resume with the options it started with",
                                    input.name, runs->runs.size(), was->second, options.settings));
    }
    for (const core::Run& run : runs->runs) {
      if (!run.succeeded()) {
        result.end = run.timed_out() ? measure::LoopStatus::timed_out : measure::LoopStatus::command_failed;
        result.failed_side = s;
        result.message = fmt::format("an earlier attempt's {} run {} {}", sides[s].role, run.index + 1,
                                     run.timed_out() ? "timed out" : "failed");
      }
    }
    previous.push_back(std::move(runs->runs));
  }
  const auto finished = [&] {
    result.sides.clear();
    for (std::size_t s = 0; s < sides.size(); ++s) {
      core::Benchmark bench;
      bench.name = input.name;
      bench.runs = previous[s];
      result.sides.push_back(std::move(bench));
    }
    return result;
  };
  if (result.end != measure::LoopStatus::complete) {
    return finished();
  }
  std::size_t fewest = previous.front().size();
  for (const auto& runs : previous) {
    fewest = std::min(fewest, runs.size());
  }
  if (options.beyond_kept) {
    options.runs += static_cast<int>(fewest);
  }
  if (fewest >= static_cast<std::size_t>(options.runs)) {
    // Every run is already kept (an attempt stopped after its last run): the stop rule still looks at them.
    InputMeasurement done = finished();
    if (options.enough && options.enough(done.sides)) {
      done.end = measure::LoopStatus::decided;
    }
    return done;
  }

  measure::RunPlan plan;
  for (std::size_t s = 0; s < sides.size(); ++s) {
    measure::PlannedCommand planned;
    planned.command = prepared.command;
    planned.name = input.name;
    planned.parameters = {{"input", input.name}, {"side", sides[s].role}};
    if (!options.settings.empty()) {
      planned.parameters[k_settings_parameter] = options.settings;
    }
    planned.working_dir = sides[s].work_dir;
    std::vector<measure::MetricFileSpec> files;
    for (const auto& [name, path] : prepared.metric_files) {
      files.push_back({name, path.is_relative() ? sides[s].work_dir / path : path});
    }
    planned.read_metrics = measure::make_metric_reader(prepared.metrics, std::move(files), prepared.figures);
    planned.verify = prepared.verify;
    planned.verify_when = sides[s].verify;
    planned.previous_runs = previous[s];
    plan.commands.push_back(std::move(planned));
  }
  plan.order = measure::Order::interleaved;
  plan.warmup = static_cast<std::size_t>(std::max(0, options.warmup));
  plan.count.runs = static_cast<std::size_t>(options.runs);
  plan.timeout_s = options.timeout_s;
  plan.shell = config.benchmark.shell;
  plan.monitor = ws.monitor.get();
  plan.contention = ws.contention.get();
  plan.stop_rule = options.enough;
  plan.session_kind = options.owner.session_kind;
  plan.argv = fmt::format("{} (input {})", options.owner.label, input.name);
  plan.machine_class = ws.machine_class;

  LinkingObserver observer(*ws.store, options, input.name);
  ZKBENCH_TRY_ASSIGN(
      outcome, measure::run_benchmarks(plan, *ws.executor, ws.store.get(), observer, ws.stop_requested));
  if (!observer.error().empty()) {
    return make_error(fmt::format("linking the session of input '{}': {}", input.name, observer.error()));
  }
  result.sides = std::move(outcome->benchmarks);
  for (core::Benchmark& bench : result.sides) {
    for (std::size_t i = 0; i < bench.runs.size(); ++i) {
      bench.runs[i].index = static_cast<int>(i);
    }
  }
  if (outcome->failure) {
    // The workflow's own words: hyperfine's advice (-i, --show-output) does not apply here.
    const measure::LoopFailure& failure = *outcome->failure;
    result.failed_side = failure.command;
    result.verifier_output = failure.verifier_output;
    std::string log;
    if (failure.run && *failure.run < result.sides[failure.command].runs.size()) {
      log = result.sides[failure.command].runs[*failure.run].log_path;
    }
    result.message = outcome->status == measure::LoopStatus::verify_failed
                         ? outcome->message
                         : fmt::format("{} {} {} {}{}", sides[failure.command].role, failure.warmup ? "warmup" : "run",
                                       failure.run ? *failure.run + 1 : std::size_t{1},
                                       measure::describe_ending(failure.result, measure::EndingWords::brief),
                                       log.empty() ? std::string() : " (output: " + log + ")");
  }
  if (outcome->status == measure::LoopStatus::contended) { // contention on_timeout: fail: the runs so far stay in the store
    return make_error(outcome->message + "; run the command again to resume, or raise contention.max_wait_seconds");
  }
  result.end = outcome->status;
  return result;
}

} // namespace zkbench::workflow
