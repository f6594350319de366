// An experiment's number, status, outcome, and results.json: the one reader and the one writer.
#include "core/experiment.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <utility>

#include <nlohmann/json.hpp>
#include "core/json_fields.hpp"
#include "util/text.hpp"

namespace zkbench::core {

namespace {

using nlohmann::ordered_json;
using namespace json_fields;

constexpr std::array<std::pair<ExperimentStatus, const char*>, 4> k_statuses{{
    {ExperimentStatus::planned, "planned"},
    {ExperimentStatus::running, "running"},
    {ExperimentStatus::done, "done"},
    {ExperimentStatus::closed, "closed"},
}};

constexpr std::array<std::pair<Outcome, const char*>, 11> k_outcomes{{
    {Outcome::none, ""},
    {Outcome::keep, "KEEP"},
    {Outcome::maybe, "MAYBE"},
    {Outcome::discard, "DISCARD"},
    {Outcome::kill, "KILL"},
    {Outcome::reject, "REJECT"},
    {Outcome::inconclusive, "INCONCLUSIVE"},
    {Outcome::failed, "FAILED"},
    {Outcome::invalid, "INVALID"},
    {Outcome::exists, "EXISTS"},
    {Outcome::superseded, "SUPERSEDED"},
}};

constexpr std::array<std::pair<Verdict, Outcome>, 6> k_verdicts{{
    {Verdict::keep, Outcome::keep},
    {Verdict::maybe, Outcome::maybe},
    {Verdict::discard, Outcome::discard},
    {Verdict::kill, Outcome::kill},
    {Verdict::reject, Outcome::reject},
    {Verdict::inconclusive, Outcome::inconclusive},
}};

template <typename Enum, std::size_t N>
const char* name_in(const std::array<std::pair<Enum, const char*>, N>& table, Enum value) {
  for (const auto& [candidate, name] : table) {
    if (candidate == value) {
      return name;
    }
  }
  return "?";
}

template <typename Enum, std::size_t N>
std::optional<Enum> value_in(const std::array<std::pair<Enum, const char*>, N>& table, std::string_view text) {
  for (const auto& [value, name] : table) {
    if (text == name) {
      return value;
    }
  }
  return std::nullopt;
}

// --- writing ---------------------------------------------------------------------------------------

ordered_json optional_json(const std::optional<double>& value) { return value ? ordered_json(*value) : ordered_json(); }

ordered_json optional_json(const std::optional<int>& value) { return value ? ordered_json(*value) : ordered_json(); }

ordered_json verdict_json(const std::optional<Verdict>& verdict) { return verdict ? to_string(*verdict) : ""; }

// NaN figures (an empty side) are written as null, as nlohmann writes every non-finite number.
ordered_json summary_json(const ResultSummary& s) {
  return {{"runs", s.runs}, {"mean", s.mean}, {"median", s.median}, {"stddev", s.stddev}, {"cv", s.cv},
          {"min", s.min}, {"max", s.max}};
}

constexpr const char* k_fieller_interval = "95% Fieller";

ordered_json input_json(const InputResult& in) {
  ordered_json j = {{"input", in.input}, {"weight", in.weight}, {"verdict", verdict_json(in.verdict)},
                    {"reason", in.reason}, {"change", optional_json(in.change)}};
  j["metrics"] = ordered_json::array();
  for (const MetricResult& m : in.metrics) {
    ordered_json metric = {{"metric", m.metric},
                           {"baseline", summary_json(m.baseline)},
                           {"candidate", summary_json(m.candidate)},
                           {"change", optional_json(m.change)}};
    // A 95% Fieller interval (the fixed rule's) keeps its name "ci95"; any other deciding interval (the
    // sequential rule's stopping look, an exact change) is "interval" with the method beside it.
    const ordered_json bounds = {optional_json(m.ci_low), optional_json(m.ci_high)};
    if (m.interval.empty() || m.interval == k_fieller_interval) {
      metric["ci95"] = bounds;
    } else {
      metric["interval"] = bounds;
      metric["interval_method"] = m.interval;
    }
    metric["welch_p"] = optional_json(m.welch_p);
    metric["mann_whitney_p"] = optional_json(m.mann_whitney_p);
    metric["verdict"] = verdict_json(m.verdict);
    j["metrics"].push_back(std::move(metric));
  }
  if (in.sequential) {
    ordered_json& sequential = j["sequential"];
    sequential["stopped_at"] = optional_json(in.stopped_at);
    sequential["trace"] = ordered_json::array();
    for (const ResultLook& look : in.trace) {
      sequential["trace"].push_back({{"pairs", look.pairs}, {"change", optional_json(look.change)},
                                     {"lo", optional_json(look.low)}, {"hi", optional_json(look.high)}});
    }
  }
  if (in.gpu) {
    j["gpu"] = {{"runs", in.gpu->runs}, {"energy_joules_median", in.gpu->energy_joules_median},
                {"memory_peak_bytes", in.gpu->memory_peak_bytes}, {"throttled_runs", in.gpu->throttled_runs}};
  }
  return j;
}

// --- reading: lenient, like every reader of results.json before it (a wrong type is a missing key) ----
// (core/json_fields.hpp)

ResultSummary read_summary(const nlohmann::json& j) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  ResultSummary s;
  if (!j.is_object()) {
    return s;
  }
  const auto it = j.find("runs");
  s.runs = it != j.end() && it->is_number_unsigned() ? it->get<std::size_t>() : 0;
  s.mean = number_at(j, "mean").value_or(nan);
  s.median = number_at(j, "median").value_or(nan);
  s.stddev = number_at(j, "stddev").value_or(nan);
  s.cv = number_at(j, "cv").value_or(nan);
  s.min = number_at(j, "min").value_or(nan);
  s.max = number_at(j, "max").value_or(nan);
  return s;
}

MetricResult read_metric(const nlohmann::json& j) {
  MetricResult m;
  m.metric = text_at(j, "metric");
  m.baseline = read_summary(member(j, "baseline"));
  m.candidate = read_summary(member(j, "candidate"));
  m.change = number_at(j, "change");
  // "ci95": a 95% Fieller interval (the fixed rule's, and every record before issue 22); "interval": the
  // deciding interval named by "interval_method".
  const bool fieller = !member(j, "interval").is_array();
  if (const nlohmann::json& ci = member(j, fieller ? "ci95" : "interval"); ci.is_array() && ci.size() == 2) {
    m.ci_low = ci[0].is_number() ? std::optional<double>(ci[0].get<double>()) : std::nullopt;
    m.ci_high = ci[1].is_number() ? std::optional<double>(ci[1].get<double>()) : std::nullopt;
  }
  m.interval = fieller ? std::string(k_fieller_interval) : text_at(j, "interval_method");
  m.welch_p = number_at(j, "welch_p");
  m.mann_whitney_p = number_at(j, "mann_whitney_p");
  m.verdict = parse_verdict(text_at(j, "verdict"));
  return m;
}

InputResult read_input(const nlohmann::json& j) {
  InputResult in;
  in.input = text_at(j, "input");
  in.weight = number_at(j, "weight").value_or(1.0);
  in.verdict = parse_verdict(text_at(j, "verdict"));
  in.reason = text_at(j, "reason");
  in.change = number_at(j, "change");
  for (const nlohmann::json& m : array_at(j, "metrics")) {
    if (m.is_object()) {
      in.metrics.push_back(read_metric(m));
    }
  }
  if (const nlohmann::json& sequential = member(j, "sequential"); sequential.is_object()) {
    in.sequential = true;
    in.stopped_at = integer_at(sequential, "stopped_at");
    for (const nlohmann::json& look : array_at(sequential, "trace")) {
      if (const auto pairs = look.is_object() ? integer_at(look, "pairs") : std::nullopt) {
        in.trace.push_back({*pairs, number_at(look, "change"), number_at(look, "lo"), number_at(look, "hi")});
      }
    }
  }
  if (const nlohmann::json& gpu = member(j, "gpu"); gpu.is_object()) {
    in.gpu = ResultGpu{integer_at(gpu, "runs").value_or(0), number_at(gpu, "energy_joules_median").value_or(0),
                       number_at(gpu, "memory_peak_bytes").value_or(0), integer_at(gpu, "throttled_runs").value_or(0)};
  }
  return in;
}

} // namespace

