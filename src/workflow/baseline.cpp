#include "workflow/baseline.hpp"

#include <fmt/format.h>

#include "report/exporter.hpp"
#include "stats/descriptive.hpp"
#include "project/environment.hpp"
#include "project/linked_runs.hpp"
#include "util/files.hpp"
#include "workflow/checkout_steps.hpp"
#include "workflow/measure_inputs.hpp"
#include "workflow/profiling.hpp"

namespace zkbench::workflow {

std::string spread_warning(const std::string& input, double cv, double limit, int runs) {
  if (!(cv > limit)) {
    return {};
  }
  return fmt::format("input '{}': CV {:.1f}% is above {:.0f}%: check for thermal throttling (nvidia-smi -q -d "
                     "TEMPERATURE), background load (top) and CPU frequency scaling, then re-run with more runs "
                     "(zkbench baseline --runs {})",
                     input, cv * 100, limit * 100, std::max(20, runs * 2));
}

Result<BaselineOutcome> establish_baseline(project::Workspace& ws, const BaselineOptions& options) {
  const project::ProjectConfig& config = ws.project.config;
  const auto say = [&](const std::string& line) {
    if (options.say) {
      options.say(line);
    }
  };
  BaselineOutcome outcome;
  auto commit = ws.git.commit_of("HEAD");
  if (!commit) {
    return make_error("the project has no commit yet: commit the code to benchmark first");
  }
  outcome.commit = *commit;
  project::CollectOptions collect;
  collect.repo_dir = ws.root();
  collect.guest_manifest = config.guest_manifest;
  const project::Environment env = project::collect_environment(collect);
  if (env.dirty) {
    outcome.warnings.push_back("the working tree has uncommitted changes: the baseline measures them, but experiments "
                               "branch from the commit " + outcome.commit.substr(0, 12));
  }
  if (options.status != nullptr) {
    options.status->info().phase = "build";
    options.status->write();
  }
  say(fmt::format("building {} ({})", outcome.commit.substr(0, 12), config.benchmark.build));
  ZKBENCH_TRY(build_checkout(ws, ws.root(), ws.state_dir() / "logs" / "baseline-build.log"));

  std::vector<store::BaselineInput> records;
  for (const project::InputSpec& input : ws.project.inputs.inputs) {
    ZKBENCH_TRY(ensure_input(ws, input));
    ZKBENCH_TRY_ASSIGN(hash, correctness_hash(ws, input, ws.root()));
    records.push_back({input.name, hash->hash, 0});
    say(fmt::format("correctness: {} -> {}", input.name, hash->hash.substr(0, 16)));
  }

  ZKBENCH_TRY_ASSIGN(policy, project::project_policy(config));
  // A baseline is recorded once every input is measured; meanwhile its sessions are linked to the
  // commit and the number of baselines recorded so far, so a killed `zkbench baseline` resumes with the
  // runs it kept, and a later baseline of the same commit measures afresh.
  ZKBENCH_TRY_ASSIGN(recorded, ws.store->list_baselines());
  MeasureOptions measure;
  measure.owner = {"baseline:" + outcome.commit, static_cast<std::int64_t>(recorded->size()), "zkbench baseline",
                   "baseline"};
  measure.runs = options.runs.value_or(config.benchmark.runs);
  measure.warmup = config.benchmark.warmup;
  measure.status = options.status;
  // The verifier checks the command itself once: a proof of the baseline's code must verify.
  const SideSpec side{"baseline", ws.root(), measure::VerifyWhen::first_run};
  std::vector<core::Benchmark> measured;
  std::vector<store::SessionLink> input_sessions; // every session of every input (a resumed input has several)
  const auto& inputs = ws.project.inputs.inputs;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (options.status != nullptr) {
      options.status->info().input_index = static_cast<int>(i + 1);
      options.status->info().input_count = static_cast<int>(inputs.size());
    }
    say(fmt::format("measuring {} ({}/{}): {} runs, {} warmup", inputs[i].name, i + 1, inputs.size(), measure.runs,
                    measure.warmup));
    ZKBENCH_TRY_ASSIGN(m, measure_input(ws, inputs[i], std::span(&side, 1), measure));
    if (m->resumed_runs > 0) {
      say(fmt::format("resumed {} with {} runs already in the store", inputs[i].name, m->resumed_runs));
    }
    if (m->end == measure::LoopStatus::interrupted) {
      return make_error("interrupted: the baseline is not recorded yet; its runs are kept: zkbench baseline resumes");
    }
    if (m->end == measure::LoopStatus::verify_failed) {
      return make_error(fmt::format("the verify command fails on the baseline's own code (input '{}'): {}: {}",
                                    inputs[i].name, m->message, m->verifier_output));
    }
    if (m->end != measure::LoopStatus::complete && m->end != measure::LoopStatus::decided) {
      return make_error(fmt::format("the benchmark failed on input '{}': {}", inputs[i].name, m->message));
    }
    ZKBENCH_TRY_ASSIGN(sessions, project::linked_sessions(*ws.store, measure.owner.name, measure.owner.id));
    const auto linked = sessions->find(inputs[i].name);
    if (linked == sessions->end()) {
      return make_error("the baseline's measuring session was not linked in the store");
    }
    for (const std::int64_t session : linked->second) {
      records[i].session_id = session;
      input_sessions.push_back({"baseline", 0, inputs[i].name, session});
    }
    const core::Benchmark& bench = m->sides.front();
    const auto times = bench.wall_times();
    BaselineInputSummary summary{inputs[i].name, times.size(), stats::median(times), stats::cv(times), records[i].output_hash};
    if (auto warning = spread_warning(inputs[i].name, summary.cv, policy->cv_limit, measure.runs); !warning.empty()) {
      outcome.warnings.push_back(warning);
    }
    outcome.inputs.push_back(summary);
    measured.push_back(bench);
  }

