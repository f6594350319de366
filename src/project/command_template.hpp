#pragma once
// Command templates of a zkbench project: `./prove.sh {input}` with named placeholders.
//
// A placeholder is `{name}` where name is [a-z_][a-z0-9_]*. `${NAME}` (shell parameter expansion) is never
// a placeholder, nor is anything else in braces ("{print $1}"), so shell code passes through unchanged.
// Substituted values are quoted for /bin/sh: a template must not quote placeholders itself.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace zkbench::project {

struct ProjectConfig;
struct InputSpec;
struct ProfileConfig;
enum class ProfilerKind;

/// Placeholder name -> value (unquoted).
using Placeholders = std::map<std::string, std::string>;

/// Quotes `text` for /bin/sh: returned as is when it only holds characters the shell never interprets
/// ([A-Za-z0-9_./:=@%+,-], not empty), otherwise wrapped in single quotes with each ' written as '\''.
std::string shell_quote(std::string_view text);

/// The placeholder names used in `text`, in order of first appearance, without duplicates.
std::vector<std::string> placeholders_in(std::string_view text);

/// Replaces every placeholder with its shell-quoted value.
/// Error: a placeholder with no value ("unknown placeholder {elf}").
Result<std::string> expand(std::string_view text, const Placeholders& values);

/// expand() for a path a command writes (correctness.outputs, a profiler's output): a path is one word,
/// so a result that is one quoted word is returned without its quotes. Error: as expand().
Result<std::string> expand_word(std::string_view text, const Placeholders& values);

/// Every `{key}` of `values` in `text` replaced by its value as is (no quoting, no unknown placeholder):
/// the paths of benchmark.metric_files.
std::string substitute(std::string_view text, const Placeholders& values);

/// The placeholders for running `config`'s commands on `input` with scratch folder `out`: the config's
/// vars, {input}, {input_name} and {out}.
Placeholders placeholders_for(const ProjectConfig& config, const InputSpec& input, const std::filesystem::path& out);

/// A profiler's commands for one input: its command line and the file it writes expanded, each an error
/// when its template names an unknown placeholder (the profiler then does not run, or its output is not
/// read).
struct ProfilerCommand {
  ProfilerKind zkvm;                         // whose profiler
  Result<std::string> command;               // the command line
  std::optional<Result<std::string>> output; // the file it writes; none: the profile is its stdout
};

/// `profiler`'s command and output expanded with `values` (an input's placeholders_for).
ProfilerCommand expand_profiler(const ProfileConfig& profiler, const Placeholders& values);

/// The generator's command for `input` with {seed} and {output} substituted (shell-quoted).
/// Error: `input` is not generated.
Result<std::string> generator_command(const InputSpec& input);

} // namespace zkbench::project