Result<ExperimentNumber> ExperimentNumber::parse(std::string_view text) {
  std::string_view rest = text;
  if (rest.starts_with("bench/")) {
    rest.remove_prefix(6);
  }
  std::size_t digits = 0;
  int value = 0;
  while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') {
    value = digits < 6 ? value * 10 + (rest[digits] - '0') : value;
    ++digits;
  }
  if (digits == 0 || digits > 6) {
    return make_error(fmt::format("'{}' is not an experiment number (expected e.g. 001)", text));
  }
  return ExperimentNumber(value);
}

std::string ExperimentNumber::format() const { return fmt::format("{:03}", m_value); }

const char* to_string(ExperimentStatus status) { return name_in(k_statuses, status); }

std::optional<ExperimentStatus> parse_experiment_status(std::string_view text) { return value_in(k_statuses, text); }

const char* to_string(Outcome outcome) { return name_in(k_outcomes, outcome); }

std::optional<Outcome> parse_outcome(std::string_view text) { return value_in(k_outcomes, text); }

Outcome outcome_of(Verdict verdict) {
  for (const auto& [v, outcome] : k_verdicts) {
    if (v == verdict) {
      return outcome;
    }
  }
  return Outcome::inconclusive;
}

const char* to_string(Verdict verdict) { return to_string(outcome_of(verdict)); }

