#pragma once
// Reading a command string the way a POSIX shell would, so that a command without shell syntax can be
// executed directly (no /bin/sh in the measurement) and one with shell syntax is handed to /bin/sh -c,
// as make does.

#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace zkbench::measure {

/// True when `command` needs a shell to mean what it says: outside single quotes it has a pipe,
/// redirection, `&`, `&&`, `||`, `;`, a newline, subshell or group parentheses, a glob (`*`, `?`, `[`),
/// an expansion (`$VAR`, `${…}`, `$(…)`, backticks, also inside double quotes), `~` at the start of a
/// word, a comment (`#` at the start of a word), or its first word is an environment assignment
/// (`A=1 cmd`), a shell keyword or a shell builtin that has no program of its name (`cd`, `export`,
/// `exit`, `.`, …). Quotes and backslashes alone do not need a shell: split_words handles them.
/// A command with an unterminated quote is reported as not needing a shell (unless syntax came before
/// the quote), so that split_words reports the error with its column.
bool has_shell_syntax(std::string_view command);

/// Splits `command` into words as a POSIX shell would, without expansions: words are separated by
/// unquoted blanks (space, tab, newline); single quotes keep everything literally; double quotes keep
/// everything but `\` before `$`, `` ` ``, `"`, `\` or a newline; outside quotes `\` keeps the next
/// character literally and `\<newline>` is removed. `''` gives an empty word.
/// Errors: an unterminated quote ("unterminated double quote starting at column 7 of: <command>"),
/// with a 1-based column.
Result<std::vector<std::string>> split_words(std::string_view command);

} // namespace zkbench::measure
