#pragma once
// The steps on a checkout before its runs are measured, shared by baseline, exp run, compound and bisect:
// a generated input written (once per command and seed), a checkout built (the baseline's and bisect's
// commits kept in a worktree and built once), and the correctness outputs of an input hashed. Each
// command runs once through the workspace's executor; the timed runs are measure_inputs.hpp's.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "util/error.hpp"
#include "project/inputs.hpp"
#include "workflow/prepared_input.hpp"

namespace zkbench::project {
struct Workspace;
} // namespace zkbench::project

namespace zkbench::workflow {

/// Runs the project's build command in `work_dir` (nothing when none is configured); its output goes
/// to `log`. Error: the build failed ("build failed (exit 2): <last lines>").
Result<void> build_checkout(project::Workspace& ws, const std::filesystem::path& work_dir, const std::filesystem::path& log);

/// The build of `commit` kept in the worktree .zkbench/worktrees/<name> and built once: a `.zkbench-built`
/// stamp records the commit it was built at (the baseline's `baseline-<commit12>`, bisect's
/// `bisect-<commit12>`). `say` (optional) tells when it builds. Errors: git, the build failed.
Result<std::filesystem::path> kept_build(project::Workspace& ws, const std::string& commit, const std::string& name,
                                         const std::function<void(const std::string&)>& say);

/// Writes a generated input (inputs.yaml `generate:`) when it is missing or was made by another command
/// or seed (a `<file>.zkbench-generator` stamp beside it records which); an existing, matching file is
/// reused. Nothing for a file input. Error: the generator failed ("input 'x': the generator '...' failed
/// (exit 2): <last lines>") or wrote no file.
Result<void> ensure_input(project::Workspace& ws, const project::InputSpec& input);
Result<void> ensure_input(project::Workspace& ws, const PreparedInput& input);

/// What the correctness command gave: the SHA-256 of its stdout, or of the `outputs` files (names and
/// contents, in order) when listed; or that it ran past its timeout (hash empty).
struct CorrectnessResult {
  std::string hash;
  bool timed_out = false;
};

/// Runs the correctness command for `input` in `work_dir`, killed after `timeout_s` when given.
/// Error: the command fails or an output file is missing (the message says which), or cannot run.
Result<CorrectnessResult> correctness_hash(project::Workspace& ws, const project::InputSpec& input, const std::filesystem::path& work_dir,
                                           std::optional<double> timeout_s = std::nullopt);
Result<CorrectnessResult> correctness_hash(project::Workspace& ws, const PreparedInput& input,
                                           const std::filesystem::path& work_dir,
                                           std::optional<double> timeout_s = std::nullopt);

/// Reads the file a command wrote at `path`, relative to `work_dir`. Error: "<what> '<path>' was not written".
Result<std::string> read_written_file(const std::filesystem::path& path, const std::filesystem::path& work_dir,
                                      const std::string& what);

/// The last `lines` lines of `text` (trimmed), joined by " | ": a failed command's output in one line.
std::string tail_lines(const std::string& text, std::size_t lines);

} // namespace zkbench::workflow
