#pragma once
// A bisection as `zkbench bisect` records it (issue 19): benchmarks/bisect/<id>/results.json, written as
// the bisection goes (complete: false until it ends) and once more at its end. The one reader and writer
// of that file: the workflow writes it and resumes an interrupted bisection from it, the dashboard shows
// it. Plain data; the workflow's own types (workflow/bisect.hpp) are turned into it there.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/cost.hpp"
#include "util/error.hpp"

namespace zkbench::core {

struct BisectRecord {
  struct Commit {
    std::string commit; // full sha
    std::string subject;
    std::string verdict; // "good", "bad", "skipped", "unsettled"; "" when not probed
    std::string note;    // why it was skipped, or what its output did
  };
  /// One commit probed by the search, in probe order.
  struct Step {
    std::string commit;
    std::string verdict;
  };
  /// One comparison of a candidate against a baseline on one input.
  struct Comparison {
    std::string baseline; // full shas
    std::string candidate;
    std::string input;
    std::string metric;
    std::string verdict; // the rule's: KEEP, MAYBE, DISCARD, ...
    bool regression = false; // the decision's regression flag
    std::string shift;   // "no difference", "slower", "faster"
    std::optional<double> change; // the candidate against the baseline, a fraction
    std::optional<double> low;
    std::optional<double> high;
    std::string interval_method; // "exact", "sequential ..."
    std::size_t baseline_runs = 0; // measured in this comparison (0: reused)
    std::size_t candidate_runs = 0;
    std::string reason;
    std::string failure; // the candidate's benchmark command failed: no verdict
  };
  struct Culprit {
    std::string commit;
    std::string subject;
    std::string diff_stat;
  };

  std::string id; // "001"
  bool complete = false; // false: still running, or interrupted (a re-run with the same ends resumes it)
  std::string good;      // full shas
  std::string bad;
  std::string metric;
  std::vector<std::string> inputs;
  std::optional<double> threshold; // the smallest change that counted (a fraction)
  int max_runs = 0;                // per side and comparison
  int resumed = 0;                 // how many times it was taken up after an interruption
  std::string direction;           // "no difference", "slower", "faster"; "" before the ends were compared
  std::string outcome;             // "culprit", "range", "no difference"; "" while running
  std::string answer;
  std::optional<Culprit> first_bad; // the first bad commit, or the last of the range it lies in
  std::string last_good;
  std::vector<std::string> unknown; // skipped or unsettled commits it may also be
  std::vector<Commit> commits;      // GOOD, ..., BAD in first-parent order
  std::vector<Step> steps;
  std::vector<Comparison> comparisons; // in the order they were made
  bool exact = false;
  VerdictCost cost;
  std::size_t git_bisect_fixed_runs = 0;
  int git_bisect_runs_per_side = 0;
  double alpha = 0.05; // per claim
  std::size_t claims = 0;
  std::optional<double> bound; // 1 - claims x alpha, when there are claims
  std::string confidence;      // the statement
  double elapsed_s = 0;
  std::size_t comparisons_made = 0;
  std::int64_t first_owner_id = 0; // sessions linked to owner "bisect", first_owner_id + 0 .. + owner_ids - 1
  std::size_t owner_ids = 0;
  std::vector<std::string> warnings;
};

/// results.json.
nlohmann::ordered_json to_json(const BisectRecord& record);

/// Reads results.json back. Errors: not a JSON object, or no id, good or bad (not a bisection's record);
/// other members are read leniently (a missing or mistyped one is left empty).
Result<BisectRecord> read_bisect_record(const nlohmann::json& j);

} // namespace zkbench::core
