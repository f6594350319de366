// The dashboard from the store and the project's files.
#include "dashboard/dashboard_loader.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "core/bisect_record.hpp"

#include "core/experiment.hpp"
#include "dashboard/dashboard_slurm.hpp"
#include "project/linked_runs.hpp"
#include "project/status_file.hpp"
#include "project/workspace.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"
#include "verdict/decide.hpp"

namespace zkbench::dashboard {

namespace {

namespace fs = std::filesystem;
using report::Dashboard;

constexpr std::size_t k_patch_limit = 256 * 1024; // a page with a larger patch links the file instead
constexpr std::size_t k_profile_functions = 6;     // bars per side of an experiment's profile chart

std::string date_of(std::int64_t us) {
  const std::time_t seconds = static_cast<std::time_t>(us / 1000000);
  return fmt::format("{:%Y-%m-%d}", fmt::gmtime(seconds));
}

// environment.yaml as "section.key" -> value lines, in the file's order.
void flatten(const YAML::Node& node, const std::string& prefix, std::vector<std::pair<std::string, std::string>>& out) {
  if (node.IsMap()) {
    for (const auto& entry : node) {
      const std::string key = entry.first.as<std::string>("?");
      flatten(entry.second, prefix.empty() ? key : prefix + "." + key, out);
    }
  } else if (node.IsSequence()) {
    std::vector<std::string> items;
    for (const auto& item : node) {
      items.push_back(item.IsScalar() ? item.as<std::string>("") : YAML::Dump(item));
    }
    out.emplace_back(prefix, fmt::format("{}", fmt::join(items, ", ")));
  } else if (node.IsScalar()) {
    out.emplace_back(prefix, node.as<std::string>(""));
  }
}

std::vector<std::pair<std::string, std::string>> environment_of(const std::string& yaml) {
  std::vector<std::pair<std::string, std::string>> out;
  try {
    flatten(YAML::Load(yaml), "", out);
  } catch (const YAML::Exception&) {
    out.emplace_back("environment", "(environment.yaml does not parse)");
  }
  return out;
}

std::string read_bounded(const fs::path& path, std::size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return "";
  }
  std::string text(limit, '\0');
  in.read(text.data(), static_cast<std::streamsize>(limit));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

// The last lines of a log: only its tail is read, however long the log has grown.
std::vector<std::string> log_tail(const fs::path& path, std::size_t count) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    return {};
  }
  const std::streamoff size = in.tellg();
  const std::streamoff start = std::max<std::streamoff>(0, size - 64 * 1024);
  in.seekg(start);
  std::string text(static_cast<std::size_t>(size - start), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (start > 0) { // probably cut in the middle of a line: from the next one
    const std::size_t newline = text.find('\n');
    text.erase(0, newline == std::string::npos ? text.size() : newline + 1);
  }
  return util::last_lines(text, count);
}

std::optional<double> percent(const std::optional<double>& fraction) {
  return fraction ? std::optional<double>(*fraction * 100) : std::nullopt;
}

// Runs per input of the sessions linked to one owner (a baseline's inputs, an experiment).
using RunsByInput = std::map<std::string, std::vector<double>>;

// The key of the baseline runs measured beside an experiment's candidate, in RunsByInput.
constexpr const char* k_beside_suffix = "#baseline";

// The runs per input of an experiment, read by the one reader of an owner's linked sessions: the
// candidate's under the input's name, the baseline's build measured beside it under
// "<input>#baseline", as the values of the metric the verdict judged (the primary metric when every run
// of both sides has it, else time: verdict::judged_metric).
Result<RunsByInput> runs_of_experiment(store::Store& store, std::int64_t experiment_id, const std::string& metric) {
  ZKBENCH_TRY_ASSIGN(candidates, project::linked_runs(store, "experiment", experiment_id, "candidate"));
  ZKBENCH_TRY_ASSIGN(beside, project::linked_runs(store, "experiment", experiment_id, "baseline"));
  RunsByInput runs;
  for (const auto& [input, candidate] : *candidates) {
    const core::Benchmark& base = (*beside)[input];
    // A side without runs yet leaves the choice to the other.
    const std::string judged = verdict::judged_metric(base.runs.empty() ? candidate : base,
                                                      candidate.runs.empty() ? base : candidate, metric);
    runs[input] = verdict::primary_values(candidate, judged);
    if (base.parameters.contains("side")) { // measured beside the candidate (interleaved)
      runs[input + k_beside_suffix] = verdict::primary_values(base, judged);
    }
  }
  return runs;
}

// The runs per input of a baseline: every session linked to it (a resumed input has several), read by
// the one reader of a baseline's runs, as the primary metric's values the verdicts judged.
Result<RunsByInput> runs_of_baseline(store::Store& store, const store::BaselineRecord& baseline,
                                     const std::string& metric) {
  ZKBENCH_TRY_ASSIGN(benches, project::baseline_benchmarks(store, baseline));
  RunsByInput runs;
  for (const auto& [input, benchmark] : *benches) {
    runs[input] = verdict::primary_values(benchmark, verdict::judged_metric(benchmark, benchmark, metric));
  }
  return runs;
}

report::Estimate summary_estimate(const core::ResultSummary& summary) {
  report::Estimate estimate;
  estimate.mean = std::isnan(summary.mean) ? 0.0 : summary.mean;
  estimate.n = summary.runs;
  if (summary.runs > 0) {
    estimate.median = summary.median;
  }
  return estimate;
}

// One input's stopping trace as the dashboard's points in percent. Looks whose interval was still
// unbounded are left out: the chart has nothing to draw for them.
void apply_trace(report::Experiment& experiment, const core::InputResult& input) {
  experiment.stopping.clear();
  experiment.stopped_at = input.stopped_at;
  for (const core::ResultLook& look : input.trace) {
    if (look.change && look.low && look.high) {
      experiment.stopping.push_back({look.pairs, *look.change * 100, *look.low * 100, *look.high * 100});
    }
  }
}

// The results of `zkbench exp run`: per-input figures of the primary metric, the reason, and the
// stopping trace of a sequential run (of the heaviest input that has one: the dashboard draws one trace
// per experiment).
void apply_results(report::Experiment& experiment, const core::ExperimentResults& results, const std::string& metric) {
  if (!results.reason.empty()) {
    experiment.reasoning = results.reason;
  }
  experiment.cost = results.cost;
  double weight_sum = 0, low_sum = 0, high_sum = 0;
  bool all_bounded = true;
  std::optional<double> trace_weight;
  for (const core::InputResult& in : results.inputs) {
    report::InputResult input;
    input.input = in.input;
    input.verdict = in.verdict ? core::outcome_of(*in.verdict) : core::Outcome::none;
    input.change_pct = percent(in.change);
    input.gpu = in.gpu;
    if (const core::MetricResult* m = in.metric(metric)) {
      input.baseline = summary_estimate(m->baseline);
      input.candidate = summary_estimate(m->candidate);
      input.change_ci_low_pct = percent(m->ci_low);
      input.change_ci_high_pct = percent(m->ci_high);
    }
    if (in.sequential && (!trace_weight || in.weight > *trace_weight)) {
      apply_trace(experiment, in);
      trace_weight = in.weight;
    }
    if (input.change_ci_low_pct && input.change_ci_high_pct) {
      weight_sum += in.weight;
      low_sum += in.weight * *input.change_ci_low_pct;
      high_sum += in.weight * *input.change_ci_high_pct;
    } else {
      all_bounded = false;
    }
    experiment.inputs.push_back(std::move(input));
  }
  // The experiment's deciding interval (the joint one over several inputs), as results.json has it since
  // issue 22; for older records the weighted mean of the inputs' bounds in percent, never narrower than
  // the interval of the weighted change (the width of a weighted sum is at most the weighted sum of widths).
  if (results.change_low && results.change_high) {
    experiment.change_ci_low_pct = percent(results.change_low);
    experiment.change_ci_high_pct = percent(results.change_high);
  } else if (all_bounded && weight_sum > 0) {
    experiment.change_ci_low_pct = low_sum / weight_sum;
    experiment.change_ci_high_pct = high_sum / weight_sum;
  }
}

/// The runs per input of baseline `id` (looked up in `baselines`, loaded once into `cache`); nullptr
/// when `id` is unset or not among them.
Result<RunsByInput*> baseline_runs_of(store::Store& store, const std::vector<store::BaselineRecord>& baselines,
                                      const std::optional<std::int64_t>& id, const std::string& metric,
                                      std::map<std::int64_t, RunsByInput>& cache) {
  if (!id) {
    return nullptr;
  }
  if (const auto cached = cache.find(*id); cached != cache.end()) {
    return &cached->second;
  }
  const auto found = std::find_if(baselines.begin(), baselines.end(),
                                  [&](const store::BaselineRecord& b) { return b.id == *id; });
  if (found == baselines.end()) {
    return nullptr;
  }
  ZKBENCH_TRY_ASSIGN(runs, runs_of_baseline(store, *found, metric));
  return &(cache[*id] = std::move(*runs));
}

// benchmarks/bisect/<id>/results.json, by id; one that cannot be read is a warning.
void load_bisections(const fs::path& project_dir, Dashboard& dashboard) {
  for (const fs::path& path : bisection_files(project_dir)) {
    const std::string id = path.parent_path().filename().string();
    const std::string text = read_bounded(path, 16 * 1024 * 1024);
    auto record = core::read_bisect_record(nlohmann::json::parse(text, nullptr, false));
    if (!record) {
      dashboard.warnings.push_back(
          fmt::format("bisection {}: {} cannot be read ({}): it has no page", id, path.string(), record.error().message));
      continue;
    }
    record->id = id; // the folder names the page, whatever the file says
    dashboard.bisections.push_back(std::move(*record));
  }
}

} // namespace

