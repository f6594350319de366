#pragma once
// Command templates of a zkbench project: `./prove.sh {input}` with named placeholders.
//
// A placeholder is `{name}` where name is [a-z_][a-z0-9_]*. `${NAME}` (shell parameter expansion) is never
// a placeholder, nor is anything else in braces ("{print $1}"), so shell code passes through unchanged.
// Substituted values are quoted for /bin/sh: a template must not quote placeholders itself.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace zkbench::project {

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

} // namespace zkbench::project
