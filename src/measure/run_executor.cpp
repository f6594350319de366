#include "measure/run_executor.hpp"

#include <fstream>

#include <fmt/format.h>

namespace zkbench::measure {

RunExecutor::RunExecutor(measure::Executor& inner, std::vector<std::string> shell_argv,
                         std::map<std::string, std::filesystem::path> outputs, std::set<std::string> benchmarked,
                         std::optional<std::filesystem::path> input)
    : m_inner(inner), m_shell_argv(std::move(shell_argv)), m_outputs(std::move(outputs)),
      m_benchmarked(std::move(benchmarked)), m_input(std::move(input)) {}

Result<measure::ExecutionResult> RunExecutor::execute(const measure::CommandSpec& command,
                                                      const measure::ExecutionOptions& options) {
  measure::CommandSpec spec = command;
  spec.shell_argv = m_shell_argv;
  measure::ExecutionOptions opts = options;
  const bool benchmarked = m_benchmarked.count(command.text) > 0;
  const auto output = m_outputs.find(command.text);
  if (benchmarked) {
    spec.stdin_path = m_input;
  }
  if (output != m_outputs.end()) {
    opts.capture_output = true; // tail-bounded (capture_limit_bytes), as the run's log
  }
  auto result = m_inner.execute(spec, opts);
  if (result && output != m_outputs.end()) {
    std::ofstream out(output->second, std::ios::binary | std::ios::app);
    out << result->output;
    if (!out) {
      return make_error(fmt::format("cannot append the output of '{}' to '{}'", command.text, output->second.string()));
    }
  }
  return result;
}

} // namespace zkbench::measure
