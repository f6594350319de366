#pragma once
// The pull-request summary of a comparison (Markdown, for `--export-markdown` and GitHub's
// $GITHUB_STEP_SUMMARY), shared by `compare`, `ab` and `exp run`. Pure: values in, text out.

#include <span>
#include <string>

#include "verdict/decide.hpp"

namespace zkbench::report {

/// What one comparison's summary shows.
struct CiSummary {
  std::string title;        // "zkbench compare base.json head.json"
  std::string policy;       // the decision policy's name
  std::string primary_metric = "time";
  std::span<const verdict::CommandComparison> inputs; // one per input (or command)
  verdict::Decision overall;
  int exit_status = 0;      // what the command exits with
};

/// The Markdown summary: the overall verdict and reason; a table with each input's verdict and its
/// judged metric's change with its deciding interval (the sequential rule's stopping look, else 95%
/// Fieller) and what that interval is; the deterministic metrics (equal in every run on
/// each side: steps, cycles, proof size) with their exact values and delta; each input's reason; the
/// exit status and the policy that gave it (4 on a regression, else 0).
std::string render_ci_summary(const CiSummary& summary);

} // namespace zkbench::report
