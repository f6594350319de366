#pragma once
// The comparisons of `zkbench bisect` (issue 19): two built commits measured and judged per input by
// `exp run`'s own code (workflow::judge_input: interleaved A B B A through the one run loop, the sequential
// rule of verdict::AbDecider, contention left out), and what a commit in the middle is: like the good end
// or like the bad one. No git here: the workflow gives the builds, so the simulation (bench/verdicts) drives
// this very code behind a model executor.
//
// A comparison of A (baseline) and B (candidate) shifts when the rule claims it on an input: B faster (KEEP
// or MAYBE: an established improvement) or B slower (the decision's regression flag, or KILL). Each claim is
// wrong with probability at most the policy's p_threshold ÷ inputs, whatever the noise (the rule's
// guarantee). The rule is built to establish "B is faster" (it goes on looking until that is settled or out
// of reach, while it stops as soon as KEEP is ruled out), so every question is put that way round:
//   - the ends: is GOOD faster than BAD (BAD slower)? GOOD established slower (the regression flag) says BAD
//     is faster. No claim: asked again on fresh runs measured further (runs_at), about the side the
//     estimate leans to (GOOD faster, or BAD faster than GOOD), and a third time when that estimate leans
//     by the threshold at least. Still no claim: "no difference between the ends", nothing to bisect. A
//     claim is not confirmed on fresh runs before the search (bench_verdicts --bisect: that halved the
//     false starts on flat ranges and missed 5-20% more steps), only when the search placed nothing
//     (search_between);
//   - a midpoint M when BAD is slower: is GOOD faster than M? and is M faster than BAD? Both asked: the
//     first claim alone -> bad, the second alone -> good; neither, or both (one is false) -> asked once
//     more on fresh runs measured further, then unsettled. When BAD is faster, the mirror questions.
//     bisect_search asks an unsettled commit left in the final range once more; its attempts go on
//     measuring further.
// A declared deterministic metric (steps, cycles) that was exact on both ends (every run equal) needs no
// interleaving: each commit is measured once, for the rule's minimum of equal runs (3 per side), and every
// comparison reuses those runs; the rule decides exactly on them.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/cost.hpp"
#include "core/run.hpp"
#include "util/error.hpp"
#include "verdict/policy.hpp"
#include "workflow/bisect_search.hpp"
#include "workflow/input_verdict.hpp"

namespace zkbench::project {
struct Workspace;
} // namespace zkbench::project

namespace zkbench::workflow {

/// Which way a comparison moved the candidate against the baseline.
enum class Shift { none, slower, faster };

const char* to_string(Shift shift);

/// A built commit: its checkout (a worktree) and its name for messages.
struct CommitBuild {
  std::string commit; // full sha
  std::filesystem::path dir;
};

/// The evidence of one comparison on one input.
struct BisectEvidence {
  std::string baseline;  // commit measured as A (full sha)
  std::string candidate; // ... as B
  std::string input;
  std::string metric;  // what was judged ("time", "steps")
  std::string verdict; // the rule's: KEEP, MAYBE, DISCARD, ...
  bool regression = false;
  Shift shift = Shift::none;
  double change = 0; // B against A (NaN: none)
  std::optional<double> lo;
  std::optional<double> hi;
  std::string interval; // how the interval was made ("exact", "sequential ...")
  std::string reason;
  std::size_t baseline_runs = 0; // measured in this comparison (0: reused from an earlier one)
  std::size_t candidate_runs = 0;
  std::string failure; // the candidate's benchmark command failed (a crash, a hang): no verdict
};

struct BisectJudgeSettings {
  std::string command;             // the sessions' command line ("zkbench bisect v1 v2")
  std::int64_t first_owner_id = 1; // sessions are linked to owner "bisect", one id per comparison from here
  std::vector<project::InputSpec> inputs;   // the judged inputs (each at p_threshold / inputs)
  verdict::Policy policy;          // primary_metric: what is judged
  int max_runs = 20;               // per side and comparison (the first time a question is asked)
  bool measure_further = true;     // a question asked again measures further (runs_at); false: max_runs caps
                                   // every comparison (bisect --runs)
  int warmup = 0;                  // per side and comparison
  std::size_t fixed_runs = 10;     // a fixed design's runs per side (the cost's comparison)
  project::StatusFile* status = nullptr;
};

/// The comparisons of one bisection, in the order they were made, with what they cost.
class BisectJudge {
public:
  BisectJudge(project::Workspace& ws, BisectJudgeSettings settings);

  /// The ends: BAD against GOOD. Shift::none: no difference between them. Errors: the store, an interrupt
  /// (message "interrupted"), a broken end (its build's benchmark command fails).
  Result<Shift> compare_ends(const CommitBuild& good, const CommitBuild& bad);

  /// What `mid` is, given the ends and the way BAD differs from GOOD (compare_ends' shift); an unsettled
  /// commit is asked again once, on fresh runs. A benchmark command that fails on `mid` is
  /// CommitClass::skip. Errors: as compare_ends.
  Result<CommitClass> classify(const CommitBuild& good, const CommitBuild& bad, const CommitBuild& mid,
                               Shift direction);

  /// Whether the ends still differ the way `direction` says when asked once more, on fresh runs measured as
  /// far as compare_ends' last question may (one more of the ends' questions). Errors: as compare_ends.
  Result<bool> confirm_ends(const CommitBuild& good, const CommitBuild& bad, Shift direction);

  /// Takes up an interrupted bisection: the comparisons it made (evidence, cost, count), whether its ends
  /// were decided exactly, and how many of those comparisons were the ends' questions. Later comparisons
  /// add to these; on the exact path the ends are measured again when first needed (their runs were not
  /// kept).
  void resume(std::vector<BisectEvidence> evidence, const core::VerdictCost& cost, std::size_t comparisons,
              bool exact, std::size_t ends_questions);

