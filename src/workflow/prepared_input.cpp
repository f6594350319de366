#include "workflow/prepared_input.hpp"

#include "provers/output_metrics.hpp"

namespace zkbench::workflow {

std::filesystem::path scratch_dir(const project::ProjectConfig& config, const project::InputSpec& input) {
  return config.root / ".zkbench" / "out" / input.name;
}

Result<PreparedInput> prepare_input(const project::ProjectConfig& config, const project::InputSpec& input) {
  PreparedInput prepared;
  prepared.spec = input;
  prepared.out = scratch_dir(config, input);
  std::error_code ec;
  std::filesystem::create_directories(prepared.out, ec);
  prepared.values = project::placeholders_for(config, input, prepared.out);
  if (input.generate) {
    ZKBENCH_TRY_ASSIGN(generator, project::generator_command(input));
    prepared.generator = std::move(*generator);
  }
  ZKBENCH_TRY_ASSIGN(command, project::expand(config.benchmark.command, prepared.values));
  prepared.command = std::move(*command);
  if (!config.correctness.verify.empty()) {
    ZKBENCH_TRY_ASSIGN(verify, project::expand(config.correctness.verify, prepared.values));
    prepared.verify = std::move(*verify);
  }
  ZKBENCH_TRY_ASSIGN(correctness, project::expand(config.correctness.command, prepared.values));
  prepared.correctness = std::move(*correctness);
  for (const std::string& output : config.correctness.outputs) {
    ZKBENCH_TRY_ASSIGN(path, project::expand_word(output, prepared.values));
    prepared.outputs.emplace_back(output, std::move(*path));
  }
  if (config.profile) {
    prepared.profiler = project::expand_profiler(*config.profile, prepared.values);
  }
  for (const auto& [name, path] : config.benchmark.metric_files) {
    prepared.metric_files[name] = project::substitute(path, prepared.values);
  }
  for (const auto& [name, regex] : config.benchmark.metrics) {
    ZKBENCH_TRY_ASSIGN(spec, with_context(measure::parse_metric_spec(name + "=" + regex),
                                          "zkbench.yaml benchmark.metrics." + name));
    prepared.metrics.push_back(std::move(*spec));
  }
  if (const auto prover = config.benchmark.prover_metrics) {
    prepared.figures = [kind = *prover](std::string_view printed) {
      return provers::prover_output_metrics(kind, printed);
    };
  }
  return prepared;
}

} // namespace zkbench::workflow
