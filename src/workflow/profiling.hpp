#pragma once
// The profiler of a project (zkbench.yaml `profile:`): run on the first input of a checkout, its
// profile kept next to the figures (benchmarks/baseline/profile.txt, an experiment's profile.txt), and
// an experiment's profile compared with the baseline's (profile_diff.txt, as `zkbench profile diff`).

#include <filesystem>
#include <optional>
#include <string>

#include "util/error.hpp"
#include "workflow/config.hpp"

namespace zkbench::workflow {

/// Runs the profiler on `input` in `work_dir` and writes what it produced (its stdout, or the
/// `profile.output` file) to `destination`. Returns false when no profiler is configured.
/// Errors: the profiler fails (exit status and last lines), its output file is missing, the write.
Result<bool> capture_profile(const ProjectConfig& config, const InputSpec& input, const std::filesystem::path& work_dir,
                             const std::filesystem::path& destination);

/// The text of `profile diff base current` (formats detected by content). Error: a file that does not
/// parse as a known profile format.
Result<std::string> profile_diff_text(const std::filesystem::path& base, const std::filesystem::path& current);

} // namespace zkbench::workflow