  // Files first, then the store record: a baseline in the store always has its files.
  const std::filesystem::path dir = ws.benchmarks_dir() / "baseline";
  auto exporter = report::make_json_exporter();
  std::string metrics = fmt::format("# The baseline's figures per input (zkbench baseline, commit {}).\ncommit: {}\n"
                                    "date: \"{}\"\nprimary: time_seconds\ninputs:\n",
                                    outcome.commit.substr(0, 12), outcome.commit, env.date);
  for (std::size_t i = 0; i < measured.size(); ++i) {
    const std::filesystem::path file = dir / (inputs[i].name + ".json");
    ZKBENCH_TRY(util::write_file_atomically(
        file, exporter->serialize(std::span(&measured[i], 1), report::TimeUnit::second)));
    outcome.files.push_back(file);
    const auto times = measured[i].wall_times();
    metrics += fmt::format("  {}:\n    time_seconds: {{median: {:.6f}, mean: {:.6f}, stddev: {:.6f}, cv: {:.4f}, runs: {}}}\n"
                           "    peak_rss_bytes: {}\n    output_sha256: {}\n",
                           inputs[i].name, stats::median(times), stats::mean(times), stats::stddev(times),
                           stats::cv(times), times.size(),
                           measured[i].runs.empty() ? 0 : measured[i].runs.back().peak_rss_bytes, records[i].output_hash);
    for (const std::string& name : measured[i].metric_names()) {
      const auto values = measured[i].metric_values(name);
      metrics += fmt::format("    {}: {{median: {}, mean: {}}}\n", name, stats::median(values), stats::mean(values));
    }
  }
  ZKBENCH_TRY(util::write_file_atomically(dir / "metrics.yaml", metrics));
  outcome.files.push_back(dir / "metrics.yaml");
  KeptProfile profile;
  if (!inputs.empty()) {
    ZKBENCH_TRY_ASSIGN(prepared, prepare_input(ws.project.config, inputs.front()));
    ZKBENCH_TRY_ASSIGN(kept, keep_profile(*ws.executor, *prepared, ws.root(), dir, "baseline profile"));
    profile = std::move(*kept);
    for (const auto& file : profile.files) {
      outcome.files.push_back(file.second);
    }
    outcome.warnings.insert(outcome.warnings.end(), profile.warnings.begin(), profile.warnings.end());
  }
  const std::string env_yaml = project::to_yaml(env);
  ZKBENCH_TRY(util::write_file_atomically(ws.benchmarks_dir() / "environment.yaml", env_yaml));
  outcome.files.push_back(ws.benchmarks_dir() / "environment.yaml");

  ZKBENCH_TRY_ASSIGN(
      id, ws.store->add_baseline({0, outcome.commit, env_yaml, project::now_us(), records, ws.machine_class}));
  outcome.baseline_id = *id;
  for (store::SessionLink link : input_sessions) { // baseline_benchmarks reads every session of an input
    link.owner_id = *id;
    ZKBENCH_TRY(ws.store->link_session(link));
  }
  // The baseline's profile in the store too: the dashboard compares experiments' profiles with it.
  store::ProfileRecord record;
  record.title = "baseline";
  record.commit = outcome.commit;
  record.baseline_id = *id;
  const std::vector<std::string> refused = store_kept_profile(*ws.store, profile, record);
  outcome.warnings.insert(outcome.warnings.end(), refused.begin(), refused.end());
  return outcome;
}

} // namespace zkbench::workflow