std::vector<fs::path> bisection_files(const fs::path& project_dir) {
  std::vector<fs::path> files;
  for (const fs::path& folder : util::numbered_subfolders(project_dir / "benchmarks" / "bisect", 3)) {
    if (std::error_code ec; fs::is_regular_file(folder / "results.json", ec)) {
      files.push_back(folder / "results.json");
    }
  }
  return files;
}

Result<Dashboard> load_dashboard(store::Store& store, const DashboardSource& source, StoredProfiles* profiles) {
  Dashboard dashboard;
  report::Overview& overview = dashboard.overview;
  const std::string& metric = source.primary_metric;
  overview.project = fs::absolute(source.project_dir).lexically_normal().filename().string();
  // "time" is judged, and drawn, as the unloaded time where the runs have it (verdict::judged_metric).
  overview.primary_metric = metric == "time"                 ? "wall time (less its CPU wait where measured)"
                            : metric == verdict::k_cpu_metric ? "CPU time"
                                                              : metric;
  overview.unit = verdict::is_builtin_metric(metric) ? "s" : "";
  const auto now = std::chrono::system_clock::now();
  overview.generated_at = fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::chrono::system_clock::to_time_t(now)));
  const std::int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();

  ZKBENCH_TRY_ASSIGN(baselines, store.list_baselines());
  RunsByInput baseline_runs;
  std::int64_t first_at_us = 0;
  std::int64_t last_at_us = 0;
  if (!baselines->empty()) {
    const store::BaselineRecord& baseline = baselines->back();
    first_at_us = baselines->front().created_at_us;
    last_at_us = baseline.created_at_us;
    ZKBENCH_TRY_ASSIGN(runs, runs_of_baseline(store, baseline, metric));
    baseline_runs = std::move(*runs);
    report::BaselineSection section;
    section.commit = baseline.commit;
    section.environment = environment_of(baseline.environment_yaml);
    std::vector<double> pooled;
    for (const store::BaselineInput& input : baseline.inputs) {
      const std::vector<double>& values = baseline_runs[input.input];
      pooled.insert(pooled.end(), values.begin(), values.end());
      section.inputs.push_back({input.input, {{overview.primary_metric, overview.unit, report::estimate_of(values)}}});
    }
    section.primary = report::estimate_of(pooled);
    dashboard.baseline = std::move(section);
  }

  ZKBENCH_TRY_ASSIGN(experiments, store.list_experiments());
  std::optional<StoredProfiles> own_profiles;
  if (profiles == nullptr) {
    profiles = &own_profiles.emplace(store);
  }
  ZKBENCH_TRY(profiles->refresh());
  std::map<std::int64_t, RunsByInput> runs_by_baseline;
  if (!baselines->empty()) {
    runs_by_baseline[baselines->back().id] = baseline_runs; // loaded above
  }
  for (const store::ExperimentRecord& record : *experiments) {
    report::Experiment experiment;
    experiment.number = record.experiment_number();
    experiment.name = record.name;
    experiment.status = record.state().value_or(core::ExperimentStatus::planned);
    experiment.verdict = record.outcome().value_or(core::Outcome::none);
    experiment.hypothesis = record.hypothesis;
    experiment.branch = record.branch;
    experiment.reasoning = record.close_reason;
    experiment.change_pct = percent(record.change);
    // Results that are not results.json's form leave the page without per-input figures, said aloud.
    if (const auto results = record.results(); !results) {
      dashboard.warnings.push_back(fmt::format("experiment {}: its stored results cannot be read ({}): its page "
                                               "shows no per-input figures",
                                               record.experiment_number(), results.error().message));
    } else if (*results) {
      apply_results(experiment, **results, metric);
    }
    ZKBENCH_TRY_ASSIGN(runs, runs_of_experiment(store, record.id, metric));
    // Baselines are per machine class: an experiment's runs are drawn against the baseline it was
    // compared with, which need not be the newest (another class may have measured since).
    ZKBENCH_TRY_ASSIGN(own_baseline,
                       baseline_runs_of(store, *baselines, record.baseline_id, metric, runs_by_baseline));
    RunsByInput& compared_runs = *own_baseline != nullptr ? **own_baseline : baseline_runs;
    for (const auto& [input_name, values] : *runs) {
      if (input_name.ends_with(k_beside_suffix)) {
        continue;
      }
      auto it = std::find_if(experiment.inputs.begin(), experiment.inputs.end(),
                             [&](const report::InputResult& r) { return r.input == input_name; });
      if (it == experiment.inputs.end()) { // still measuring: no results.json yet
        report::InputResult input;
        input.input = input_name;
        input.baseline = report::estimate_of(compared_runs[input_name]);
        experiment.inputs.push_back(std::move(input));
        it = experiment.inputs.end() - 1;
      }
      it->candidate_runs = values;
      // Interleaved experiments were judged against the baseline's build measured beside them.
      const auto beside = runs->find(input_name + k_beside_suffix);
      it->baseline_runs = beside != runs->end() ? beside->second : compared_runs[input_name];
      it->candidate = report::estimate_of(values);
      if (!it->baseline_runs.empty()) { // the runs give the interval that results.json leaves out
        it->baseline = report::estimate_of(it->baseline_runs);
      }
      experiment.runs_used += static_cast<int>(values.size());
    }
    // The trend's point: the baseline's figure moved by the experiment's weighted change, so every
    // point is on the baseline's scale whatever the inputs' sizes.
    if (experiment.change_pct && dashboard.baseline && dashboard.baseline->primary) {
      const double base = dashboard.baseline->primary->mean;
      report::Estimate point;
      point.mean = base * (1 + *experiment.change_pct / 100);
      if (experiment.change_ci_low_pct && experiment.change_ci_high_pct) {
        point.ci_low = base * (1 + *experiment.change_ci_low_pct / 100);
        point.ci_high = base * (1 + *experiment.change_ci_high_pct / 100);
      }
      point.n = static_cast<std::size_t>(experiment.runs_used);
      experiment.primary = point;
    }
    const fs::path patch = source.project_dir / "benchmarks" / "experiments" /
                           (record.experiment_number().format() + "-" + record.slug) / "changes.patch";
    experiment.patch = read_bounded(patch, k_patch_limit);
    ZKBENCH_TRY_ASSIGN(changes,
                       profiles->experiment_changes(record.number, record.baseline_id, k_profile_functions));
    experiment.profile_up = std::move(changes->up);
    experiment.profile_down = std::move(changes->down);
    if (experiment.status == core::ExperimentStatus::running) {
      overview.running = true;
    }
    last_at_us = std::max({last_at_us, record.created_at_us, record.finished_at_us.value_or(0)});
    dashboard.experiments.push_back(std::move(experiment));
  }

  for (const auto& [kind, target] : {std::pair<const char*, std::vector<report::Note>*>{"learning", &dashboard.learnings},
                                     {"idea", &dashboard.backlog}}) {
    ZKBENCH_TRY_ASSIGN(notes, store.list_notes(kind));
    for (const store::NoteRecord& note : *notes) {
      target->push_back({note.text, date_of(note.created_at_us), note.done});
    }
  }
  ZKBENCH_TRY_ASSIGN(conflicts, store.list_conflicts());
  for (const store::ConflictRecord& conflict : *conflicts) {
    dashboard.conflicts.push_back({conflict.experiments, percent(conflict.combined_change), percent(conflict.best_change),
                                   conflict.conflict, conflict.note});
  }

  load_bisections(source.project_dir, dashboard);

  // A measuring zkbench keeps .zkbench/status.json; one whose process is gone was killed, not running.
  const fs::path status_path = project::status_path(source.project_dir);
  if (auto text = read_bounded(status_path, 64 * 1024); !text.empty()) {
    if (auto status = project::parse_status_json(text); status && project::process_alive(status->pid)) {
      report::CurrentRun current;
      current.name = status->command + (status->input.empty() ? "" : " · " + status->input);
      if (status->command.rfind("exp run ", 0) == 0) {
        current.experiment =
            core::ExperimentNumber::parse(status->command.substr(8)).value_or(core::ExperimentNumber()).value();
      }
      current.runs_done = status->run;
      current.waiting = status->waiting;
      current.runs_total = status->runs;
      if (!status->log.empty()) {
        current.log_tail = log_tail(status->log, report::k_log_tail_lines);
      }
      dashboard.current = std::move(current);
      overview.running = true;
    }
  }
  // Jobs on a Slurm cluster run elsewhere: the scheduler says which runs, where, or why it waits.
  if (auto scheduled = scheduled_run(source.store_location)) {
    if (dashboard.current) {
      dashboard.current->scheduler_job = scheduled->scheduler_job;
      dashboard.current->node = scheduled->node;
      dashboard.current->state = scheduled->state;
    } else {
      dashboard.current = std::move(*scheduled);
    }
    overview.running = true;
  }
  if (first_at_us > 0) {
    overview.elapsed_s = static_cast<double>((overview.running ? now_us : last_at_us) - first_at_us) / 1e6;
  }
  report::summarise(dashboard);
  return dashboard;
}

} // namespace zkbench::dashboard
