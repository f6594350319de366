#pragma once
// Builds the dashboard (report/dashboard_model.hpp) of a project from its store (baselines,
// experiments, their sessions and runs, the diff of their profiles against the baseline's, learnings,
// ideas, compound tests) and its files (the status file of a running zkbench and its log, experiments'
// patches, bisections' results.json). Read-only: never writes the store.

#include <filesystem>
#include <string>
#include <vector>

#include "dashboard/dashboard_profiles.hpp"
#include "report/dashboard_model.hpp"
#include "store/store.hpp"
#include "util/error.hpp"

namespace zkbench::dashboard {

struct DashboardSource {
  std::filesystem::path project_dir; // the folder of zkbench.yaml
  std::string primary_metric = "time"; // the policy's primary metric ("time" is the wall time)
  std::string store_location{};        // where the store is; set: a Slurm job of its queue shows in the current run
};

/// The results.json of the project's bisections (benchmarks/bisect/NNN/results.json), by id.
std::vector<std::filesystem::path> bisection_files(const std::filesystem::path& project_dir);

/// The dashboard of the project. Missing pieces (no baseline yet, no status file, no patch file) are
/// left empty; a results.json record that does not parse is skipped for that experiment, with a line in
/// the dashboard's `warnings`. `profiles` (reading `store`) keeps what it computed for the next load;
/// without it, profiles are read for this load alone. Errors: the store's (a read that fails).
Result<report::Dashboard> load_dashboard(store::Store& store, const DashboardSource& source,
                                         StoredProfiles* profiles = nullptr);

} // namespace zkbench::dashboard
