#include "workflow/experiment_recovery.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "util/files.hpp"
#include "util/strings.hpp"
#include "workflow/accumulator.hpp"
#include "project/workspace.hpp"

namespace zkbench::workflow {

std::string base_branch(const store::ExperimentRecord& e) {
  return "bench/" + e.experiment_number().format() + "-" + e.slug;
}

Result<std::vector<std::string>> finish_decided(project::Workspace& ws, const store::ExperimentRecord& e,
                                                const std::string& verdict_md) {
  std::vector<std::string> warnings;
  std::string finished_now; // decided by an earlier run that was killed while finishing: what is done now
  if (verdict_md.empty()) {
    const auto unfinished =
        e.state() == core::ExperimentStatus::done ? unfinished_steps(ws, e) : std::vector<std::string>{};
    if (unfinished.empty()) {
      return make_error(fmt::format("experiment {} is already decided: {} (branch {})", e.experiment_number(),
                                    e.verdict, e.branch));
    }
    finished_now = fmt::format("experiment {} was decided ({}) by an earlier run that was stopped while finishing: "
                               "done now ({})",
                               e.experiment_number(), e.verdict, util::join(unfinished, ", "));
  }
  const std::string started_as = base_branch(e);
  if (!ws.git.branch_exists(e.branch) && ws.git.branch_exists(started_as)) {
    ZKBENCH_TRY(ws.git.rename_branch(started_as, e.branch));
  }
  const std::filesystem::path dir = ws.experiment_dir(e);
  ZKBENCH_TRY(util::write_file_atomically(dir / "results.json", e.details_json));
  if (!verdict_md.empty() || !std::filesystem::exists(dir / "verdict.md")) { // a resumed finish keeps the run's own
    ZKBENCH_TRY(util::write_file_atomically(dir / "verdict.md", !verdict_md.empty() ? verdict_md
                                                             : fmt::format("# Experiment {}: {}\n\n**Verdict: {}**: {}\n",
                                                                           e.experiment_number(), e.name, e.verdict,
                                                                           e.close_reason)));
  }
  if (e.outcome() == core::Outcome::keep) { // merging an already merged branch changes nothing
    auto note = merge_into_accumulator(ws, e.branch, e.baseline_commit);
    if (!note) {
      warnings.push_back(note.error().message);
    } else if (!note->empty()) {
      warnings.push_back(*note);
    }
  }
  if (!finished_now.empty()) {
    warnings.push_back(finished_now);
  }
  return warnings;
}

std::vector<std::string> unfinished_steps(project::Workspace& ws, const store::ExperimentRecord& e) {
  std::vector<std::string> missing;
  const bool renamed = ws.git.branch_exists(e.branch);
  if (!renamed) {
    missing.push_back("branch " + e.branch);
  }
  const std::filesystem::path dir = ws.experiment_dir(e);
  for (const char* file : {"results.json", "verdict.md"}) {
    if (!std::filesystem::exists(dir / file)) {
      missing.emplace_back(file);
    }
  }
  if (e.outcome() == core::Outcome::keep &&
      !(renamed && ws.git.run({"merge-base", "--is-ancestor", e.branch, k_accumulator_branch}))) {
    missing.push_back(fmt::format("merge into {}", k_accumulator_branch));
  }
  return missing;
}

} // namespace zkbench::workflow