  /// Sets the hang guard's reference (seconds of one run of the slower end) before any run was measured.
  void set_reference_seconds(double seconds) { m_reference_s = std::max(m_reference_s, seconds); }

  /// How many questions the ends were asked: compare_ends' 1 to 3, and confirm_ends' one.
  std::size_t ends_questions() const { return m_ends_questions; }
  /// How many times the questions were asked at the last classified commit, over every classify of it (1,
  /// 2 when the first time left it unsettled, up to 4 when bisect_search asked again): a placement may rest
  /// on any attempt's claim.
  int last_attempts() const { return m_last_attempts; }

  const std::vector<BisectEvidence>& evidence() const { return m_evidence; }
  const core::VerdictCost& cost() const { return m_cost; }
  /// Whether the ends were decided exactly on a declared deterministic metric (each commit measured once).
  bool exact() const { return m_exact; }
  /// How many comparisons were made.
  std::size_t comparisons() const { return m_compared; }
  /// How many owner ids the sessions use: owner "bisect", first_owner_id + 0 .. + owner_ids() - 1 (one per
  /// interleaved comparison, one per commit measured on the exact path).
  std::size_t owner_ids() const { return m_next_comparison; }

private:
  // One comparison of `candidate` against `baseline` on every input; the shift all inputs' claims agree on.
  Result<Shift> compare(const CommitBuild& baseline, const CommitBuild& candidate, int attempt);
  Result<CommitClass> classify_once(const CommitBuild& good, const CommitBuild& bad, const CommitBuild& mid,
                                    Shift direction, int attempt);
  // One look at the ends: the way BAD differs from GOOD (none: no claim).
  Result<Shift> ends_direction(const CommitBuild& good, const CommitBuild& bad);
  // Whether `x` is faster than `y`: `x` the candidate against `y`, the claim KEEP or MAYBE.
  Result<bool> faster(const CommitBuild& x, const CommitBuild& y, int attempt);
  Result<Shift> compare_interleaved(const CommitBuild& baseline, const CommitBuild& candidate);
  Result<Shift> compare_exact(const CommitBuild& baseline, const CommitBuild& candidate);
  // The runs of `build` on `input` for the exact path: measured once (the rule's minimum), then reused.
  Result<const core::Benchmark*> runs_of(const CommitBuild& build, const project::InputSpec& input, bool& measured);
  InputJudgeOptions judge_options(const CommitBuild& baseline, const CommitBuild& candidate) const;
  core::Benchmark reference() const;
  void note_times(const core::Benchmark& bench);

  project::Workspace& m_ws;
  BisectJudgeSettings m_settings;
  std::vector<BisectEvidence> m_evidence;
  core::VerdictCost m_cost;
  bool m_exact = false;
  std::string m_failed;   // the commit whose benchmark command failed in the last comparison
  bool m_keeping = false; // comparing the ends: their runs are kept for the exact path
  std::size_t m_next_comparison = 0;
  std::size_t m_compared = 0;
  std::map<std::string, int> m_attempts; // commit -> the attempts classify made at it
  int m_last_attempts = 0;
  std::size_t m_ends_questions = 0;
  static constexpr int k_attempts = 2;      // per classify call
  static constexpr int k_ends_attempts = 3; // questions compare_ends may put
  int m_max_runs = 0;                       // per side, of the comparison being made
  double m_reference_s = 0;
  std::map<std::string, std::map<std::string, core::Benchmark>> m_runs; // exact path: commit -> input -> runs
};

/// What a bisection found between ends that differ.
struct BisectAnswer {
  Shift direction = Shift::none; // the ends' direction, or none: their difference was not confirmed
  SearchResult search;           // bisect_search's
};

/// bisect_search over commits 0 (GOOD) .. `last` (BAD), `direction` being compare_ends' answer. A search that
/// gave up before placing any commit (each one it asked unsettled: like both ends) is what ends told apart
/// by one false claim look like: the ends are asked once more (BisectJudge::confirm_ends), and unconfirmed
/// the answer is no difference between the ends (bench_verdicts --bisect: nearly all false starts on flat
/// ranges). The workflow and the simulation both decide through this. Errors: the probe's, confirm_ends'.
Result<BisectAnswer> search_between(BisectJudge& judge, const CommitBuild& good, const CommitBuild& bad,
                                    Shift direction, std::size_t last, const CommitProbe& probe);

/// The shift an input's decision claims: regression or KILL: slower; KEEP or MAYBE: faster; else none.
Shift claimed_shift(const verdict::Decision& decision);

/// The policy a bisection judges with: a change of at least `threshold` (default: the policy's MAYBE
/// threshold, generic 2%) counts, either way and on an exact metric too: keep_threshold, maybe_threshold,
/// regression_threshold and the deterministic thresholds all become it. A bisection asks whether two
/// commits differ, not whether a change is worth keeping: KEEP's larger threshold would let the rule's
/// futility stop give up on a 10% step at CV 5% (bench_verdicts --bisect).
verdict::Policy bisect_policy(verdict::Policy policy, std::optional<double> threshold);

/// The most runs per side of a comparison at the `attempt`-th asking of a question (1-based): `max_runs`,
/// doubled for each attempt after the first, at most k_further_doublings times. The sequential rule stops
/// as early as before where the evidence is clear; only a question left unsettled measures further.
inline constexpr int k_further_doublings = 2;
int runs_at(int max_runs, int attempt);

/// Shift::slower <-> Shift::faster.
Shift opposite(Shift shift);

} // namespace zkbench::workflow
