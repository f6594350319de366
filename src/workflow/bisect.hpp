#pragma once
// `zkbench bisect GOOD BAD` (issue 19): which commit of the first-parent history GOOD..BAD made the
// project slower (or faster)? Each commit is built once (.zkbench/worktrees/bisect-<commit12>, a stamp as
// the baseline's build), its correctness command run (a failure, or a failed build, skips it as
// `git bisect skip` would), and compared by workflow::BisectJudge (exp run's interleaved measurement and
// sequential rule) with the ends it must be told apart from; workflow::bisect_search halves the range. It
// writes benchmarks/bisect/<id>/report.md and results.json; the runs are in the store, their sessions linked
// to owner "bisect".

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/cost.hpp"
#include "project/status_file.hpp"
#include "util/error.hpp"
#include "workflow/bisect_judge.hpp"
#include "workflow/bisect_search.hpp"

namespace zkbench::project {
class Git;
struct ProjectConfig;
struct Workspace;
} // namespace zkbench::project

namespace zkbench::workflow {

struct BisectOptions {
  std::string good; // revisions, as git names them
  std::string bad;
  std::vector<std::string> inputs;   // inputs.yaml names; empty: every input
  std::optional<std::string> metric; // judged metric (default: the policy's primary metric)
  std::optional<double> threshold;   // smallest change that counts (fraction; default: the policy's)
  std::optional<int> runs;           // most runs per side of a comparison (default: as exp run)
  project::StatusFile* status = nullptr;
  std::function<void(const std::string&)> say; // progress lines
};

/// One commit of the range as the bisection saw it.
struct BisectCommit {
  std::string commit; // full sha
  std::string subject;
  std::optional<CommitClass> verdict; // probed: what it was
  std::string note;                   // why it was skipped (build, correctness), or what its output did
};

struct BisectOutcome {
  std::string id;   // "001": benchmarks/bisect/<id>/
  bool complete = false;      // ended (false while it runs: results.json is written after every step)
  bool ends_compared = false; // `direction` is known
  std::string good; // full shas
  std::string bad;
  std::string metric; // what was judged
  std::vector<std::string> inputs;
  Shift direction = Shift::none;      // BAD against GOOD; none: no difference between the ends
  std::vector<BisectCommit> commits;  // 0: GOOD, ..., last: BAD (first-parent order)
  std::optional<SearchResult> search; // absent when the ends do not differ (and while the search runs)
  std::vector<SearchStep> steps;      // the commits probed, in order
  std::optional<double> threshold;    // the smallest change that counted (bisect_policy's)
  int max_runs = 0;                   // per side and comparison
  int resumed = 0;                    // how many times it was taken up after an interruption
  std::string culprit_subject;
  std::string culprit_diff_stat;
  std::vector<BisectEvidence> evidence; // every comparison, in order
  core::VerdictCost cost;
  std::size_t git_bisect_runs = 0; // a `git bisect run` with a fixed-run A/B per step: steps x 2 x runs
  int fixed_runs = 10;             // ... its runs per side (zkbench.yaml's benchmark.runs)
  bool exact = false;              // decided on a deterministic metric: each commit measured once
  double alpha = 0.05;             // the error of each claim (one-sided, all inputs together)
  std::size_t claims = 0;          // the claims the answer rests on (the ends' and one per placed commit)
  double elapsed_s = 0;
  std::int64_t first_owner_id =
      0; // sessions linked to owner "bisect", ids first_owner_id + 0 .. + owner_ids - 1
  std::size_t owner_ids = 0;
  std::size_t comparisons = 0;
  std::vector<std::filesystem::path> files;
  std::vector<std::string> warnings;
};

/// The first-parent history GOOD..BAD as GOOD, ..., BAD (full shas): the commits a bisection searches.
/// Errors: unknown revisions, the same commit, GOOD not on BAD's first-parent history.
Result<std::vector<std::string>> first_parent_range(const project::Git& git, const std::string& good_rev,
                                                    const std::string& bad_rev);

/// The most runs per side of one comparison: `runs` (--runs) when given, else twice exp run's most
/// (benchmark.runs, or the policy's flaky_runs when larger).
int bisect_max_runs(const project::ProjectConfig& config, const verdict::Policy& policy, std::optional<int> runs);

/// Bisects as the header says. An unfinished bisection of the same question (GOOD, BAD, range, metric,
/// inputs, threshold, runs) under benchmarks/bisect/ was interrupted: it is resumed under its id, with its
/// ends' answer, the commits it judged and their comparisons (cost and claims) taken from its record; the
/// step it was interrupted in is measured again. Errors: unknown revisions, GOOD not a first-parent ancestor of BAD, an end
/// that does not build or check, unknown inputs or metric, the store, an interrupt.
Result<BisectOutcome> run_bisect(project::Workspace& ws, const BisectOptions& options);

/// "each claim is wrong with probability at most 5% ...; the answer rests on 7 claims: right with
/// probability at least 65% (Bonferroni)": the report's confidence statement.
std::string confidence_statement(const BisectOutcome& outcome);

} // namespace zkbench::workflow
