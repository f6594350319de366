#pragma once
// What `zkbench bisect` writes: benchmarks/bisect/<id>/results.json (the outcome as data) and report.md
// (the culprit, its diff stat, every comparison's change, interval and verdict, the cost against a fixed
// `git bisect run`, the confidence statement). Pure: values in, text out.

#include <string>

#include <nlohmann/json.hpp>

#include "workflow/bisect.hpp"

namespace zkbench::workflow {

/// "+15.21% [+13.02%, +17.40%]" (exact: "+15.21% (exact)"; no figures: "n/a").
std::string describe_change(const BisectEvidence& e);

/// results.json: id, ends, direction, outcome ("culprit", "range", "no difference"), the culprit and its
/// diff stat, the commits with their verdicts, every comparison, the cost, git bisect's fixed runs, the
/// confidence.
nlohmann::ordered_json bisect_results_json(const BisectOutcome& outcome);

/// report.md for people.
std::string bisect_report_markdown(const BisectOutcome& outcome);

/// "first bad commit 1a2b3c4d5e6f \"subject\"", "the first bad commit is one of ...", or "no difference
/// between the ends": the one-line answer of the terminal and the report.
std::string bisect_answer(const BisectOutcome& outcome);

} // namespace zkbench::workflow
