#include "verdict/sequential.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "stats/descriptive.hpp"
#include "stats/inference.hpp"
#include "stats/rank_interval.hpp"

namespace zkbench::verdict {

namespace {

constexpr double k_inf = std::numeric_limits<double>::infinity();
constexpr double k_mad_to_sigma = 1.4826; // MAD of a normal sample x this estimates its sigma
constexpr double k_hl_efficiency = 1.0233; // sqrt(pi / 3): the Hodges–Lehmann SE over the mean's (normal noise)


bool paired(const SequentialOptions& options) {
  return options.pairing == Pairing::paired;
}

// Interim looks spend alpha * (1 - final_share) evenly over the claim looks: the first look whose rank
// interval can reach the per-look level, then every look k_look_growth times further (at least one pair
// on), up to max_runs. The plan depends on the options only (pre-declared), never on the data. Looks
// between claim looks can stop only for futility.
// Measured on bench/verdicts (1.0, i.e. every pair, 1.3, 1.5, 1.6): fewer claim looks give each a larger
// level, so the first claim comes one pair earlier and claims need less evidence, for fewer runs overall.
constexpr double k_look_growth = 1.5;

// With a budget (SequentialOptions::budget_runs): the share of the final looks' level kept for the look at
// max_runs, which only an input whose estimate is KEEP-sized at the budget reaches; the look at the budget
// gets the rest.
constexpr double k_extension_share = 0.5;

struct Plan {
  std::vector<int> claims; // the interim looks that can claim, ascending
  double interim = 0;      // the level of each of them
  double final = 0;        // the level of the look at max_runs (with a budget: of the look at max_runs beyond it)
  double budget = 0;       // with a budget (budget_runs < max_runs): the level of the look at budget_runs
};

std::vector<int> claim_looks(int first, int max_runs) {
  std::vector<int> looks;
  for (int n = first; n < max_runs;
       n = std::max(n + 1, static_cast<int>(std::ceil(static_cast<double>(n) * k_look_growth - 1e-9)))) {
    looks.push_back(n);
  }
  return looks;
}

// The end of the claim looks: the budget, where one is set below max_runs.
int budget_end(const SequentialOptions& options) {
  return options.budget_runs > 0 && options.budget_runs < options.max_runs ? options.budget_runs : options.max_runs;
}

bool has_budget(const SequentialOptions& options) {
  return budget_end(options) < options.max_runs;
}

Plan spending_plan(const SequentialOptions& options) {
  Plan plan;
  const int lo = std::max(options.min_runs, 1);
  const int end = budget_end(options);
  const double interim_total = options.alpha * (1.0 - options.final_share);
  const double final_total = options.alpha * options.final_share;
  const auto finish = [&](double final) {
    if (has_budget(options)) {
      plan.budget = final * (1.0 - k_extension_share);
      plan.final = final * k_extension_share;
    } else {
      plan.final = final;
    }
  };
  for (int n = lo; n < end; ++n) {
    const std::vector<int> looks = claim_looks(n, end);
    const double level = interim_total / static_cast<double>(looks.size());
    if (stats::smallest_rank_level(static_cast<std::size_t>(n), static_cast<std::size_t>(n), paired(options)) <= level) {
      plan.claims = looks;
      plan.interim = level;
      finish(final_total);
      return plan;
    }
  }
  finish(options.alpha); // no interim look can claim: the last ones get all of alpha
  return plan;
}

std::vector<double> logs_of(std::span<const double> xs) {
  std::vector<double> out;
  out.reserve(xs.size());
  std::transform(xs.begin(), xs.end(), std::back_inserter(out), [](double x) { return std::log(x); });
  return out;
}

// 1.4826 x the median absolute deviation: a spread that a few burst-slowed runs do not inflate.
double robust_sigma(std::span<const double> xs) {
  if (xs.size() < 2) {
    return 0;
  }
  const double center = stats::median(xs);
  std::vector<double> dev;
  dev.reserve(xs.size());
  for (const double x : xs) {
    dev.push_back(std::fabs(x - center));
  }
  return k_mad_to_sigma * stats::median(dev);
}

// The robust spread of both sides together (deviations from each side's own median).
double pooled_robust_sigma(std::span<const double> lb, std::span<const double> lc, bool by_round) {
  std::vector<double> dev;
  if (by_round) {
    std::vector<double> d;
    for (std::size_t i = 0; i < std::min(lb.size(), lc.size()); ++i) {
      d.push_back(lc[i] - lb[i]);
    }
    return robust_sigma(d) / std::sqrt(2.0); // per run: a difference has twice a run's variance
  }
  const double mb = stats::median(lb);
  const double mc = stats::median(lc);
  for (const double x : lb) {
    dev.push_back(std::fabs(x - mb));
  }
  for (const double x : lc) {
    dev.push_back(std::fabs(x - mc));
  }
  return k_mad_to_sigma * stats::median(dev);
}

std::optional<stats::ShiftInterval> shift_interval(std::span<const double> lb, std::span<const double> lc, double level,
                                                   const SequentialOptions& options) {
  const double usable = level > 0 ? level : 1e-300; // no claim: the interval is unbounded, the estimate stands
  return paired(options) ? stats::hodges_lehmann_paired(lb, lc, usable) : stats::hodges_lehmann_unpaired(lb, lc, usable);
}

// The trimmed reading (see sequential.hpp): the slowest k_trimmed_share of each side's runs left out, and
// the share of a claim look's level it gets where its bounds can reach that share. Measured on
// bench/verdicts (300 trials per cell, seed 1) with 0.3, 0.4, 0.5 and 0.6 left out: the burst cells'
// median missed KEEP 53%, 41%, 24% and 11% (60% without); no false KEEP, KILL or regression rate moved
// beyond 0.3 points, and the quiet cells' runs by under one. Under load that slows up to half of the runs
// the fastest 40% are the clean ones; on a quiet machine the reading of all runs settles first.
constexpr double k_trimmed_share = 0.6;
constexpr double k_trimmed_level_share = 0.5;

// How differently the two sides' kept runs may scatter (robust sigma of the logs) for the trimmed reading
// to settle a KEEP: at most this ratio, plus an absolute slack for sides too tight to compare.
constexpr double k_kept_spread_ratio = 3.0;
constexpr double k_kept_spread_slack = 0.002;
// Kept runs count as clean for a futility DISCARD when their robust CV is within this share of the KEEP
// threshold. Measured on bench/verdicts' burst cells (300 trials): with cv_limit instead, a real 10% gain at
// CV 5% was DISCARDed in 8-13% of trials (5% before); with half the KEEP threshold in 0.3-4%, while a no-op
// at CV 1% is DISCARD in 82-88% (57-63% before, the rest INCONCLUSIVE "too noisy").
constexpr double k_clean_share = 0.5;

struct LevelSplit {
  double all = 0;         // the level of the interval of all runs
  double trimmed = 0;     // of the trimmed one (0: none at this look)
  std::size_t kept = 0;   // runs per side the trimmed reading keeps
};

std::size_t trimmed_kept(int runs) {
  const auto n = static_cast<std::size_t>(std::max(runs, 0));
  return n - static_cast<std::size_t>(std::floor(k_trimmed_share * static_cast<double>(n)));
}

// The split of `level` at a look of `runs` pairs: a function of the options and the look only (pre-declared).
LevelSplit level_split(int runs, double level, const SequentialOptions& options) {
  LevelSplit split{level, 0, trimmed_kept(runs)};
  const auto n = static_cast<std::size_t>(std::max(runs, 0));
  if (paired(options) || level <= 0 || split.kept == 0 || split.kept >= n) {
    return split;
  }
  // Fewer runs left out where the share is out of reach of so few kept runs (a spent budget's last look at
  // fewer pairs, the smaller levels of several inputs): still a function of the look alone.
  const double share = level * k_trimmed_level_share;
  while (split.kept < n && stats::smallest_trimmed_level(n, split.kept) > share) {
    ++split.kept;
  }
  if (split.kept >= n) {
    return split;
  }
  split.all = level - share;
  split.trimmed = share;
  return split;
}

// The fastest `kept` of a sample (its robust spread is the trimmed reading's CV).
std::vector<double> fastest(std::span<const double> xs, std::size_t kept) {
  std::vector<double> out(xs.begin(), xs.end());
  std::sort(out.begin(), out.end());
  out.resize(std::min(kept, out.size()));
  return out;
}

// The robust spreads of the fastest `kept` runs of each side: the larger, and whether the two scatter alike
// (within k_kept_spread_ratio, plus k_kept_spread_slack), as two samples of one machine's clean runs do. A
// side that scatters more has a faster lower tail at the same median, so each claim needs only the side
// that would favour it not to scatter more: a gain, the candidate (`gain_alike`); no gain, the baseline
// (`no_gain_alike`).
struct KeptSpread {
  double baseline = 0;
  double candidate = 0;
  double worst = 0;
  bool alike = false;
  bool gain_alike = false;
  bool no_gain_alike = false;
};

KeptSpread kept_spread(std::span<const double> lb, std::span<const double> lc, std::size_t kept) {
  const double b = robust_sigma(fastest(lb, kept));
  const double c = robust_sigma(fastest(lc, kept));
  const bool gain = c <= k_kept_spread_ratio * b + k_kept_spread_slack;
  const bool no_gain = b <= k_kept_spread_ratio * c + k_kept_spread_slack;
  return {b, c, std::max(b, c), gain && no_gain, gain, no_gain};
}

// The trimmed reading corrected for a difference in the two sides' spread. The fastest runs of a side lie
// below its median by about k_lower_tail_offset x their own robust spread (normal noise: the fastest 40%
// centre on the 20th percentile, 0.84 sigma below the median, and their robust spread is 0.47 sigma at 8
// of 20 runs), so a candidate that scatters more than its baseline (a change that adds variance) reads
// faster on its fastest runs at the same median, and one that scatters less reads slower (bench/verdicts'
// noisier-candidate cells: a 2% gain at CV 5% with the candidate's CV 2.5 x was KEEP in 4.0% of 1000
// trials without this, 2.2% with it). The spreads of so few runs are noisy themselves, so the figures move only away from the
// claim they are read for: for KEEP, the estimate and the upper bound by the candidate's excess spread; for
// ruling KEEP out, the estimate and the lower bound by the baseline's.
constexpr double k_lower_tail_offset = 1.8;

enum class Claim { gain, no_gain };

stats::ShiftInterval spread_corrected(stats::ShiftInterval interval, const KeptSpread& spread, Claim claim) {
  const double excess = k_lower_tail_offset * (spread.candidate - spread.baseline);
  if (claim == Claim::gain && excess > 0) {
    interval.estimate += excess;
    interval.hi += excess;
  } else if (claim == Claim::no_gain && excess < 0) {
    interval.estimate += excess;
    interval.lo += excess;
  }
  return interval;
}

// The standard error of the Hodges–Lehmann shift as this sample shows it, the smaller of two readings,
// each of which one kind of sample inflates: the width of its rank interval at a moderate level
// (k_spread_level each side) over that level's normal width, which a third of the runs slowed by bursts
// of load leaves close to the shift's real spread while it multiplies the spread of the runs (1.4826 MAD)
// several times; and that robust spread of the runs, which one cold first run among four pairs leaves
// alone while it stretches the rank interval of so few differences. Futility only ever stops for a
// non-KEEP verdict, so the smaller reading costs runs, never a false KEEP (bench/verdicts' burst and
// cold cells).
constexpr double k_spread_level = 0.10;

double shift_standard_error(std::span<const double> lb, std::span<const double> lc, const SequentialOptions& options,
                            std::size_t kept = 0) {
  // kept > 0: the trimmed reading's, from the spread and the interval of the kept runs.
  const double n = static_cast<double>(kept > 0 ? kept : std::min(lb.size(), lc.size()));
  const double sigma = kept > 0 ? pooled_robust_sigma(fastest(lb, kept), fastest(lc, kept), false)
                                : pooled_robust_sigma(lb, lc, paired(options));
  double se = k_hl_efficiency * sigma * std::sqrt(2.0 / n);
  const auto spread = kept > 0 ? stats::hodges_lehmann_trimmed(lb, lc, kept, k_spread_level)
                               : shift_interval(lb, lc, k_spread_level, options);
  if (spread && std::isfinite(spread->lo) && std::isfinite(spread->hi)) {
    se = std::min(se, (spread->hi - spread->lo) / (2.0 * -stats::normal_quantile(k_spread_level)));
  }
  return se;
}

// Where futility projects an input to: the budget before it, max_runs after it or for a sample scattered
// beyond cv_limit (a scattered sample's KEEP-sized estimate goes on past the budget).
int futility_horizon(int runs, bool scattered, const SequentialOptions& options) {
  return scattered || runs >= budget_end(options) ? options.max_runs : budget_end(options);
}

// How far futility lets the estimate drift in the candidate's favour over the rest of the way to the horizon.
double futility_drift(double se_now, double runs, double horizon, const SequentialOptions& options) {
  return options.futility_z * se_now * std::sqrt(1.0 - runs / horizon);
}

// KILL stops the measuring of a candidate for good, so its claim is made at an eighth of the look's
// level: under load that slows one run of each round (anti-correlated sides, bench/verdicts' burst cells)
// all five candidate runs of the first claim look fall on the slow side often enough for a KILL of a
// candidate 5% slower in 0.4-0.6% of trials (at a quarter, 0.4% remained with heavy-tailed noise; at an
// eighth, 0.1% at most). A clearly slow build is still killed at the second claim look (8 pairs for one
// input, 1-4 inputs), where the rank interval reaches this level.
constexpr double k_kill_level_share = 0.125;

// KEEP ruled out (or out of reach): what the interval and the estimate say instead.
Decision not_keep(const Look& look, const Policy& policy, const std::string& head, bool regression_allowed = true) {
  if (regression_allowed && look.lo > 0.0 && look.change >= policy.regression_threshold) {
    return {Verdict::discard, true, fmt::format("sequential: regression {}", interval_text(look))};
  }
  if (look.hi < 0.0 && -look.change >= policy.maybe_threshold) {
    return {Verdict::maybe, false,
            fmt::format("sequential: {} {}: an established improvement, KEEP (> {:.1f}%) ruled out", interval_text(look),
                        head, policy.keep_threshold * 100)};
  }
  if (look.change >= 0) { // no improvement at all: say so rather than "below the threshold"
    return {Verdict::discard, false,
            fmt::format("sequential: {} {} (KEEP > {:.1f}%); no improvement", interval_text(look), head,
                        policy.keep_threshold * 100)};
  }
  return {Verdict::discard, false,
          fmt::format("sequential: {} {} (KEEP > {:.1f}%); no established improvement of {:.1f}%", interval_text(look),
                      head, policy.keep_threshold * 100, policy.maybe_threshold * 100)};
}

// A look's figures from a shift interval of log values: exp(.) - 1, an unreachable bound infinite.
void set_figures(Look& look, const stats::ShiftInterval& interval) {
  look.change = std::exp(interval.estimate) - 1.0;
  look.lo = std::isfinite(interval.lo) ? std::exp(interval.lo) - 1.0 : -k_inf;
  look.hi = std::isfinite(interval.hi) ? std::exp(interval.hi) - 1.0 : k_inf;
}

} // namespace

SequentialOptions sequential_options(const Policy& policy, int min_runs, int max_runs, int inputs) {
  SequentialOptions options;
  options.min_runs = min_runs;
  options.max_runs = std::max(max_runs, min_runs);
  options.alpha = policy.p_threshold / static_cast<double>(std::max(inputs, 1));
  return options;
}

double look_level(int runs, const SequentialOptions& options) {
  const Plan plan = spending_plan(options);
  if (options.last_look > 0 && runs >= options.last_look && runs < options.max_runs) {
    // The loop's budget ended here: at or before the budget the whole final share is left (the look at
    // max_runs will not be made), beyond it the share of the look at max_runs.
    return has_budget(options) && options.last_look > budget_end(options) ? plan.final : plan.budget + plan.final;
  }
  if (runs >= options.max_runs) {
    return plan.final;
  }
  if (has_budget(options) && runs == budget_end(options)) {
    return plan.budget;
  }
  return std::binary_search(plan.claims.begin(), plan.claims.end(), runs) ? plan.interim : 0.0;
}

double kill_level(int runs, const SequentialOptions& options) {
  return k_kill_level_share * look_level(runs, options);
}

namespace {

// Whether the rank interval at `runs` pairs can reach the KILL level at all (1 / C(2n, n) unpaired).
bool kill_claimable(int runs, const SequentialOptions& options) {
  const double level = kill_level(runs, options);
  const auto n = static_cast<std::size_t>(runs);
  return level > 0 && stats::smallest_rank_level(n, n, paired(options)) <= level;
}

// The bounds (log scale) the claim look at `runs` pairs gives on the first `runs` of each side: the interval
// of all runs at its share of the look's level; where this look gives the fastest runs a share and the
// candidate's kept runs do not scatter more, the upper bound the lesser of it and theirs (corrected for the
// candidate's excess spread). The lower bound is all runs' only: a regression is never read from the fastest
// runs. Infinite where the look cannot claim.
stats::ShiftInterval claim_bounds(std::span<const double> lb, std::span<const double> lc, int runs,
                                  const SequentialOptions& options) {
  stats::ShiftInterval out{0, -k_inf, k_inf};
  const double level = look_level(runs, options);
  if (level <= 0) {
    return out;
  }
  const auto n = static_cast<std::size_t>(runs);
  lb = lb.first(n);
  lc = lc.first(n);
  const LevelSplit split = level_split(runs, level, options);
  if (const auto all = shift_interval(lb, lc, split.all, options)) {
    out = *all;
  }
  if (split.trimmed > 0) {
    if (const auto fast = stats::hodges_lehmann_trimmed(lb, lc, split.kept, split.trimmed)) {
      const KeptSpread spread = kept_spread(lb, lc, split.kept);
      if (spread.gain_alike) {
        out.hi = std::min(out.hi, spread_corrected(*fast, spread, Claim::gain).hi);
      }
    }
  }
  return out;
}

// The intersection of claim_bounds over the claim looks before `runs` (the looks this sequence of runs has
// already passed): under the spending plan every claim look's interval holds together with all the others
// with probability at least 1 - alpha (their levels sum to at most alpha), so their intersection does too,
// and an interval never widens from one look to the next. Infinite before the first claim look.
stats::ShiftInterval carried_bounds(std::span<const double> lb, std::span<const double> lc, int runs,
                                    const SequentialOptions& options) {
  stats::ShiftInterval out{0, -k_inf, k_inf};
  if (!options.carry) {
    return out;
  }
  for (int m = std::max(options.min_runs, 1); m < runs; ++m) {
    if (look_level(m, options) > 0) {
      const stats::ShiftInterval at = claim_bounds(lb, lc, m, options);
      out.lo = std::max(out.lo, at.lo);
      out.hi = std::min(out.hi, at.hi);
    }
  }
  return out;
}

// Narrows a look's figures to `bounds` (log scale) where they are narrower; an empty intersection (the
// intervals disagree: one of them missed) leaves the look as it is. The estimate stays within the bounds.
void narrow(Look& look, const stats::ShiftInterval& bounds) {
  const double lo = std::isfinite(bounds.lo) ? std::max(look.lo, std::exp(bounds.lo) - 1.0) : look.lo;
  const double hi = std::isfinite(bounds.hi) ? std::min(look.hi, std::exp(bounds.hi) - 1.0) : look.hi;
  if (!(lo <= hi)) {
    return;
  }
  look.lo = lo;
  look.hi = hi;
  look.change = std::clamp(look.change, lo, hi);
}

} // namespace

SequentialResult sequential_look(std::span<const double> baseline, std::span<const double> candidate,
                                 const Policy& policy, const SequentialOptions& options) {
  SequentialResult result;
  Look& look = result.look;
  look.runs = static_cast<int>(std::min(baseline.size(), candidate.size()));
  baseline = baseline.first(static_cast<std::size_t>(look.runs));
  candidate = candidate.first(static_cast<std::size_t>(look.runs));
  look.lo = -k_inf;
  look.hi = k_inf;
  look.level = look_level(look.runs, options);
  bool final = look.runs >= options.max_runs || (options.last_look > 0 && look.runs >= options.last_look);
  // With a budget: the look at it ends an input whose estimate is not KEEP-sized (decided below, once the
  // estimates are known).
  const bool at_budget = has_budget(options) && look.runs == budget_end(options) && !final;
  // Futility projects to where this input is heading (futility_horizon; a scattered sample's below).
  int horizon = futility_horizon(look.runs, false, options);
  const bool may_stop = look.runs >= options.min_runs;
  if (baseline.empty() || candidate.empty()) {
    return result;
  }
  look.change = stats::median(candidate) / stats::median(baseline) - 1.0;

  // Equal runs decide exactly, once at least 3 per side show a declared deterministic metric is; equal
  // runs of any other metric carry no spread to test with (compare_metric says so).
  if (is_constant(baseline) && is_constant(candidate) && look.runs >= 3) {
    const MetricComparison exact = compare_metric(options.metric, baseline, candidate, policy);
    if (exact.deterministic) {
      look.lo = look.hi = look.change;
    }
    if (may_stop) {
      look.stop = true;
      result.decision = exact.decision;
    }
    return result;
  }

  const bool positive = std::all_of(baseline.begin(), baseline.end(), [](double x) { return x > 0; }) &&
                        std::all_of(candidate.begin(), candidate.end(), [](double x) { return x > 0; });
  if (!positive) {
    return result; // no log scale: no interval, no early stop; max_runs ends it below
  }
  const std::vector<double> lb = logs_of(baseline);
  const std::vector<double> lc = logs_of(candidate);
  const LevelSplit split = level_split(look.runs, look.level, options);
  const auto interval = shift_interval(lb, lc, split.all, options);
  if (!interval) {
    return result;
  }
  set_figures(look, *interval);
  look.bound_level = split.all;
  const stats::ShiftInterval carried = carried_bounds(lb, lc, look.runs, options);
  const double worst_cv = std::max(robust_sigma(lb), robust_sigma(lc));
  const bool flaky = worst_cv > policy.cv_limit;
  if (flaky) {
    // A scattered sample's KEEP-sized estimate goes on past the budget: its futility projects that far
    // (and waits for half of it, below), so a real gain that bursts of load scatter is not ended early as
    // out of reach within the budget (bench/verdicts' burst and contention cells at CV 5%).
    horizon = futility_horizon(look.runs, true, options);
  }
  // What the interval must clear for KEEP: the MAYBE threshold, or on a sample scattered beyond cv_limit
  // (load, not the change) the KEEP threshold itself, as the fixed rule's "interval entirely beyond KEEP".
  const double keep_bound = flaky ? policy.keep_threshold : policy.maybe_threshold;
  // The trimmed reading, where this look gives it a share: its figures (spread_corrected), and its runs' spread.
  // Read for each claim: `trimmed` for KEEP, `trimmed_against` for ruling it out.
  std::optional<Look> trimmed;
  std::optional<Look> trimmed_against;
  KeptSpread trimmed_spread;
  if (split.trimmed > 0) {
    if (const auto fast = stats::hodges_lehmann_trimmed(lb, lc, split.kept, split.trimmed)) {
      trimmed_spread = kept_spread(lb, lc, split.kept);
      trimmed = look;
      trimmed->kept = static_cast<int>(split.kept);
      trimmed->bound_level = split.trimmed;
      trimmed_against = trimmed;
      set_figures(*trimmed, spread_corrected(*fast, trimmed_spread, Claim::gain));
      set_figures(*trimmed_against, spread_corrected(*fast, trimmed_spread, Claim::no_gain));
    }
  }
  // One interval per look: the claim looks' intervals so far and this look's readings, intersected as
  // claim_bounds does (carried_bounds). Every claim and every figure below reads it; the estimates stay each
  // reading's own (within it).
  stats::ShiftInterval joint = carried;
  if (look.level > 0) {
    joint.lo = std::max(joint.lo, interval->lo);
    joint.hi = std::min(joint.hi, interval->hi);
    if (trimmed && trimmed_spread.gain_alike && std::isfinite(trimmed->hi)) {
      joint.hi = std::min(joint.hi, std::log1p(trimmed->hi));
    }
  }
  narrow(look, joint);
  if (trimmed) {
    // The fastest runs' KEEP is judged on their own bound (and the earlier looks'): the bound they need is
    // set by their own scatter, not by that of all runs. Whatever they settle shows the look's interval.
    narrow(*trimmed, carried);
    narrow(*trimmed_against, joint);
  }
  // At the budget, an estimate short of the KEEP threshold (of all runs, and of the fastest runs where this
  // look reads them) ends the input as max_runs would: the runs beyond it are for a gain the size of a KEEP
  // that the load left unsettled.
  const bool keep_sized = look.change < -policy.keep_threshold || (trimmed && trimmed->change < -policy.keep_threshold);
  const bool ended_at_budget = at_budget && !keep_sized;
  final = final || ended_at_budget;

  // Futility (stochastic curtailment, Lan, Simon & Halperin 1982): with the robust spread seen so far,
  // the interval at max_runs, centred where the estimate is now (moved futility_z standard errors in
  // the candidate's favour), would still reach into the DISCARD region, so KEEP cannot be established
  // within the budget. It can only give a non-KEEP verdict: it costs power, never a false KEEP.
  bool futile = false;
  // The fastest runs that also put KEEP out of reach are clean (robust CV within k_clean_share of the KEEP
  // threshold, the sides alike): the runs the load slowed are not what hides a gain, so futility may DISCARD
  // although all runs are scattered.
  int futile_clean_kept = 0;
  double futile_clean_cv = 0;
  // A scattered sample's first estimates are noise themselves (a real 40% gain read -11% after 8 pairs
  // under two busy loops): on such a sample futility waits for half of max_runs (its horizon).
  const bool futility_due = look.runs >= options.futility_min_runs && (!flaky || 2 * look.runs >= horizon);
  if (options.futility && futility_due && !final && look.runs >= 2) {
    const double n = look.runs;
    const double max = horizon;
    const LevelSplit at_max = level_split(horizon, look_level(horizon, options), options);
    // Whether a reading (its estimate and standard error now) can still settle KEEP at its level at the horizon.
    const auto out_of_reach = [&](double estimate, double se_now, double final_level, double bound) {
      const double se_final = se_now * std::sqrt(n / max);
      const double z_final = -stats::normal_quantile(final_level);
      const double optimistic = estimate - futility_drift(se_now, n, max, options);
      return std::exp(optimistic + z_final * se_final) - 1.0 >= -bound ||
             std::exp(optimistic) - 1.0 >= -policy.keep_threshold;
    };
    futile = out_of_reach(interval->estimate, shift_standard_error(lb, lc, options), at_max.all, keep_bound);
    const std::size_t kept_now = trimmed_kept(look.runs);
    if (futile && at_max.trimmed > 0 && kept_now >= 2 && kept_now < static_cast<std::size_t>(look.runs)) {
      // Both readings must have KEEP out of reach: the trimmed one read from this look's fastest runs.
      const auto fast = stats::hodges_lehmann_trimmed(lb, lc, kept_now, k_spread_level);
      const KeptSpread spread = kept_spread(lb, lc, kept_now);
      // Slowed runs among the candidate's fastest (they scatter more than the baseline's, and beyond
      // cv_limit) are what makes KEEP look out of reach there: no futility on them.
      const bool candidate_slowed = !spread.gain_alike && spread.candidate > policy.cv_limit;
      futile = fast && !candidate_slowed && out_of_reach(spread_corrected(*fast, spread, Claim::no_gain).estimate,
                                    shift_standard_error(lb, lc, options, kept_now), at_max.trimmed,
                                    spread.worst > policy.cv_limit ? policy.keep_threshold : policy.maybe_threshold);
      if (futile && spread.worst <= k_clean_share * policy.keep_threshold && spread.alike) {
        futile_clean_kept = static_cast<int>(kept_now);
        futile_clean_cv = spread.worst;
      }
    }
    // A slowdown waits for the first look that can establish it, so a regression is called one
    // (`ab` and `compare` exit 4 on it) rather than a plain DISCARD for want of an interval.
    futile = futile && (look.change < policy.regression_threshold || look.level > 0);
  }
  if (!may_stop) {
    return result;
  }
  // The fastest runs first: where their upper bound is the look's (the intersection's), a KEEP is theirs.
  if (trimmed) {
    const double bound = trimmed_spread.worst > policy.cv_limit ? policy.keep_threshold : policy.maybe_threshold;
    // The fastest runs compare the sides' lower tails: a candidate noisier than its baseline (a stored quiet
    // baseline, a change that adds variance) has a faster lower tail at the same median, and leaving out its
    // slowest runs moves it further. So the kept runs of the two sides must scatter alike (as two samples of
    // one machine's clean runs do), and the estimate of all runs must be beyond the KEEP threshold as well.
    // Checks that only ever withhold a KEEP. (Also requiring the interval of all runs at k_spread_level to
    // lie below 0 cost the burst cells 6 points of missed KEEP and no false KEEP.)
    if (trimmed_spread.gain_alike && trimmed->hi < -bound && trimmed->change < -policy.keep_threshold &&
        look.change < -policy.keep_threshold) {
      look = *trimmed;
      narrow(look, joint);
      look.stop = true;
      result.decision = {Verdict::keep, false,
                         fmt::format("sequential: {} of the fastest {} runs per side lies below -{:.1f}%{}",
                                     interval_text(look), split.kept, bound * 100,
                                     worst_cv > trimmed_spread.worst
                                         ? fmt::format(" (the slowest {} per side left out: robust CV {:.1f}% of all "
                                                       "runs, {:.1f}% of these)",
                                                       look.runs - static_cast<int>(split.kept), worst_cv * 100,
                                                       trimmed_spread.worst * 100)
                                         : std::string())};
      return result;
    }
  }
  if (look.hi < -keep_bound && look.change < -policy.keep_threshold) {
    look.stop = true;
    result.decision = {Verdict::keep, false,
                       fmt::format("sequential: {} lies below -{:.1f}%{}", interval_text(look), keep_bound * 100,
                                   flaky ? fmt::format(" (robust CV {:.1f}% > {:.0f}%: the whole interval beyond the KEEP "
                                                       "threshold)",
                                                       worst_cv * 100, policy.cv_limit * 100)
                                         : std::string())};
    return result;
  }
  // A slowdown beyond the KILL multiplier waits for a look that can claim the KILL (clearly_slower runs
  // before the rule at each pair), so a slow build is killed rather than discarded as a regression.
  if (options.kill_multiplier > 0 && !final && look.change > options.kill_multiplier - 1 &&
      !kill_claimable(look.runs, options)) {
    return result;
  }
  if (look.lo > -policy.keep_threshold) {
    look.stop = true;
    result.decision = not_keep(look, policy, "rules out KEEP");
    return result;
  }
  // KEEP ruled out by the fastest runs (a change that does nothing, measured under load: the kept runs are
  // the clean ones and their interval is narrow where the interval of all runs stays wide), on the same
  // conditions as their KEEP: DISCARD, or MAYBE where they establish an improvement; a regression is only
  // ever read from all runs.
  if (trimmed_against && trimmed_spread.no_gain_alike && look.change > -policy.keep_threshold &&
      trimmed_against->lo > -policy.keep_threshold) {
    look = *trimmed_against;
    look.stop = true;
    result.decision = not_keep(look, policy, fmt::format("of the fastest {} runs per side rules out KEEP", split.kept),
                               false);
    return result;
  }
  if (futile || final) {
    look.stop = true;
    if (futile && flaky && futile_clean_kept > 0) {
      result.decision = not_keep(look, policy,
                                 fmt::format("puts KEEP out of reach within {} runs, and so do the fastest {} runs per "
                                             "side (robust CV {:.1f}% of all runs, {:.1f}% of these)",
                                             horizon, futile_clean_kept, worst_cv * 100, futile_clean_cv * 100),
                                 false);
    } else if (flaky) {
      // Too noisy: the estimate of a scattered sample says little (a real 20% gain measured through bursts of
      // load read -0.1% after 4 pairs in tests/e2e), so no DISCARD of what may be a gain.
      result.decision = {
          Verdict::inconclusive, false,
          ended_at_budget ? fmt::format("sequential: too noisy to establish KEEP within the budget of {} runs (robust CV "
                                  "{:.1f}% > {:.0f}%), and the estimate is short of the KEEP threshold, so no runs "
                                  "beyond it: {}",
                                  look.runs, worst_cv * 100, policy.cv_limit * 100, interval_text(look))
                    : fmt::format("sequential: too noisy to establish KEEP within {} runs (robust CV {:.1f}% > "
                                  "{:.0f}%): {}",
                                  std::max(horizon, look.runs), worst_cv * 100, policy.cv_limit * 100,
                                  interval_text(look))};
    } else if (futile) {
      result.decision = not_keep(look, policy, fmt::format("puts KEEP out of reach within {} runs", horizon));
    } else if (look.hi < 0.0 && -look.change >= policy.maybe_threshold) {
      result.decision = not_keep(look, policy, "does not establish KEEP");
    } else {
      result.decision = {
          Verdict::inconclusive, false,
          ended_at_budget
              ? fmt::format("sequential: {} neither establishes nor rules out KEEP (> {:.1f}%) within the budget of {} "
                            "runs; the estimate is short of the KEEP threshold, so no runs beyond it (up to {} for a "
                            "KEEP-sized one)",
                            interval_text(look), policy.keep_threshold * 100, look.runs, options.max_runs)
              : fmt::format("sequential: {} neither establishes nor rules out KEEP (> {:.1f}%) (max runs {} reached)",
                            interval_text(look), policy.keep_threshold * 100, options.max_runs)};
    }
  }
  return result;
}

std::vector<Look> sequential_trace(std::span<const double> baseline, std::span<const double> candidate,
                                   const Policy& policy, const SequentialOptions& options) {
  std::vector<Look> trace;
  const std::size_t last = std::min(baseline.size(), candidate.size());
  for (std::size_t n = static_cast<std::size_t>(std::max(options.min_runs, 1)); n <= last; ++n) {
    trace.push_back(sequential_look(baseline.first(n), candidate.first(n), policy, options).look);
    if (trace.back().stop) {
      break;
    }
  }
  return trace;
}

std::optional<Reach> futility_reach(std::span<const double> baseline, std::span<const double> candidate,
                                    const Policy& policy, const SequentialOptions& options) {
  const std::size_t n = std::min(baseline.size(), candidate.size());
  const auto positive = [](double x) { return x > 0; };
  if (n < 2 || !std::all_of(baseline.begin(), baseline.begin() + static_cast<std::ptrdiff_t>(n), positive) ||
      !std::all_of(candidate.begin(), candidate.begin() + static_cast<std::ptrdiff_t>(n), positive)) {
    return std::nullopt;
  }
  const std::vector<double> lb = logs_of(baseline.first(n));
  const std::vector<double> lc = logs_of(candidate.first(n));
  const auto interval = shift_interval(lb, lc, k_spread_level, options);
  if (!interval) {
    return std::nullopt;
  }
  const int runs = static_cast<int>(n);
  const bool scattered = std::max(robust_sigma(lb), robust_sigma(lc)) > policy.cv_limit;
  const int horizon = std::max(futility_horizon(runs, scattered, options), runs);
  const double se = shift_standard_error(lb, lc, options);
  return Reach{interval->estimate, se, runs, horizon, futility_drift(se, runs, horizon, options)};
}

std::string interval_text(const Look& look) {
  return fmt::format("{} {} after {} runs", percent(look.change), bounds_text(look.lo, look.hi), look.runs);
}

std::string interval_method(const Look& look, const SequentialOptions& options) {
  const std::string carried = options.carry ? ", intersected with every claim look's interval so far" : "";
  if (look.kept > 0) {
    return fmt::format("sequential trimmed: Hodges–Lehmann of the fastest {} of {} runs per side, rank bounds at "
                       "{:.3g}% each (alpha {:.3g}% over looks {}..{}){}",
                       look.kept, look.runs, look.bound_level * 100, options.alpha * 100, options.min_runs,
                       options.max_runs, carried);
  }
  return fmt::format("sequential {}: Hodges–Lehmann, {} bounds at {:.3g}% each after {} pairs (alpha {:.3g}% over "
                     "looks {}..{}){}",
                     paired(options) ? "paired by round" : "unpaired",
                     paired(options) ? "Wilcoxon signed-rank" : "Mann–Whitney", look.bound_level * 100, look.runs,
                     options.alpha * 100, options.min_runs, options.max_runs, carried);
}

void apply_look(MetricComparison& metric, const Look& look, const SequentialOptions& options) {
  if (metric.deterministic) {
    return; // exact figures: nothing to estimate
  }
  metric.change = look.change;
  metric.ci_lo = std::isfinite(look.lo) ? std::optional<double>(look.lo) : std::nullopt;
  metric.ci_hi = std::isfinite(look.hi) ? std::optional<double>(look.hi) : std::nullopt;
  metric.interval = interval_method(look, options);
}

bool clearly_slower(std::span<const double> baseline, std::span<const double> candidate, double multiplier,
                    const SequentialOptions& options) {
  const std::size_t n = std::min(baseline.size(), candidate.size());
  if (static_cast<int>(n) < std::max(options.min_runs, 2)) {
    return false;
  }
  const auto positive = [](double x) { return x > 0; };
  if (!std::all_of(baseline.begin(), baseline.begin() + static_cast<std::ptrdiff_t>(n), positive) ||
      !std::all_of(candidate.begin(), candidate.begin() + static_cast<std::ptrdiff_t>(n), positive)) {
    return false;
  }
  const std::vector<double> lb = logs_of(baseline.first(n));
  const std::vector<double> lc = logs_of(candidate.first(n));
  if (is_constant(lb) && is_constant(lc)) { // both sides constant: the exact ratio decides
    return lc.front() - lb.front() > std::log(multiplier);
  }
  if (!kill_claimable(static_cast<int>(n), options)) {
    return false;
  }
  const auto interval = shift_interval(lb, lc, kill_level(static_cast<int>(n), options), options);
  return interval && interval->lo > std::log(multiplier);
}

} // namespace zkbench::verdict
