#include "core/bisect_record.hpp"

#include "core/json_fields.hpp"

namespace zkbench::core {

namespace {

using nlohmann::ordered_json;
using namespace json_fields;

ordered_json optional_json(const std::optional<double>& value) {
  return value ? ordered_json(*value) : ordered_json();
}

std::optional<double> number_in(const nlohmann::json& array, std::size_t i) {
  return array.is_array() && array.size() > i && array[i].is_number() ? std::optional<double>(array[i].get<double>())
                                                                      : std::nullopt;
}

std::vector<std::string> texts_at(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  for (const nlohmann::json& item : array_at(j, key)) {
    if (item.is_string()) {
      out.push_back(item.get<std::string>());
    }
  }
  return out;
}

} // namespace

ordered_json to_json(const BisectRecord& r) {
  ordered_json j;
  j["id"] = r.id;
  j["complete"] = r.complete;
  j["good"] = r.good;
  j["bad"] = r.bad;
  j["metric"] = r.metric;
  j["inputs"] = r.inputs;
  j["threshold"] = optional_json(r.threshold);
  j["max_runs"] = r.max_runs;
  j["resumed"] = r.resumed;
  j["direction"] = r.direction;
  j["outcome"] = r.outcome;
  j["answer"] = r.answer;
  if (r.first_bad) {
    j["first_bad"] = {{"commit", r.first_bad->commit},
                      {"subject", r.first_bad->subject},
                      {"diff_stat", r.first_bad->diff_stat}};
    j["last_good"] = r.last_good;
    j["unknown"] = r.unknown;
  }
  ordered_json commits = ordered_json::array();
  for (const BisectRecord::Commit& c : r.commits) {
    ordered_json entry{{"commit", c.commit}, {"subject", c.subject}};
    entry["verdict"] = c.verdict.empty() ? ordered_json() : ordered_json(c.verdict);
    if (!c.note.empty()) {
      entry["note"] = c.note;
    }
    commits.push_back(entry);
  }
  j["commits"] = commits;
  ordered_json steps = ordered_json::array();
  for (const BisectRecord::Step& s : r.steps) {
    steps.push_back({{"commit", s.commit}, {"verdict", s.verdict}});
  }
  j["steps"] = steps;
  ordered_json comparisons = ordered_json::array();
  for (const BisectRecord::Comparison& e : r.comparisons) {
    ordered_json c;
    c["baseline"] = e.baseline;
    c["candidate"] = e.candidate;
    c["input"] = e.input;
    c["metric"] = e.metric;
    c["verdict"] = e.verdict;
    c["regression"] = e.regression;
    c["shift"] = e.shift;
    c["change"] = optional_json(e.change);
    c["interval"] = {optional_json(e.low), optional_json(e.high)};
    c["interval_method"] = e.interval_method;
    c["baseline_runs"] = e.baseline_runs;
    c["candidate_runs"] = e.candidate_runs;
    c["reason"] = e.reason;
    if (!e.failure.empty()) {
      c["failure"] = e.failure;
    }
    comparisons.push_back(c);
  }
  j["comparisons"] = comparisons;
  j["exact"] = r.exact;
  ordered_json cost;
  to_json(cost, r.cost);
  j["cost"] = cost;
  j["git_bisect_fixed_runs"] = r.git_bisect_fixed_runs;
  j["git_bisect_runs_per_side"] = r.git_bisect_runs_per_side;
  j["confidence"] = {{"alpha_per_claim", r.alpha},
                     {"claims", r.claims},
                     {"bound", optional_json(r.bound)},
                     {"statement", r.confidence}};
  j["elapsed_s"] = r.elapsed_s;
  j["comparisons_made"] = r.comparisons_made;
  j["sessions"] = {{"owner", "bisect"}, {"first_owner_id", r.first_owner_id}, {"owner_ids", r.owner_ids}};
  j["warnings"] = r.warnings;
  return j;
}

Result<BisectRecord> read_bisect_record(const nlohmann::json& j) {
  if (!j.is_object()) {
    return make_error("not a JSON object");
  }
  BisectRecord r;
  r.id = text_at(j, "id");
  r.good = text_at(j, "good");
  r.bad = text_at(j, "bad");
  if (r.id.empty() || r.good.empty() || r.bad.empty()) {
    return make_error("not a bisection's results.json (no id, good or bad)");
  }
  // Records written before bisections were resumable were written once, at the end.
  const nlohmann::json& complete = member(j, "complete");
  r.complete = complete.is_boolean() ? complete.get<bool>() : true;
  r.metric = text_at(j, "metric");
  r.inputs = texts_at(j, "inputs");
  r.threshold = number_at(j, "threshold");
  r.max_runs = integer_at(j, "max_runs").value_or(0);
  r.resumed = integer_at(j, "resumed").value_or(0);
  r.direction = text_at(j, "direction");
  r.outcome = text_at(j, "outcome");
  r.answer = text_at(j, "answer");
  if (const nlohmann::json& first = member(j, "first_bad"); first.is_object()) {
    r.first_bad = BisectRecord::Culprit{text_at(first, "commit"), text_at(first, "subject"), text_at(first, "diff_stat")};
    r.last_good = text_at(j, "last_good");
    r.unknown = texts_at(j, "unknown");
  }
  for (const nlohmann::json& c : array_at(j, "commits")) {
    if (c.is_object()) {
      r.commits.push_back({text_at(c, "commit"), text_at(c, "subject"), text_at(c, "verdict"), text_at(c, "note")});
    }
  }
  for (const nlohmann::json& s : array_at(j, "steps")) {
    if (s.is_object()) {
      r.steps.push_back({text_at(s, "commit"), text_at(s, "verdict")});
    }
  }
  for (const nlohmann::json& c : array_at(j, "comparisons")) {
    if (!c.is_object()) {
      continue;
    }
    BisectRecord::Comparison e;
    e.baseline = text_at(c, "baseline");
    e.candidate = text_at(c, "candidate");
    e.input = text_at(c, "input");
    e.metric = text_at(c, "metric");
    e.verdict = text_at(c, "verdict");
    const nlohmann::json& regression = member(c, "regression");
    e.regression = regression.is_boolean() && regression.get<bool>();
    e.shift = text_at(c, "shift");
    e.change = number_at(c, "change");
    e.low = number_in(member(c, "interval"), 0);
    e.high = number_in(member(c, "interval"), 1);
    e.interval_method = text_at(c, "interval_method");
    e.baseline_runs = count_at(c, "baseline_runs");
    e.candidate_runs = count_at(c, "candidate_runs");
    e.reason = text_at(c, "reason");
    e.failure = text_at(c, "failure");
    r.comparisons.push_back(std::move(e));
  }
  const nlohmann::json& exact = member(j, "exact");
  r.exact = exact.is_boolean() && exact.get<bool>();
  if (const nlohmann::json& cost = member(j, "cost"); cost.is_object()) {
    r.cost = cost_from_json(cost);
  }
  r.git_bisect_fixed_runs = count_at(j, "git_bisect_fixed_runs");
  r.git_bisect_runs_per_side = integer_at(j, "git_bisect_runs_per_side").value_or(0);
  if (const nlohmann::json& confidence = member(j, "confidence"); confidence.is_object()) {
    r.alpha = number_at(confidence, "alpha_per_claim").value_or(r.alpha);
    r.claims = count_at(confidence, "claims");
    r.bound = number_at(confidence, "bound");
    r.confidence = text_at(confidence, "statement");
  }
  r.elapsed_s = number_at(j, "elapsed_s").value_or(0);
  r.comparisons_made = count_at(j, "comparisons_made");
  if (const nlohmann::json& sessions = member(j, "sessions"); sessions.is_object()) {
    const nlohmann::json& first = member(sessions, "first_owner_id");
    r.first_owner_id = first.is_number_integer() ? first.get<std::int64_t>() : 0;
    r.owner_ids = count_at(sessions, "owner_ids");
  }
  r.warnings = texts_at(j, "warnings");
  return r;
}

} // namespace zkbench::core
