#include "workflow/checkout_steps.hpp"

#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "measure/run_loop.hpp"
#include "util/files.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"
#include "project/workspace.hpp"

namespace zkbench::workflow {

namespace {

measure::CommandSpec shell_command(std::string text, const std::filesystem::path& dir) {
  measure::CommandSpec spec;
  spec.text = std::move(text);
  spec.shell = measure::ShellMode::shell;
  spec.working_dir = dir;
  return spec;
}

} // namespace

std::string tail_lines(const std::string& text, std::size_t lines) {
  return util::join(util::last_lines(util::trim(text), lines), " | ");
}

Result<std::string> read_written_file(const std::filesystem::path& path, const std::filesystem::path& work_dir,
                                      const std::string& what) {
  const std::filesystem::path file = path.is_relative() ? work_dir / path : path;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return make_error(fmt::format("{} '{}' was not written", what, file.string()));
  }
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

Result<void> build_checkout(project::Workspace& ws, const std::filesystem::path& work_dir, const std::filesystem::path& log) {
  const project::ProjectConfig& config = ws.project.config;
  if (config.benchmark.build.empty()) {
    return {};
  }
  std::error_code ec;
  std::filesystem::create_directories(log.parent_path(), ec);
  measure::ExecutionOptions options;
  options.log_path = log;
  ZKBENCH_TRY_ASSIGN(
      result, with_context(ws.executor->execute(shell_command(config.benchmark.build, work_dir), options),
                           fmt::format("build '{}' cannot run", config.benchmark.build)));
  if (result->status != core::RunStatus::success) {
    return make_error(fmt::format("build '{}' failed ({}) in {}: {}", config.benchmark.build,
                                  measure::describe_ending(*result, measure::EndingWords::brief), work_dir.string(),
                                  tail_lines(result->output, 5)));
  }
  return {};
}

Result<std::filesystem::path> kept_build(project::Workspace& ws, const std::string& commit, const std::string& name,
                                         const std::function<void(const std::string&)>& say) {
  const std::filesystem::path tree = ws.worktree_dir(name);
  const std::filesystem::path stamp = tree / ".zkbench-built";
  std::error_code ec;
  if (std::filesystem::exists(stamp, ec)) {
    return tree;
  }
  ZKBENCH_TRY(ws.git.ensure_worktree(tree, commit));
  if (say) {
    say(fmt::format("building {} in {} (once per commit)", commit.substr(0, 12), tree.string()));
  }
  ZKBENCH_TRY(build_checkout(ws, tree, ws.state_dir() / "logs" / (name + "-build.log")));
  ZKBENCH_TRY(util::write_file_atomically(stamp, commit + "\n"));
  return tree;
}

Result<void> ensure_input(project::Workspace& ws, const project::InputSpec& input) {
  ZKBENCH_TRY_ASSIGN(prepared, prepare_input(ws.project.config, input));
  return ensure_input(ws, *prepared);
}

Result<void> ensure_input(project::Workspace& ws, const PreparedInput& prepared) {
  const project::InputSpec& input = prepared.spec;
  if (!prepared.generator) {
    return {};
  }
  const std::string& command = *prepared.generator;
  // The stamp names what made the file: the same command and seed give the same input (generators must
  // be deterministic), so a matching file is reused and any change makes it again.
  const std::string stamp = fmt::format("command: {}\nseed: {}\n", input.generate->command, input.generate->seed);
  std::filesystem::path stamp_file = input.path;
  stamp_file += ".zkbench-generator";
  std::error_code ec;
  if (std::filesystem::exists(input.path, ec)) {
    std::ifstream in(stamp_file, std::ios::binary);
    const std::string recorded((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (recorded == stamp) {
      return {};
    }
  }
  std::filesystem::create_directories(input.path.parent_path(), ec);
  std::filesystem::remove(stamp_file, ec);
  measure::ExecutionOptions options;
  options.capture_limit_bytes = std::size_t{1} << 20;
  ZKBENCH_TRY_ASSIGN(
      result, with_context(ws.executor->execute(shell_command(command, ws.project.inputs.file.parent_path()),
                                                options),
                           fmt::format("input '{}': the generator '{}' cannot run", input.name, command)));
  if (result->status != core::RunStatus::success) {
    return make_error(fmt::format("input '{}': the generator '{}' failed ({}): {}", input.name, command,
                                  measure::describe_ending(*result, measure::EndingWords::brief),
                                  tail_lines(result->output, 3)));
  }
  if (!std::filesystem::exists(input.path, ec)) {
    return make_error(fmt::format("input '{}': the generator '{}' exited 0 but wrote no file {}", input.name, command,
                                  input.path.string()));
  }
  return util::write_file_atomically(stamp_file, stamp);
}

Result<CorrectnessResult> correctness_hash(project::Workspace& ws, const project::InputSpec& input, const std::filesystem::path& work_dir,
                                           std::optional<double> timeout_s) {
  ZKBENCH_TRY_ASSIGN(prepared, prepare_input(ws.project.config, input));
  return correctness_hash(ws, *prepared, work_dir, timeout_s);
}

Result<CorrectnessResult> correctness_hash(project::Workspace& ws, const PreparedInput& prepared,
                                           const std::filesystem::path& work_dir, std::optional<double> timeout_s) {
  const project::InputSpec& input = prepared.spec;
  const std::string& command = prepared.correctness;
  const bool use_files = !prepared.outputs.empty();
  // stdout alone is the output: progress and figures on stderr must not count.
  measure::CommandSpec spec = shell_command(use_files ? command : "{ " + command + "\n} 2>/dev/null", work_dir);
  measure::ExecutionOptions options;
  options.capture_limit_bytes = std::size_t{1} << 30;
  options.timeout_s = timeout_s;
  ZKBENCH_TRY_ASSIGN(result,
                     with_context(ws.executor->execute(spec, options),
                                  fmt::format("correctness command for input '{}' cannot run", input.name)));
  if (result->status == core::RunStatus::timed_out) {
    return CorrectnessResult{"", true};
  }
  if (result->status != core::RunStatus::success) {
    const std::string tail = tail_lines(result->output, 3);
    return make_error(fmt::format("correctness command '{}' failed on input '{}' ({}){}", command, input.name,
                                  measure::describe_ending(*result, measure::EndingWords::brief),
                                  tail.empty() ? std::string(": it printed nothing on stdout (its stderr is not kept)")
                                               : ": " + tail));
  }
  if (!use_files) {
    return CorrectnessResult{util::sha256_hex(result->output), false};
  }
  util::Sha256 hash;
  for (const auto& [output, path] : prepared.outputs) {
    ZKBENCH_TRY_ASSIGN(content, read_written_file(path, work_dir, "correctness output of input '" + input.name + "'"));
    hash.update(output);
    hash.update(std::string_view("\0", 1));
    hash.update(util::sha256_hex(*content));
  }
  return CorrectnessResult{hash.hex_digest(), false};
}

} // namespace zkbench::workflow
