#pragma once
// Parameter expansion as hyperfine does it: -P/--parameter-scan VAR MIN MAX [-D STEP] and
// -L/--parameter-list VAR a,b,c (several lists give their cartesian product); `{VAR}` in a command,
// a hook or a command name is replaced by the value. Pure: no I/O.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace zkbench::measure {

/// -P VAR MIN MAX with an optional -D STEP. Without a step, MIN and MAX must be integers (step 1);
/// with one, decimals are allowed and values are exact decimals (0, 0.25, 0.50, ... as hyperfine).
struct ParameterScan {
  std::string name;
  std::string min;
  std::string max;
  std::optional<std::string> step;
};

/// -L VAR a,b,c.
struct ParameterList {
  std::string name;
  std::vector<std::string> values;
};

/// One value per parameter.
using ParameterValues = std::map<std::string, std::string>;

/// The values of a scan, in order. Errors (one line, as hyperfine words them): a bound that is not a
/// number, decimal bounds without a step, a step that is not positive, MIN > MAX ("Empty parameter range").
Result<std::vector<std::string>> scan_values(const ParameterScan& scan);

/// Every combination of parameter values, in hyperfine's order: the first parameter varies fastest.
/// No parameters at all gives one empty combination. Errors: a scan error, an empty list, a name used twice.
Result<std::vector<ParameterValues>> parameter_combinations(const std::optional<ParameterScan>& scan,
                                                            const std::vector<ParameterList>& lists);

/// Replaces every `{NAME}` of `values` in `text`; other braces are left as they are.
std::string substitute(const std::string& text, const ParameterValues& values);

/// One command after expansion.
struct ExpandedCommand {
  std::size_t source_index = 0;         // which command of the command line it came from
  std::string command;                  // parameters substituted
  std::optional<std::string> name;      // -n NAME, parameters substituted
  ParameterValues parameters;
};

/// Expands `commands` over every combination (commands vary fastest, then the parameters, as
/// hyperfine). `names` gives the first names.size() commands a name; more names than commands is an
/// error ("Too many --command-name options: Expected 2 at most").
Result<std::vector<ExpandedCommand>> expand_commands(const std::vector<std::string>& commands,
                                                     const std::vector<std::string>& names,
                                                     const std::vector<ParameterValues>& combinations);

} // namespace zkbench::measure
