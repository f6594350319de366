#pragma once
// One input with the project's commands for it expanded once: `exp run`, `compound`, `baseline` and the
// profiler prepare an input and pass the value down (generator, benchmark command, verifier, correctness
// command and its output files, how its runs' metrics are read, the configured profiler) instead of
// expanding the templates again at every step.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "measure/metrics.hpp"
#include "measure/run_loop.hpp"
#include "util/error.hpp"
#include "project/command_template.hpp"
#include "project/config.hpp"
#include "project/inputs.hpp"

namespace zkbench::workflow {

struct PreparedInput {
  project::InputSpec spec;
  std::filesystem::path out;            // its scratch folder (scratch_dir), created: {out}
  project::Placeholders values;         // {input}, {input_name}, {out}, vars
  std::optional<std::string> generator; // inputs.yaml `generate:`: the generator's command line
  std::string command;                  // benchmark.command
  std::optional<std::string> verify;    // correctness.verify, when set
  std::string correctness;              // correctness.command
  /// correctness.outputs: each as written (hashed with its content) and its path expanded (relative:
  /// to the checkout the command ran in).
  std::vector<std::pair<std::string, std::filesystem::path>> outputs;
  /// How a run's figures are read (measure::make_metric_reader): benchmark.metrics parsed, each of
  /// benchmark.metric_files expanded (relative: to the side's checkout), and benchmark.prover_metrics
  /// (the prover's parsers on the run's output; empty when not set).
  std::vector<measure::MetricSpec> metrics;
  std::map<std::string, std::filesystem::path> metric_files;
  measure::OutputFigures figures;
  std::optional<project::ProfilerCommand> profiler; // zkbench.yaml `profile:` expanded, when configured
};

/// The commands of `input` expanded; its scratch folder ({out}) created. Errors: a template with an
/// unknown placeholder, a metric whose pattern does not parse (the config's reader refuses those first;
/// a project built in code may not have been read).
Result<PreparedInput> prepare_input(const project::ProjectConfig& config, const project::InputSpec& input);

/// The scratch folder of `input` ({out}): .zkbench/out/<input> under the project root.
std::filesystem::path scratch_dir(const project::ProjectConfig& config, const project::InputSpec& input);

} // namespace zkbench::workflow
