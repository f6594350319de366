// The dashboard from the store and the project's files.
#include "dashboard/dashboard_loader.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "dashboard/dashboard_slurm.hpp"
#include "project/status_file.hpp"
#include "project/workspace.hpp"

namespace zkbench::dashboard {

namespace {

namespace fs = std::filesystem;
using report::Dashboard;

constexpr std::size_t k_patch_limit = 256 * 1024; // a page with a larger patch links the file instead
constexpr std::size_t k_profile_functions = 6;     // bars per side of an experiment's profile chart

std::vector<double> primary_values(const core::Benchmark& benchmark, const std::string& metric) {
  return metric == "time" ? benchmark.wall_times() : benchmark.metric_values(metric);
}

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
std::vector<std::string> tail_lines(const fs::path& path, std::size_t count) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    return {};
  }
  const std::streamoff size = in.tellg();
  const std::streamoff start = std::max<std::streamoff>(0, size - 64 * 1024);
  in.seekg(start);
  std::string text(static_cast<std::size_t>(size - start), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  std::vector<std::string> lines;
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t end = text.find('\n', begin);
    lines.push_back(text.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
    begin = end == std::string::npos ? text.size() : end + 1;
  }
  if (start > 0 && !lines.empty()) {
    lines.erase(lines.begin()); // probably cut in the middle
  }
  if (lines.size() > count) {
    lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(count));
  }
  return lines;
}

std::optional<double> percent(const nlohmann::json& value) {
  return value.is_number() ? std::optional<double>(value.get<double>() * 100) : std::nullopt;
}

std::optional<double> percent(const std::optional<double>& fraction) {
  return fraction ? std::optional<double>(*fraction * 100) : std::nullopt;
}

// Runs per input of the sessions linked to one owner (a baseline's inputs, an experiment).
using RunsByInput = std::map<std::string, std::vector<double>>;

// The key of the baseline runs measured beside an experiment's candidate, in RunsByInput.
constexpr const char* k_beside_suffix = "#baseline";

Result<RunsByInput> runs_of_sessions(store::Store& store, const std::vector<std::pair<std::string, std::int64_t>>& sessions,
                                     const std::string& metric) {
  RunsByInput runs;
  for (const auto& [input, session_id] : sessions) {
    ZKBENCH_TRY_ASSIGN(benchmarks, store.load_benchmarks(session_id));
    std::vector<double>& values = runs[input];
    for (const core::Benchmark& benchmark : *benchmarks) {
      // An experiment's session holds both sides (the baseline's build measured beside it): the
      // candidate's runs are the experiment's; the baseline side's are kept apart ("<input>#baseline").
      const auto side = benchmark.parameters.find("side");
      std::vector<double>& into = side != benchmark.parameters.end() && side->second == "baseline"
                                      ? runs[input + k_beside_suffix]
                                      : values;
      const std::vector<double> more = primary_values(benchmark, metric);
      into.insert(into.end(), more.begin(), more.end());
    }
  }
  return runs;
}

report::Estimate summary_estimate(const nlohmann::json& summary) {
  report::Estimate estimate;
  if (summary.is_object()) {
    estimate.mean = summary.value("mean", 0.0);
    estimate.n = summary.value("runs", std::size_t{0});
  }
  return estimate;
}

// One input's stopping trace of results.json ({"stopped_at", "trace": [{pairs, change, lo, hi}]}) as
// the dashboard's points in percent. Looks whose interval was still unbounded are left out: the chart
// has nothing to draw for them.
void apply_trace(report::Experiment& experiment, const nlohmann::json& sequential) {
  experiment.stopping.clear();
  experiment.stopped_at.reset();
  for (const nlohmann::json& look : sequential.value("trace", nlohmann::json::array())) {
    if (!look.is_object()) {
      continue;
    }
    const auto change = percent(look.value("change", nlohmann::json()));
    const auto low = percent(look.value("lo", nlohmann::json()));
    const auto high = percent(look.value("hi", nlohmann::json()));
    const nlohmann::json pairs = look.value("pairs", nlohmann::json());
    if (!change || !low || !high || !pairs.is_number_integer()) {
      continue;
    }
    experiment.stopping.push_back({pairs.get<int>(), *change, *low, *high});
  }
  if (const nlohmann::json stopped = sequential.value("stopped_at", nlohmann::json()); stopped.is_number_integer()) {
    experiment.stopped_at = stopped.get<int>();
  }
}

