#pragma once
// `zkbench submit --scheduler slurm`: each job becomes a row of the store's queue (kind "slurm") and an
// sbatch job that runs `zkbench worker --job ID` on a node (queue/slurm_batch.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/store.hpp"
#include "project/config.hpp"

namespace zkbench::cli {

/// One job to submit: the zkbench arguments and the experiment (or "baseline") it is for.
struct SubmitJob {
  std::vector<std::string> argv;
  std::string experiment;
};

struct SlurmSubmit {
  std::string store_location;                   // as given (a URL's password included: it goes in the environment)
  std::string machine_class;
  std::optional<project::Project> project;     // zkbench.yaml and inputs, when the folder has them
  project::FleetConfig fleet;                  // the project's, else the defaults
};

/// Submits `jobs` in order; an experiment or compound job after a baseline job of the same call waits
/// for it (afterok). Prints one line per job. Throws Fatal when sbatch fails (the job's row is closed
/// as not submitted, the jobs already submitted stay).
void submit_to_slurm(const SlurmSubmit& submit, const std::vector<SubmitJob>& jobs);

} // namespace zkbench::cli
