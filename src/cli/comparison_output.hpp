#pragma once
// Printing comparisons (shared by `compare` and `ab`): the JSON document of `compare --json` and the
// human table. Only cli/ prints.

#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "report/ci_summary.hpp"
#include "verdict/decide.hpp"

namespace zkbench::cli {

/// {"comparisons":[{command, metric, baseline{n,mean,median,stddev,cv}, candidate{...}, change,
///   interval:[lo,hi] (the deciding interval), interval_method, welch_p, mwu_p, mwu_p_exact?, verdict, reason}], "overall":{verdict, reason, regression}}.
/// Non-finite or unknown figures are null.
nlohmann::ordered_json comparisons_json(std::span<const verdict::CommandComparison> commands, const verdict::Decision& overall);

/// The human-readable report: one table per command, the reasons, and the overall verdict.
std::string comparisons_table(std::span<const verdict::CommandComparison> commands, const verdict::Decision& overall,
                              const std::string& policy_name);

/// The pull-request summary (report::render_ci_summary) written to `path` when not empty ("-": standard
/// output), and appended to the file named by $GITHUB_STEP_SUMMARY when that is set (GitHub Actions
/// shows it on the run's page). A file that cannot be written ends the command (Fatal).
void export_ci_summary(const report::CiSummary& summary, const std::string& path);

/// Before measuring: ends the command (Fatal, usage) when `path` (--export-markdown) cannot be written,
/// so a typo does not waste a long benchmark. Nothing to check for "" and "-".
void check_ci_summary_path(const std::string& path);

/// Exit code for an overall decision: ExitCode::regression when it is a regression, else success.
int exit_code_for(const verdict::Decision& overall);

} // namespace zkbench::cli
