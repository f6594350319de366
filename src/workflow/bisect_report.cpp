#include "workflow/bisect_report.hpp"

#include <cmath>

#include <fmt/format.h>

#include "util/strings.hpp"
#include "verdict/decide.hpp"

namespace zkbench::workflow {

namespace {

std::string short_commit(const std::string& commit) {
  return commit.substr(0, 12);
}

std::string outcome_word(const BisectOutcome& o) {
  if (o.direction == Shift::none) {
    return "no difference";
  }
  return o.search && o.search->exact() ? "culprit" : "range";
}

core::BisectRecord::Comparison comparison_of(const BisectEvidence& e) {
  core::BisectRecord::Comparison c;
  c.baseline = e.baseline;
  c.candidate = e.candidate;
  c.input = e.input;
  c.metric = e.metric;
  c.verdict = e.verdict;
  c.regression = e.regression;
  c.shift = to_string(e.shift);
  c.change = std::isnan(e.change) ? std::nullopt : std::optional<double>(e.change);
  c.low = e.lo;
  c.high = e.hi;
  c.interval_method = e.interval;
  c.baseline_runs = e.baseline_runs;
  c.candidate_runs = e.candidate_runs;
  c.reason = e.reason;
  c.failure = e.failure;
  return c;
}

} // namespace

std::optional<Shift> shift_from(std::string_view text) {
  for (const Shift shift : {Shift::none, Shift::slower, Shift::faster}) {
    if (text == to_string(shift)) {
      return shift;
    }
  }
  return std::nullopt;
}

std::optional<CommitClass> commit_class_from(std::string_view text) {
  for (const CommitClass c : {CommitClass::good, CommitClass::bad, CommitClass::skip, CommitClass::unsettled}) {
    if (text == to_string(c)) {
      return c;
    }
  }
  return std::nullopt;
}

BisectEvidence evidence_from(const core::BisectRecord::Comparison& c) {
  BisectEvidence e;
  e.baseline = c.baseline;
  e.candidate = c.candidate;
  e.input = c.input;
  e.metric = c.metric;
  e.verdict = c.verdict;
  e.shift = shift_from(c.shift).value_or(Shift::none);
  e.regression = c.regression;
  e.change = c.change.value_or(std::nan(""));
  e.lo = c.low;
  e.hi = c.high;
  e.interval = c.interval_method;
  e.reason = c.reason;
  e.baseline_runs = c.baseline_runs;
  e.candidate_runs = c.candidate_runs;
  e.failure = c.failure;
  return e;
}

std::string describe_change(const BisectEvidence& e) {
  if (std::isnan(e.change)) {
    return "n/a";
  }
  if (e.interval == "exact") {
    return verdict::percent(e.change) + " (exact)";
  }
  return fmt::format("{} [{}, {}]", verdict::percent(e.change),
                     e.lo ? verdict::percent(*e.lo) : std::string("-inf"),
                     e.hi ? verdict::percent(*e.hi) : std::string("+inf"));
}

std::string bisect_answer(const BisectOutcome& o) {
  if (o.direction == Shift::none) {
    return "no difference between the ends";
  }
  const BisectCommit& last = o.commits[o.search->first_bad];
  if (o.search->exact()) {
    return fmt::format("first bad commit {} \"{}\" ({})", short_commit(last.commit), last.subject,
                       to_string(o.direction));
  }
  if (o.search->gave_up) {
    return fmt::format("the first bad commit lies in {}..{} ({} commits after the last good one): the search "
                       "stopped after 3 unsettled commits in a row (too noisy to place them, or a change spread "
                       "over several commits; {})",
                       short_commit(o.commits[o.search->last_good].commit), short_commit(last.commit),
                       o.search->first_bad - o.search->last_good, to_string(o.direction));
  }
  std::vector<std::string> ids;
  for (const std::size_t i : o.search->unknown) {
    ids.push_back(short_commit(o.commits[i].commit));
  }
  ids.push_back(short_commit(last.commit));
  return fmt::format(
      "the first bad commit is one of {} (skipped or unsettled commits left the range open; {})",
      util::join(ids, ", "), to_string(o.direction));
}

core::BisectRecord bisect_record(const BisectOutcome& o) {
  core::BisectRecord r;
  r.id = o.id;
  r.complete = o.complete;
  r.good = o.good;
  r.bad = o.bad;
  r.metric = o.metric;
  r.inputs = o.inputs;
  r.threshold = o.threshold;
  r.max_runs = o.max_runs;
  r.resumed = o.resumed;
  r.direction = o.ends_compared ? to_string(o.direction) : "";
  if (o.complete) {
    r.outcome = outcome_word(o);
    r.answer = bisect_answer(o);
  }
  if (o.search) {
    const BisectCommit& c = o.commits[o.search->first_bad];
    r.first_bad = core::BisectRecord::Culprit{c.commit, c.subject, o.culprit_diff_stat};
    r.last_good = o.commits[o.search->last_good].commit;
    for (const std::size_t i : o.search->unknown) {
      r.unknown.push_back(o.commits[i].commit);
    }
  }
  for (const BisectCommit& c : o.commits) {
    r.commits.push_back({c.commit, c.subject, c.verdict ? to_string(*c.verdict) : "", c.note});
  }
  for (const SearchStep& step : o.steps) {
    r.steps.push_back({o.commits[step.index].commit, to_string(step.verdict)});
  }
  for (const BisectEvidence& e : o.evidence) {
    r.comparisons.push_back(comparison_of(e));
  }
  r.exact = o.exact;
  r.cost = o.cost;
  r.git_bisect_fixed_runs = o.git_bisect_runs;
  r.git_bisect_runs_per_side = o.fixed_runs;
  r.alpha = o.alpha;
  r.claims = o.claims;
  if (o.claims > 0) {
    r.bound = std::max(0.0, 1.0 - static_cast<double>(o.claims) * o.alpha);
  }
  r.confidence = o.complete ? confidence_statement(o) : "";
  r.elapsed_s = o.elapsed_s;
  r.comparisons_made = o.comparisons;
  r.first_owner_id = o.first_owner_id;
  r.owner_ids = o.owner_ids;
  r.warnings = o.warnings;
  return r;
}

std::string bisect_report_markdown(const BisectOutcome& o) {
  std::string md = fmt::format("# Bisect {}: {}..{}\n\n**{}**\n\n", o.id, short_commit(o.good),
                               short_commit(o.bad), bisect_answer(o));
  md += fmt::format("Judged on {} (inputs {}), {} commits of the first-parent history.\n\n", o.metric,
                    util::join(o.inputs, ", "), o.commits.size() - 1);
  if (o.search) {
    md += fmt::format("## The first bad commit\n\n{} {}\n\n```\n{}\n```\n\n",
                      o.commits[o.search->first_bad].commit, o.culprit_subject,
                      util::trim(o.culprit_diff_stat));
  }
  md +=
      "## Evidence\n\n| B (measured) | against A | input | change of B [interval] | verdict | runs A + B |\n"
      "|---|---|---|---|---|---|\n";
  for (const BisectEvidence& e : o.evidence) {
    md += fmt::format("| {} | {} | {} | {} {} | {} | {} + {} |\n", short_commit(e.candidate),
                      e.baseline.empty() ? std::string("-") : short_commit(e.baseline), e.input, e.metric,
                      describe_change(e),
                      e.failure.empty() ? e.verdict + " (" + to_string(e.shift) + ")" : e.failure,
                      e.baseline_runs, e.candidate_runs);
  }
  md += "\n## Commits\n\n";
  for (std::size_t i = 0; i < o.commits.size(); ++i) {
    const BisectCommit& c = o.commits[i];
    const std::string role = i == 0 ? " (GOOD)" : i + 1 == o.commits.size() ? " (BAD)" : "";
    if (c.verdict || !role.empty()) {
      md += fmt::format("- {}{} {}: {}{}\n", short_commit(c.commit), role, c.subject,
                        c.verdict ? to_string(*c.verdict) : "end",
                        c.note.empty() ? std::string() : " (" + c.note + ")");
    }
  }
  md += fmt::format("\n## Cost\n\n{}, {:.1f} s in all, {} comparisons{}.\n", o.cost.describe(), o.elapsed_s,
                    o.comparisons,
                    o.exact ? fmt::format(" (exact {}: each commit measured once)", o.metric) : "");
  if (o.resumed > 0) {
    md += fmt::format("Resumed {} time(s) after an interruption: the steps judged before it were kept (the time "
                      "is that of every run; the step interrupted was measured again, its runs not counted).\n",
                      o.resumed);
  }
  if (o.git_bisect_runs > 0) {
    md += fmt::format("A `git bisect run` with a fixed {}-run A/B per step would have measured {} runs.\n",
                      o.fixed_runs, o.git_bisect_runs);
  }
  md += fmt::format("\n## Confidence\n\n{}.\n", confidence_statement(o));
  for (const std::string& w : o.warnings) {
    md += "\n> warning: " + w + "\n";
  }
  return md;
}

} // namespace zkbench::workflow
