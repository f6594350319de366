#pragma once
// The `fleet:` section of zkbench.yaml: where `zkbench submit` sends a project's jobs.
//
//   fleet:
//     scheduler: slurm            # queue (default: the store's job queue, run by `zkbench worker`) | slurm
//     partition: gpu              # sbatch --partition (default: the cluster's default partition)
//     gres: gpu:1                 # sbatch --gres per job (default gpu:1; "" asks for none)
//     account: zk-team            # sbatch --account (default: none)
//     sbatch_options: ["--qos=bench", "--time=120"]   # passed to sbatch before zkbench's own options
//     min_time_limit_minutes: 10  # the floor of the time limit zkbench computes (default 10)
//     build_minutes: 15           # allowance for a job's build (default 15 with benchmark.build, else 0)
//
// sbatch_options come first, so that a `--time` there is the limit of jobs zkbench cannot estimate
// (a first baseline, `run` jobs) while the computed limit wins where there is a baseline to go by.

#include <optional>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace zkbench::project {

class YamlReader;

enum class Scheduler { queue, slurm };

struct FleetConfig {
  Scheduler scheduler = Scheduler::queue;
  std::string partition;                   // empty: the cluster's default
  std::string gres = "gpu:1";              // empty: no --gres
  std::string account;                     // empty: no --account
  std::vector<std::string> sbatch_options; // each "--name" or "--name=value"
  double min_time_limit_minutes = 10;
  std::optional<double> build_minutes;     // nullopt: 15 when the project has a build command, else 0
};

/// "queue", "slurm".
const char* to_string(Scheduler scheduler);
/// The inverse of to_string; nullopt for anything else.
std::optional<Scheduler> parse_scheduler(const std::string& text);

/// The sbatch options zkbench sets itself, which `sbatch_options` may not name (the job would not be
/// the one zkbench tracks): --job-name, --output, --error, --chdir, --dependency, --parsable, --export, --wrap.
bool is_reserved_sbatch_option(const std::string& option);

/// Reads `root`'s `fleet:` section (defaults when absent). Throws YamlError, located, on unknown keys,
/// an unknown scheduler, a gres that is not NAME[:TYPE]:COUNT, an sbatch option that does not start
/// with "--" or is one zkbench sets itself, a negative build_minutes, a min_time_limit_minutes <= 0.
FleetConfig read_fleet(const YamlReader& reader, const YAML::Node& root);

} // namespace zkbench::project
