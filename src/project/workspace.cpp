#include "project/workspace.hpp"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "gpu/run_monitor.hpp"
#include "measure/interrupt.hpp"
#include "measure/process_executor.hpp"
#include "stats/descriptive.hpp"
#include "util/strings.hpp"
#include "project/store_location.hpp"

namespace zkbench::project {

std::filesystem::path Workspace::experiment_dir(const store::ExperimentRecord& e) const {
  return benchmarks_dir() / "experiments" / (e.experiment_number().format() + "-" + e.slug);
}

std::filesystem::path Workspace::worktree_dir(const std::string& name) const {
  return state_dir() / "worktrees" / name;
}

Result<Workspace> open_workspace(const std::filesystem::path& config_path) {
  std::error_code ec;
  if (!std::filesystem::exists(config_path, ec)) {
    return make_error(fmt::format("no {} here: run zkbench init first (or pass --config)", config_path.string()));
  }
  ZKBENCH_TRY_ASSIGN(project, load_project(config_path));
  Workspace ws;
  ws.project = std::move(*project);
  ws.git = Git(ws.project.config.root);
  if (!ws.git.run({"rev-parse", "--git-dir"})) {
    return make_error(fmt::format("{} is not in a git repository: the workflow keeps experiments on git branches",
                                  ws.project.config.file.string()));
  }
  const std::string location = store_location({}, ws.project.config.store, ws.project.config.root);
  ws.store_location = location;
  ZKBENCH_TRY_ASSIGN(opened, store::open_store(location, store::OpenMode::create));
  ws.store = std::move(*opened);
  ws.machine_class = machine_class_from_env();
  ws.executor = std::make_unique<measure::ProcessExecutor>();
  gpu::ThermalPolicy thermal;
  thermal.cooldown_s = ws.project.config.benchmark.cooldown_seconds;
  thermal.max_start_temp_c = ws.project.config.benchmark.max_start_temp_c;
  thermal.stop_requested = [] { return measure::interrupt_requested(); }; // Ctrl-C ends a wait at once
  ws.monitor = std::make_unique<gpu::GpuRunMonitor>(gpu::open_best_source(), thermal, nullptr);
  measure::ContentionPolicy contention = ws.project.config.contention;
  contention.enabled = contention.enabled && !measure::contention_gate_off_by_env();
  auto machine = std::make_shared<measure::MachineContentionGate>(
      contention, contention.enabled ? gpu::compute_process_reader() : std::function<std::vector<measure::GpuProcess>()>{});
  ws.contention = std::shared_ptr<measure::ContentionGate>(machine, &machine->gate());
  ws.stop_requested = [] { return measure::interrupt_requested(); };
  return ws;
}

std::string machine_class_from_env() {
  const char* value = std::getenv("ZKBENCH_MACHINE_CLASS");
  return value != nullptr ? std::string(util::trim(value)) : std::string();
}

double weighted_mean_of_medians(const std::map<std::string, core::Benchmark>& benches, const InputSet& inputs) {
  double total = 0;
  double weights = 0;
  for (const InputSpec& input : inputs.inputs) {
    const auto it = benches.find(input.name);
    if (it == benches.end() || it->second.runs.empty()) {
      continue;
    }
    const auto times = it->second.wall_times();
    total += input.weight * stats::median(times);
    weights += input.weight;
  }
  return weights > 0 ? total / weights : 0;
}

} // namespace zkbench::project
