#include "workflow/measure_inputs.hpp"

#include <fmt/format.h>

#include "project/linked_runs.hpp"
#include "project/workspace.hpp"

namespace zkbench::workflow {

namespace {

// The runs `owner` kept of `input` on side `role` (none when nothing was kept).
core::Benchmark kept_of(const project::KeptRuns& kept, const std::string& owner, const std::string& input,
                        const std::string& role) {
  if (const auto o = kept.find(owner); o != kept.end()) {
    if (const auto r = o->second.find(role); r != o->second.end()) {
      if (const auto i = r->second.find(input); i != r->second.end()) {
        return i->second;
      }
    }
  }
  return {};
}

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

} // namespace

Result<InputMeasurement> measure_input(project::Workspace& ws, const project::InputSpec& input, std::span<const SideSpec> sides,
                                       const MeasureOptions& options) {
  ZKBENCH_TRY_ASSIGN(prepared, prepare_input(ws.project.config, input));
  return measure_input(ws, *prepared, sides, options);
}

Result<InputMeasurement> measure_input(project::Workspace& ws, const PreparedInput& prepared,
                                       std::span<const SideSpec> sides, const MeasureOptions& options) {
  project::KeptRuns kept;
  for (const SideSpec& side : sides) {
    ZKBENCH_TRY_ASSIGN(runs, project::linked_runs(*ws.store, options.owner.name, options.owner.id, prepared.spec.name,
                                                  side.role));
    kept[options.owner.name][side.role][prepared.spec.name] = std::move(*runs);
  }
  return measure_kept_input(ws, prepared, sides, kept, options);
}

Result<InputMeasurement> measure_kept_input(project::Workspace& ws, const PreparedInput& prepared,
                                            std::span<const SideSpec> sides, const project::KeptRuns& kept,
                                            const MeasureOptions& requested) {
  MeasureOptions options = requested;
  const project::ProjectConfig& config = ws.project.config;
  const project::InputSpec& input = prepared.spec;
  InputMeasurement result;
  std::vector<std::vector<core::Run>> previous;
  for (std::size_t s = 0; s < sides.size(); ++s) {
    core::Benchmark runs = kept_of(kept, options.owner.name, input.name, sides[s].role);
    result.resumed_runs += runs.runs.size();
    // A test is resumed only under the settings it started with (issue 22): other run counts, another
    // strategy or baseline mode would make the kept runs part of a different test.
    if (const auto was = runs.parameters.find(k_settings_parameter);
        !runs.runs.empty() && !options.settings.empty() && was != runs.parameters.end() &&
        was->second != options.settings) {
      return make_error(fmt::format("input '{}': the {} runs kept from an earlier attempt were measured with {}; this "
                                    "attempt asks for {}: resume with the options it started with",
                                    input.name, runs.runs.size(), was->second, options.settings));
    }
    for (const core::Run& run : runs.runs) {
      if (!run.succeeded()) {
        result.end = run.timed_out() ? measure::LoopStatus::timed_out : measure::LoopStatus::command_failed;
        result.failed_side = s;
        result.message = fmt::format("an earlier attempt's {} run {} {}", sides[s].role, run.index + 1,
                                     run.timed_out() ? "timed out" : "failed");
      }
    }
    previous.push_back(std::move(runs.runs));
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
    // Every run is already kept (an attempt stopped after its last run, or an input paused at a joint look):
    // the stop rule still looks at them, as the run loop shows it runs.
    InputMeasurement done = finished();
    if (options.enough &&
        options.enough(measure::stop_rule_view(done.sides, measure::Order::interleaved))) { // the plan's order below
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
