#pragma once
// The dashboard's current run when a Slurm cluster runs the project's jobs: the store's open Slurm
// jobs and what squeue says of them (read-only: closing ended jobs is `zkbench queue`'s).

#include <optional>
#include <string>

#include "report/dashboard_model.hpp"

namespace zkbench::dashboard {

/// The running Slurm job of the store at `store_location` (else the oldest waiting one) as a current
/// run: its experiment, "Slurm job N", node and state. nullopt when the location is empty, this
/// machine has no Slurm tools, the store has no open Slurm job, or Slurm cannot be asked.
std::optional<report::CurrentRun> scheduled_run(const std::string& store_location);

} // namespace zkbench::dashboard