std::optional<Verdict> parse_verdict(std::string_view text) {
  const std::optional<Outcome> outcome = parse_outcome(text);
  for (const auto& [verdict, o] : k_verdicts) {
    if (outcome == o) {
      return verdict;
    }
  }
  return std::nullopt;
}

const MetricResult* InputResult::metric(std::string_view name) const {
  for (const MetricResult& m : metrics) {
    if (m.metric == name || (name == "time" && m.metric == "wall_s")) {
      return &m;
    }
  }
  return nullptr;
}

void to_json(ordered_json& out, const ExperimentResults& results) {
  out = ordered_json::object();
  out["experiment"] = results.experiment.format();
  out["name"] = results.name;
  out["verdict"] = to_string(results.verdict);
  out["reason"] = results.reason;
  out["change"] = optional_json(results.change);
  if (results.change_low && results.change_high) {
    out["change_interval"] = ordered_json::array({*results.change_low, *results.change_high});
  }
  out["baseline_commit"] = results.baseline_commit;
  out["note"] = results.note;
  out["inputs"] = ordered_json::array();
  for (const InputResult& in : results.inputs) {
    out["inputs"].push_back(input_json(in));
  }
  if (results.cost) {
    out["cost"] = *results.cost;
  }
}

std::string write_results_json(const ExperimentResults& results) {
  ordered_json j;
  to_json(j, results);
  return util::json_text(j, 2) + "\n";
}

Result<ExperimentResults> read_results_json(std::string_view text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) {
    return make_error("an experiment's results are not a JSON object (results.json as `zkbench exp run` writes it)");
  }
  ExperimentResults results;
  if (auto number = ExperimentNumber::parse(text_at(j, "experiment"))) {
    results.experiment = *number;
  }
  results.name = text_at(j, "name");
  results.verdict = parse_outcome(text_at(j, "verdict")).value_or(Outcome::none);
  results.reason = text_at(j, "reason");
  results.change = number_at(j, "change");
  if (const auto interval = j.find("change_interval");
      interval != j.end() && interval->is_array() && interval->size() == 2 && (*interval)[0].is_number() &&
      (*interval)[1].is_number()) {
    results.change_low = (*interval)[0].get<double>();
    results.change_high = (*interval)[1].get<double>();
  }
  results.baseline_commit = text_at(j, "baseline_commit");
  results.note = text_at(j, "note");
  for (const nlohmann::json& in : array_at(j, "inputs")) {
    if (in.is_object()) {
      results.inputs.push_back(read_input(in));
    }
  }
  if (const auto cost = j.find("cost"); cost != j.end() && cost->is_object()) {
    results.cost = cost_from_json(*cost);
  }
  return results;
}

} // namespace zkbench::core
