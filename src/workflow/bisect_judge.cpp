#include "workflow/bisect_judge.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "project/workspace.hpp"
#include "verdict/decide.hpp"
#include "verdict/sequential.hpp"
#include "workflow/measure_inputs.hpp"

namespace zkbench::workflow {

namespace {

constexpr const char* k_owner = "bisect";
// The rule decides a declared deterministic metric exactly from this many equal runs per side
// (verdict/decide.cpp's k_min_deterministic_runs, sequential_look's `look.runs >= 3`): fewer never decide.
constexpr int k_min_runs = 3;

// The shift every input's claim agrees on: inputs that claim opposite shifts, or none, say none.
Shift agreed(const std::vector<Shift>& shifts) {
  const bool slower = std::find(shifts.begin(), shifts.end(), Shift::slower) != shifts.end();
  const bool faster = std::find(shifts.begin(), shifts.end(), Shift::faster) != shifts.end();
  if (slower == faster) {
    return Shift::none;
  }
  return slower ? Shift::slower : Shift::faster;
}

// The evidence of a decided comparison: the judged metric's figures (the deciding look's, or exact).
BisectEvidence evidence_of(const CommitBuild& baseline, const CommitBuild& candidate,
                           const std::string& input, const std::string& metric,
                           const verdict::Decision& decision, const verdict::MetricComparison* figures) {
  BisectEvidence e;
  e.baseline = baseline.commit;
  e.candidate = candidate.commit;
  e.input = input;
  e.metric = metric;
  e.verdict = verdict::to_string(decision.verdict);
  e.regression = decision.regression;
  e.shift = claimed_shift(decision);
  e.reason = decision.reason;
  e.change = std::nan("");
  if (figures != nullptr) {
    e.change = figures->change;
    e.lo = figures->ci_lo;
    e.hi = figures->ci_hi;
    e.interval = figures->interval;
  }
  return e;
}

} // namespace

const char* to_string(Shift shift) {
  switch (shift) {
  case Shift::none:
    return "no difference";
  case Shift::slower:
    return "slower";
  case Shift::faster:
    return "faster";
  }
  return "?";
}

Shift claimed_shift(const verdict::Decision& decision) {
  if (decision.regression || decision.verdict == verdict::Verdict::kill) {
    return Shift::slower;
  }
  if (decision.verdict == verdict::Verdict::keep || decision.verdict == verdict::Verdict::maybe) {
    return Shift::faster;
  }
  return Shift::none;
}

verdict::Policy bisect_policy(verdict::Policy policy, std::optional<double> threshold) {
  const double t = threshold.value_or(policy.maybe_threshold);
  policy.keep_threshold = t;
  policy.maybe_threshold = t;
  policy.regression_threshold = t;
  policy.deterministic_keep = t;
  policy.deterministic_regression = t;
  return policy;
}

Shift opposite(Shift shift) {
  switch (shift) {
  case Shift::slower:
    return Shift::faster;
  case Shift::faster:
    return Shift::slower;
  case Shift::none:
    break;
  }
  return Shift::none;
}

BisectJudge::BisectJudge(project::Workspace& ws, BisectJudgeSettings settings)
    : m_ws(ws), m_settings(std::move(settings)) {
}

core::Benchmark BisectJudge::reference() const {
  // judge_input's hang guard reads the stored baseline's median: one run of the slowest time seen so far
  // (a single run, so no drift warning is drawn from it).
  core::Benchmark bench;
  if (m_reference_s > 0) {
    core::Run run;
    run.wall_s = m_reference_s;
    bench.runs.push_back(run);
  }
  return bench;
}

void BisectJudge::note_times(const core::Benchmark& bench) {
  for (const double t : bench.wall_times()) {
    m_reference_s = std::max(m_reference_s, t);
  }
}

InputJudgeOptions BisectJudge::judge_options(const CommitBuild& baseline,
                                             const CommitBuild& candidate) const {
  InputJudgeOptions judge;
  judge.owner = {k_owner, m_settings.first_owner_id + static_cast<std::int64_t>(m_next_comparison), m_settings.command,
                 k_owner};
  judge.strategy = verdict::Strategy::sequential;
  judge.mode = BaselineMode::interleaved;
  judge.runs = m_max_runs;
  judge.min_runs = k_min_runs;
  judge.inputs = static_cast<int>(m_settings.inputs.size());
  judge.warmup = m_settings.warmup;
  judge.baseline_dir = baseline.dir;
  judge.candidate_dir = candidate.dir;
  judge.status = m_settings.status;
  return judge;
}

Result<Shift> BisectJudge::compare_interleaved(const CommitBuild& baseline, const CommitBuild& candidate) {
  const InputJudgeOptions judge = judge_options(baseline, candidate);
  ++m_next_comparison;
  std::vector<Shift> shifts;
  for (const project::InputSpec& input : m_settings.inputs) {
    ZKBENCH_TRY_ASSIGN(judged, judge_input(m_ws, input, reference(), m_settings.policy, judge));
    if (judged->interrupted) {
      return make_error("interrupted; the runs measured so far are kept in the store");
    }
    m_cost.add(judged->baseline, true, m_settings.fixed_runs);
    m_cost.add(judged->candidate, false, m_settings.fixed_runs);
    if (judged->baseline_broken) {
      BisectEvidence e;
      e.baseline = baseline.commit;
      e.candidate = candidate.commit;
      e.input = input.name;
      e.failure = judged->failure;
      m_evidence.push_back(std::move(e));
      m_failed = baseline.commit;
      return Shift::none;
    }
    note_times(judged->baseline);
    note_times(judged->candidate);
    const verdict::CommandComparison& c = judged->comparison;
    BisectEvidence e =
        evidence_of(baseline, candidate, input.name, judged->metric.empty() ? c.metric : judged->metric,
                    c.decision, verdict::primary_comparison(c.metrics, c.metric));
    e.baseline_runs = judged->baseline.runs.size();
    e.candidate_runs = judged->candidate.runs.size();
    e.failure = judged->failure;
    const bool failed = !e.failure.empty();
    m_evidence.push_back(std::move(e));
    if (failed) {
      m_failed = candidate.commit;
      return Shift::none;
    }
    shifts.push_back(m_evidence.back().shift);
    if (m_keeping && c.metric == m_settings.policy.primary_metric) { // kept for the exact path's reuse
      m_runs[baseline.commit][input.name] = judged->baseline;
      m_runs[candidate.commit][input.name] = judged->candidate;
    }
  }
  return agreed(shifts);
}

Result<const core::Benchmark*> BisectJudge::runs_of(const CommitBuild& build, const project::InputSpec& input,
                                                    bool& measured) {
  auto& by_input = m_runs[build.commit];
  if (const auto found = by_input.find(input.name); found != by_input.end()) {
    measured = false;
    return &found->second;
  }
  MeasureOptions measure;
  measure.owner = {k_owner, m_settings.first_owner_id + static_cast<std::int64_t>(m_next_comparison++),
                   m_settings.command, k_owner};
  measure.runs = k_min_runs;
  measure.warmup = m_settings.warmup;
  measure.timeout_s = hang_guard_s(reference(), m_settings.policy);
  measure.status = m_settings.status;
  measure.settings = fmt::format("exact {} metric, {} runs", m_settings.policy.primary_metric, k_min_runs);
  const SideSpec side{"candidate", build.dir, measure::VerifyWhen::every_run};
  ZKBENCH_TRY_ASSIGN(m, measure_input(m_ws, input, std::span(&side, 1), measure));
  m_cost.add(m->sides.front(), false, m_settings.fixed_runs);
  if (m->end == measure::LoopStatus::interrupted) {
    return make_error("interrupted; the runs measured so far are kept in the store");
  }
  if (m->end != measure::LoopStatus::complete && m->end != measure::LoopStatus::decided) {
    BisectEvidence e;
    e.candidate = build.commit;
    e.input = input.name;
    e.failure = fmt::format("input '{}': the benchmark command {}{}", input.name, m->message,
                            m->verifier_output.empty() ? std::string() : ": " + m->verifier_output);
    e.candidate_runs = m->sides.front().runs.size();
    m_evidence.push_back(std::move(e));
    m_failed = build.commit;
    return nullptr;
  }
  note_times(m->sides.front());
  measured = true;
  core::Benchmark& kept = by_input[input.name];
  kept = std::move(m->sides.front());
  kept.command = input.name;
  return &kept;
}

Result<Shift> BisectJudge::compare_exact(const CommitBuild& baseline, const CommitBuild& candidate) {
  std::vector<Shift> shifts;
  for (const project::InputSpec& input : m_settings.inputs) {
    bool base_new = false;
    bool cand_new = false;
    ZKBENCH_TRY_ASSIGN(base, runs_of(baseline, input, base_new));
    ZKBENCH_TRY_ASSIGN(cand, runs_of(candidate, input, cand_new));
    if (*base == nullptr || *cand == nullptr) {
      return Shift::none; // the candidate's command failed (evidence noted)
    }
    // The rule itself on the kept runs (verdict::AbDecider, the rule verdict::AbJudge drives), not AbJudge:
    // each of AbJudge's two modes assumes what this path does not have. Beside a baseline it pairs the two
    // sides' runs by position and leaves a round out when either of its runs was contended
    // (core::without_contended_rounds); here each commit's runs were measured on their own (runs_of), at
    // another time or in an earlier comparison, so run i of one side and run i of the other are no round,
    // and one contended run would take an uncontended run of the other commit out with it. Against a
    // stored baseline it settles only while the candidate has no more runs than the stored side, and a
    // commit's runs kept from an interleaved comparison may outnumber the other's. An exact metric is the
    // same under load, so every kept run counts: exact when the metric is constant on both sides, else it
    // cannot claim anything on 3 runs and says so.
    verdict::AbOptions ab;
    ab.strategy = verdict::Strategy::sequential;
    ab.sequential = verdict::sequential_options(m_settings.policy, k_min_runs, m_settings.max_runs,
                                                static_cast<int>(m_settings.inputs.size()));
    const std::string metric = verdict::judged_metric(**base, **cand, m_settings.policy.primary_metric);
    verdict::AbDecider decider(metric, m_settings.policy, ab);
    const std::vector<double> b = verdict::primary_values(**base, metric);
    const std::vector<double> c = verdict::primary_values(**cand, metric);
    decider.look(b, c);
    verdict::AbOutcome outcome = decider.outcome(b, c);
    if (!outcome.comparison.deterministic) {
      outcome.decision = {verdict::Verdict::inconclusive, false,
                          fmt::format("{} is not exact on commit {} ({} runs): no claim", metric,
                                      candidate.commit.substr(0, 12), c.size())};
    }
    BisectEvidence e =
        evidence_of(baseline, candidate, input.name, metric, outcome.decision, &outcome.comparison);
    e.baseline_runs = base_new ? (*base)->runs.size() : 0;
    e.candidate_runs = cand_new ? (*cand)->runs.size() : 0;
    m_evidence.push_back(std::move(e));
    shifts.push_back(m_evidence.back().shift);
  }
  return agreed(shifts);
}

Result<Shift> BisectJudge::compare(const CommitBuild& baseline, const CommitBuild& candidate, int attempt) {
  m_failed.clear();
  ++m_compared;
  m_max_runs = m_settings.measure_further ? runs_at(m_settings.max_runs, attempt) : m_settings.max_runs;
  return m_exact ? compare_exact(baseline, candidate) : compare_interleaved(baseline, candidate);
}

Result<bool> BisectJudge::faster(const CommitBuild& x, const CommitBuild& y, int attempt) {
  ZKBENCH_TRY_ASSIGN(shift, compare(y, x, attempt));
  return *shift == Shift::faster;
}

Result<Shift> BisectJudge::ends_direction(const CommitBuild& good, const CommitBuild& bad) {
  // The usual question first: is GOOD faster than BAD (BAD slower)? GOOD's established slowdown against BAD
  // (the regression flag) answers the other way at once. No claim: the question is put again on fresh runs
  // measured further (runs_at), about the side the estimate leans to (GOOD faster, or BAD faster, where the
  // rule has its power for that direction), up to k_ends_attempts questions. A step missed here is a
  // bisection lost; a false start the added questions make on a flat range is mostly caught by
  // search_between (nothing placed: the ends asked once more).
  const auto broken = [&]() -> Result<void> {
    if (m_failed.empty()) {
      return {};
    }
    return make_error(fmt::format("{} {} cannot be measured: {}", m_failed == bad.commit ? "BAD" : "GOOD",
                                  m_failed.substr(0, 12), m_evidence.back().failure));
  };
  bool good_faster = true; // the question: GOOD faster than BAD, else BAD faster than GOOD
  for (int attempt = 1; attempt <= k_ends_attempts; ++attempt) {
    const std::size_t from = m_evidence.size();
    ZKBENCH_TRY_ASSIGN(shift, good_faster ? compare(bad, good, attempt) : compare(good, bad, attempt));
    ZKBENCH_TRY(broken());
    if (*shift != Shift::none) { // GOOD against BAD (or BAD against GOOD): BAD moved the other way
      return good_faster ? opposite(*shift) : *shift;
    }
    if (m_exact) {
      return Shift::none;
    }
    // Which side to ask about next: the one the estimate leans to. The second question is always put: under
    // load the rule's futility stop can end the first after 4 or 5 runs per side with an estimate near zero
    // on a 10% step, its interval unbounded (bench_verdicts --bisect, bursts), while on a quiet machine a
    // flat range's questions stop as early, for a few runs more. The third only when the second's estimate
    // leans by the threshold at least: a change that counts may be there.
    const double t = attempt == 1 ? 0.0 : m_settings.policy.maybe_threshold;
    bool same = false;  // the candidate leans faster: the same question again
    bool other = false; // ... slower: the other way round
    for (std::size_t i = from; i < m_evidence.size(); ++i) {
      const BisectEvidence& e = m_evidence[i];
      same = same || (!std::isnan(e.change) && e.change < 0 && -e.change >= t);
      other = other || (!std::isnan(e.change) && e.change > 0 && e.change >= t);
    }
    if (same) {
      continue;
    }
    if (!other) {
      return Shift::none;
    }
    good_faster = !good_faster;
  }
  return Shift::none;
}

Result<bool> BisectJudge::confirm_ends(const CommitBuild& good, const CommitBuild& bad, Shift direction) {
  ++m_ends_questions;
  const bool slower = direction == Shift::slower;
  ZKBENCH_TRY_ASSIGN(confirmed, slower ? faster(good, bad, k_ends_attempts) : faster(bad, good, k_ends_attempts));
  if (!m_failed.empty()) {
    return make_error(fmt::format("{} {} measured before now fails: {}", m_failed == bad.commit ? "BAD" : "GOOD",
                                  m_failed.substr(0, 12), m_evidence.back().failure));
  }
  return *confirmed;
}

Result<BisectAnswer> search_between(BisectJudge& judge, const CommitBuild& good, const CommitBuild& bad,
                                    Shift direction, std::size_t last, const CommitProbe& probe) {
  ZKBENCH_TRY_ASSIGN(search, bisect_search(last, probe));
  BisectAnswer answer{direction, std::move(*search)};
  if (answer.search.gave_up && !answer.search.placed_any()) {
    ZKBENCH_TRY_ASSIGN(confirmed, judge.confirm_ends(good, bad, direction));
    answer.direction = *confirmed ? direction : Shift::none;
  }
  return answer;
}

void BisectJudge::resume(std::vector<BisectEvidence> evidence, const core::VerdictCost& cost, std::size_t comparisons,
                         bool exact, std::size_t ends_questions) {
  m_evidence = std::move(evidence);
  m_cost = cost;
  m_compared = comparisons;
  m_exact = exact;
  m_ends_questions = ends_questions;
}

Result<Shift> BisectJudge::compare_ends(const CommitBuild& good, const CommitBuild& bad) {
  m_runs.clear();
  m_keeping = true;
  auto first = ends_direction(good, bad);
  m_keeping = false;
  m_ends_questions = m_compared;
  ZKBENCH_TRY_ASSIGN(direction, std::move(first));
  // Exact on both ends, every input: each commit from now on is measured once and its runs reused.
  m_exact = !m_evidence.empty() && m_runs[good.commit].size() == m_settings.inputs.size() &&
            m_runs[bad.commit].size() == m_settings.inputs.size();
  for (const BisectEvidence& e : m_evidence) {
    m_exact =
        m_exact && e.interval == "exact" && verdict::declares_deterministic(m_settings.policy, e.metric);
  }
  if (!m_exact) {
    m_runs.clear();
  }
  return *direction;
}

Result<CommitClass> BisectJudge::classify_once(const CommitBuild& good, const CommitBuild& bad,
                                               const CommitBuild& mid, Shift direction, int attempt) {
  // Each question asks whether one commit is faster than another: the claim the rule is built to make (KEEP,
  // or MAYBE), and keeps looking for until it is settled or out of reach. Both are always asked: a
  // commit is placed only when one claims and the other does not. A false claim between equal commits (a
  // burst of load on one side) then needs the other question to miss as well; asked alone, "is GOOD
  // faster than M?" on an M like GOOD placed most of the wrong commits (bench_verdicts --bisect, bursts).
  const bool slower = direction == Shift::slower;
  const auto failed = [&](const char* end) -> Result<bool> {
    if (m_failed.empty()) {
      return false;
    }
    if (m_failed != mid.commit) {
      return make_error(fmt::format("{} {} measured before now fails: {}", end, m_failed.substr(0, 12),
                                    m_evidence.back().failure));
    }
    return true;
  };
  // Like BAD: changed from GOOD the way BAD did.
  ZKBENCH_TRY_ASSIGN(like_bad, slower ? faster(good, mid, attempt) : faster(mid, good, attempt));
  ZKBENCH_TRY_ASSIGN(broke, failed("GOOD"));
  if (*broke) {
    return CommitClass::skip;
  }
  // Like GOOD: told apart from BAD the other way.
  ZKBENCH_TRY_ASSIGN(like_good, slower ? faster(mid, bad, attempt) : faster(bad, mid, attempt));
  ZKBENCH_TRY_ASSIGN(broke_again, failed("BAD"));
  if (*broke_again) {
    return CommitClass::skip;
  }
  if (*like_bad == *like_good) {
    return CommitClass::unsettled; // neither claimed, or both: one of them is false
  }
  return *like_bad ? CommitClass::bad : CommitClass::good;
}

Result<CommitClass> BisectJudge::classify(const CommitBuild& good, const CommitBuild& bad,
                                          const CommitBuild& mid, Shift direction) {
  // An unsettled commit is asked once more on fresh runs, measured further, before it is stepped over: next
  // to the culprit it would leave the answer a range (bench_verdicts --bisect: most of the ranges at CV 5%).
  // A commit asked again (bisect_search's second look at an unsettled one) goes on from its earlier attempts.
  int& attempts = m_attempts[mid.commit];
  const int until = attempts + k_attempts;
  Result<CommitClass> verdict = CommitClass::unsettled;
  while (verdict && *verdict == CommitClass::unsettled && attempts < until) {
    ++attempts;
    verdict = classify_once(good, bad, mid, direction, attempts);
  }
  m_last_attempts = attempts;
  return verdict;
}

int runs_at(int max_runs, int attempt) {
  return max_runs << std::clamp(attempt - 1, 0, k_further_doublings);
}

} // namespace zkbench::workflow
