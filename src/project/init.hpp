#pragma once
// `zkbench init`: the starting files of a zkbench project (zkbench.yaml and benchmarks/inputs.yaml),
// commented and ready to edit, with prover commands filled in by a preset.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace zkbench::project {

enum class Preset { generic, zisk, sp1, risc0 };

/// "generic", "zisk", "sp1", "risc0"; nullopt otherwise.
std::optional<Preset> parse_preset(std::string_view text);
const char* to_string(Preset preset);

/// The text of the two files for `preset`. The zkbench.yaml loads with load_config (tested for each
/// preset); the inputs file names example inputs under benchmarks/inputs/ that the user provides.
struct InitFiles {
  std::string config_yaml;
  std::string inputs_yaml;
};
InitFiles render_init_files(Preset preset);

/// The root of the git work tree holding `start` (the nearest folder upward with a `.git` folder or
/// file); nullopt when `start` is not in a git repository.
std::optional<std::filesystem::path> find_git_root(const std::filesystem::path& start);

enum class Overwrite { no, yes };

/// Writes `dir`/zkbench.yaml and `dir`/benchmarks/inputs.yaml (creating benchmarks/inputs/).
/// Errors: `dir` is not inside a git repository; either file exists and `overwrite` is no (nothing is
/// written then); a file cannot be written. Returns the paths written.
Result<std::vector<std::filesystem::path>> init_project(const std::filesystem::path& dir, Preset preset,
                                                        Overwrite overwrite);

} // namespace zkbench::project
