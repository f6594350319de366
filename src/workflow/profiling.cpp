#include "workflow/profiling.hpp"


#include <fmt/format.h>

#include "measure/process_executor.hpp"
#include "profile/diff.hpp"
#include "profile/parse.hpp"
#include "profile/render.hpp"
#include "workflow/command_template.hpp"
#include "workflow/git.hpp"
#include "workflow/measure_inputs.hpp"

namespace zkbench::workflow {

Result<bool> capture_profile(const ProjectConfig& config, const InputSpec& input, const std::filesystem::path& work_dir,
                             const std::filesystem::path& destination) {
  if (!config.profile) {
    return false;
  }
  const std::filesystem::path out = scratch_dir(config, input);
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  const Placeholders values = placeholders_for(config, input, out);
  auto command = expand(config.profile->command, values);
  if (!command) {
    return tl::unexpected(command.error());
  }
  const bool to_file = !config.profile->output.empty();
  measure::ProcessExecutor executor;
  measure::CommandSpec spec;
  spec.text = to_file ? *command : "{ " + *command + "\n} 2>/dev/null";
  spec.shell = measure::ShellMode::shell;
  spec.working_dir = work_dir;
  measure::ExecutionOptions options;
  options.capture_limit_bytes = std::size_t{256} << 20;
  auto result = executor.execute(spec, options);
  if (!result) {
    return make_error(fmt::format("profiler '{}' cannot run: {}", *command, result.error().message));
  }
  if (result->status != core::RunStatus::success) {
    return make_error(fmt::format("profiler '{}' failed on input '{}' (exit {})", *command, input.name,
                                  result->exit_code.value_or(-1)));
  }
  std::string text = result->output;
  if (to_file) {
    auto written = read_written_file(config.profile->output, values, work_dir, "the profiler's output");
    if (!written) {
      return tl::unexpected(written.error());
    }
    text = std::move(*written);
  }
  WORKFLOW_TRY(write_file_atomically(destination, text));
  return true;
}

Result<std::string> profile_diff_text(const std::filesystem::path& base, const std::filesystem::path& current) {
  auto a = profile::parse_profile_file(base);
  if (!a) {
    return tl::unexpected(a.error());
  }
  auto b = profile::parse_profile_file(current);
  if (!b) {
    return tl::unexpected(b.error());
  }
  return profile::render_diff(profile::diff_profiles(*a, *b), "baseline", "experiment", 20);
}

} // namespace zkbench::workflow