// results.json (written by `zkbench exp run`): per-input figures of the primary metric, the reason,
// and the stopping trace of a sequential run (of the heaviest input that has one: the dashboard draws
// one trace per experiment).
void apply_results(report::Experiment& experiment, const std::string& details_json, const std::string& metric) {
  const nlohmann::json details = nlohmann::json::parse(details_json, nullptr, false);
  if (!details.is_object()) {
    return;
  }
  if (details.contains("reason") && details["reason"].is_string() && !details["reason"].get<std::string>().empty()) {
    experiment.reasoning = details["reason"].get<std::string>();
  }
  double weight_sum = 0, low_sum = 0, high_sum = 0;
  bool all_bounded = true;
  std::optional<double> trace_weight;
  for (const nlohmann::json& in : details.value("inputs", nlohmann::json::array())) {
    report::InputResult input;
    input.input = in.value("input", "");
    input.verdict = in.value("verdict", "");
    input.change_pct = percent(in.value("change", nlohmann::json()));
    if (const nlohmann::json gpu = in.value("gpu", nlohmann::json()); gpu.is_object()) {
      input.gpu = report::GpuFigures{gpu.value("runs", 0), gpu.value("energy_joules_median", 0.0),
                                     gpu.value("memory_peak_bytes", 0.0), gpu.value("throttled_runs", 0)};
    }
    const nlohmann::json metrics = in.value("metrics", nlohmann::json::array());
    for (const nlohmann::json& m : metrics) {
      if (m.value("metric", "") != metric && !(metric == "time" && m.value("metric", "") == "wall_s")) {
        continue;
      }
      input.baseline = summary_estimate(m.value("baseline", nlohmann::json()));
      input.candidate = summary_estimate(m.value("candidate", nlohmann::json()));
      const nlohmann::json ci = m.value("ci95", nlohmann::json::array());
      if (ci.is_array() && ci.size() == 2) {
        input.change_ci_low_pct = percent(ci[0]);
        input.change_ci_high_pct = percent(ci[1]);
      }
    }
    const double weight = in.value("weight", 1.0);
    if (const auto sequential = in.find("sequential");
        sequential != in.end() && sequential->is_object() && (!trace_weight || weight > *trace_weight)) {
      apply_trace(experiment, *sequential);
      trace_weight = weight;
    }
    if (input.change_ci_low_pct && input.change_ci_high_pct) {
      weight_sum += weight;
      low_sum += weight * *input.change_ci_low_pct;
      high_sum += weight * *input.change_ci_high_pct;
    } else {
      all_bounded = false;
    }
    experiment.inputs.push_back(std::move(input));
  }
  // The weighted mean of the inputs' bounds: never narrower than the interval of the weighted change
  // (the width of a weighted sum is at most the weighted sum of widths), so it errs on the cautious side.
  if (all_bounded && weight_sum > 0) {
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
  std::vector<std::pair<std::string, std::int64_t>> sessions;
  for (const store::BaselineInput& input : found->inputs) {
    sessions.emplace_back(input.input, input.session_id);
  }
  ZKBENCH_TRY_ASSIGN(runs, runs_of_sessions(store, sessions, metric));
  return &(cache[*id] = std::move(*runs));
}

} // namespace

Result<Dashboard> load_dashboard(store::Store& store, const DashboardSource& source, StoredProfiles* profiles) {
  Dashboard dashboard;
  report::Overview& overview = dashboard.overview;
  const std::string& metric = source.primary_metric;
  overview.project = fs::absolute(source.project_dir).lexically_normal().filename().string();
  overview.primary_metric = metric == "time" ? "wall time" : metric;
  overview.unit = metric == "time" ? "s" : "";
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
    std::vector<std::pair<std::string, std::int64_t>> sessions;
    for (const store::BaselineInput& input : baseline.inputs) {
      sessions.emplace_back(input.input, input.session_id);
    }
    ZKBENCH_TRY_ASSIGN(runs, runs_of_sessions(store, sessions, metric));
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
    experiment.number = record.number;
    experiment.name = record.name;
    experiment.status = record.status;
    experiment.verdict = record.verdict;
    experiment.hypothesis = record.hypothesis;
    experiment.branch = record.branch;
    experiment.reasoning = record.close_reason;
    experiment.change_pct = percent(record.change);
    if (!record.details_json.empty()) {
      apply_results(experiment, record.details_json, metric);
    }
    ZKBENCH_TRY_ASSIGN(links, store.session_links("experiment", record.id));
    std::vector<std::pair<std::string, std::int64_t>> sessions;
    for (const store::SessionLink& link : *links) {
      sessions.emplace_back(link.input, link.session_id);
    }
    ZKBENCH_TRY_ASSIGN(runs, runs_of_sessions(store, sessions, metric));
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
                           (report::experiment_id(record.number) + "-" + record.slug) / "changes.patch";
    experiment.patch = read_bounded(patch, k_patch_limit);
    ZKBENCH_TRY_ASSIGN(changes,
                       profiles->experiment_changes(record.number, record.baseline_id, k_profile_functions));
    experiment.profile_up = std::move(changes->up);
    experiment.profile_down = std::move(changes->down);
    if (experiment.status == "running") {
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

  // A measuring zkbench keeps .zkbench/status.json; one whose process is gone was killed, not running.
  const fs::path status_path = workflow::status_path(source.project_dir);
  if (auto text = read_bounded(status_path, 64 * 1024); !text.empty()) {
    if (auto status = workflow::parse_status_json(text); status && workflow::process_alive(status->pid)) {
      report::CurrentRun current;
      current.name = status->command + (status->input.empty() ? "" : " · " + status->input);
      if (status->command.rfind("exp run ", 0) == 0) {
        current.experiment = std::atoi(status->command.c_str() + 8);
      }
      current.runs_done = status->run;
      current.runs_total = status->runs;
      if (!status->log.empty()) {
        current.log_tail = tail_lines(status->log, report::k_log_tail_lines);
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
