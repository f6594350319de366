#pragma once
// What `zkbench bisect` writes: benchmarks/bisect/<id>/results.json (the outcome as data) and report.md
// (the culprit, its diff stat, every comparison's change, interval and verdict, the cost against a fixed
// `git bisect run`, the confidence statement). Pure: values in, text out.

#include <optional>
#include <string>
#include <string_view>

#include "core/bisect_record.hpp"
#include "workflow/bisect.hpp"

namespace zkbench::workflow {

/// "+15.21% [+13.02%, +17.40%]" (exact: "+15.21% (exact)"; no figures: "n/a").
std::string describe_change(const BisectEvidence& e);

/// results.json's value (core::to_json writes it): id, whether it is complete, ends, direction, outcome
/// ("culprit", "range", "no difference"), the culprit and its diff stat, the commits with their verdicts,
/// the steps in probe order, every comparison, the cost, git bisect's fixed runs, the confidence. An
/// incomplete outcome (written as the bisection goes) has no outcome, answer or confidence yet.
core::BisectRecord bisect_record(const BisectOutcome& outcome);

/// The reader's side, for a resumed bisection: a recorded shift ("slower"), a commit's verdict ("skipped"), a
/// comparison. Unknown words: none (Shift::none for a comparison's shift).
std::optional<Shift> shift_from(std::string_view text);
std::optional<CommitClass> commit_class_from(std::string_view text);
BisectEvidence evidence_from(const core::BisectRecord::Comparison& comparison);

/// report.md for people.
std::string bisect_report_markdown(const BisectOutcome& outcome);

/// "first bad commit 1a2b3c4d5e6f \"subject\"", "the first bad commit is one of ...", or "no difference
/// between the ends": the one-line answer of the terminal and the report.
std::string bisect_answer(const BisectOutcome& outcome);

} // namespace zkbench::workflow
