#pragma once
// The executor `zkbench run` measures with: a ProcessExecutor that runs every command with the chosen
// shell (--shell) and gives the benchmarked commands (not the hooks) their --input and --output, so the
// run loop stays unaware of these hyperfine options.

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "measure/executor.hpp"

namespace zkbench::measure {

class RunExecutor : public measure::Executor {
public:
  /// `inner` runs the commands (not owned). `outputs` maps a benchmarked command's text to the file its
  /// output is appended to (--output FILE); `input` is their stdin (nullopt: /dev/null).
  RunExecutor(measure::Executor& inner, std::vector<std::string> shell_argv,
              std::map<std::string, std::filesystem::path> outputs, std::set<std::string> benchmarked,
              std::optional<std::filesystem::path> input);

  Result<measure::ExecutionResult> execute(const measure::CommandSpec& command,
                                           const measure::ExecutionOptions& options) override;

private:
  measure::Executor& m_inner;
  std::vector<std::string> m_shell_argv;
  std::map<std::string, std::filesystem::path> m_outputs;
  std::set<std::string> m_benchmarked;
  std::optional<std::filesystem::path> m_input;
};

} // namespace zkbench::measure
