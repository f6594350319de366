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

nlohmann::ordered_json evidence_json(const BisectEvidence& e) {
  nlohmann::ordered_json j;
  j["baseline"] = e.baseline;
  j["candidate"] = e.candidate;
  j["input"] = e.input;
  j["metric"] = e.metric;
  j["verdict"] = e.verdict;
  j["shift"] = to_string(e.shift);
  j["change"] = std::isnan(e.change) ? nlohmann::ordered_json() : nlohmann::ordered_json(e.change);
  j["interval"] = {e.lo ? nlohmann::ordered_json(*e.lo) : nlohmann::ordered_json(),
                   e.hi ? nlohmann::ordered_json(*e.hi) : nlohmann::ordered_json()};
  j["interval_method"] = e.interval;
  j["baseline_runs"] = e.baseline_runs;
  j["candidate_runs"] = e.candidate_runs;
  j["reason"] = e.reason;
  if (!e.failure.empty()) {
    j["failure"] = e.failure;
  }
  return j;
}

} // namespace

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

nlohmann::ordered_json bisect_results_json(const BisectOutcome& o) {
  nlohmann::ordered_json j;
  j["id"] = o.id;
  j["good"] = o.good;
  j["bad"] = o.bad;
  j["metric"] = o.metric;
  j["inputs"] = o.inputs;
  j["direction"] = to_string(o.direction);
  j["outcome"] = outcome_word(o);
  j["answer"] = bisect_answer(o);
  if (o.search) {
    const BisectCommit& c = o.commits[o.search->first_bad];
    j["first_bad"] = {{"commit", c.commit}, {"subject", c.subject}, {"diff_stat", o.culprit_diff_stat}};
    j["last_good"] = o.commits[o.search->last_good].commit;
    nlohmann::ordered_json unknown = nlohmann::ordered_json::array();
    for (const std::size_t i : o.search->unknown) {
      unknown.push_back(o.commits[i].commit);
    }
    j["unknown"] = unknown;
  }
  nlohmann::ordered_json commits = nlohmann::ordered_json::array();
  for (const BisectCommit& c : o.commits) {
    nlohmann::ordered_json entry{{"commit", c.commit}, {"subject", c.subject}};
    entry["verdict"] = c.verdict ? nlohmann::ordered_json(to_string(*c.verdict)) : nlohmann::ordered_json();
    if (!c.note.empty()) {
      entry["note"] = c.note;
    }
    commits.push_back(entry);
  }
  j["commits"] = commits;
  nlohmann::ordered_json comparisons = nlohmann::ordered_json::array();
  for (const BisectEvidence& e : o.evidence) {
    comparisons.push_back(evidence_json(e));
  }
  j["comparisons"] = comparisons;
  j["exact"] = o.exact;
  nlohmann::ordered_json cost;
  core::to_json(cost, o.cost);
  j["cost"] = cost;
  j["git_bisect_fixed_runs"] = o.git_bisect_runs;
  j["git_bisect_runs_per_side"] = o.fixed_runs;
  j["confidence"] = {{"alpha_per_claim", o.alpha},
                     {"claims", o.claims},
                     {"bound", o.claims > 0 ? nlohmann::ordered_json(std::max(
                                                  0.0, 1.0 - static_cast<double>(o.claims) * o.alpha))
                                            : nlohmann::ordered_json()},
                     {"statement", confidence_statement(o)}};
  j["elapsed_s"] = o.elapsed_s;
  j["comparisons_made"] = o.comparisons;
  j["sessions"] = {{"owner", "bisect"}, {"first_owner_id", o.first_owner_id}, {"owner_ids", o.owner_ids}};
  j["warnings"] = o.warnings;
  return j;
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
