#pragma once
// What the workflow tells people about (seed 002 §7.2): one Event per notification. The workflow fills
// the fields it knows; a formatter leaves out the lines whose fields are empty.

#include <optional>
#include <string>
#include <string_view>

namespace zkbench::notify {

/// A finding is an experiment that improves the primary metric by more than this (seed 002 §7.2):
/// the workflow sends EventKind::finding, besides experiment_complete, when -delta_pct exceeds it.
inline constexpr double k_finding_threshold_pct = 10.0;

enum class EventKind {
  baseline_complete,   // the baseline runs are done
  experiment_complete, // one experiment has a verdict
  finding,             // an experiment improved the primary metric by more than 10 %
  error,               // an error or crash stopped a run
  all_complete,        // every planned experiment is done
  bisect_complete,     // `zkbench bisect` named a commit, a range, or no difference between the ends
  test,                // `zkbench notify test`
};

/// The event's stable name in JSON payloads: "baseline_complete", "experiment_complete", "finding",
/// "error", "all_complete", "bisect_complete", "test".
std::string_view event_kind_name(EventKind kind);

/// One notification. Only `kind` is required; every other field is optional and omitted when empty.
struct Event {
  EventKind kind = EventKind::test;
  std::string project;       // the "[Benchmark]" label: the benchmark or project name
  std::string experiment_id; // "001" (a bisection's id for bisect_complete)
  std::string name;          // "MPT Hash Caching"
  std::optional<double> result;   // the candidate's primary metric (mean), in `unit`
  std::optional<double> baseline; // the baseline's primary metric (mean), in `unit`
  std::string unit = "s";         // unit of result/baseline: "s", "ms", "MiB", "cycles", ...
  std::optional<double> delta_pct; // (result - baseline) / baseline × 100; negative = faster/smaller
  std::string verdict;             // "improvement", "regression", "no_change", "inconclusive"
  std::string status;              // the decision: "KEEP", "DISCARD", "RETEST", ...
  int done = 0;                    // progress: experiments done ...
  int total = 0;                   // ... of total (0 = unknown, the line is left out)
  std::string dashboard_url;       // "http://bench-host:8080/"
  std::string detail;              // free text: the error message, a note, the test message
};

} // namespace zkbench::notify
