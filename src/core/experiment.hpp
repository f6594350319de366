#pragma once
// One experiment as zkbench's layers pass it around: its number, its status and outcome, the verdict of
// a comparison, and its results (results.json, kept in the store as ExperimentRecord::details_json).
// Plain values; the results' JSON is read and written here and nowhere else (experiment.cpp).

#include <compare>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json_fwd.hpp>

#include "core/cost.hpp"
#include "util/error.hpp"

namespace zkbench::core {

/// An experiment's number: 1, 2, ... shown as "001". 0 means "not assigned yet" (the store assigns it).
class ExperimentNumber {
public:
  constexpr ExperimentNumber() = default;
  constexpr explicit ExperimentNumber(int value) : m_value(value) {}

  /// Parses the forms the commands take: "1", "001", "bench/001-slug" (a branch name); anything after
  /// the leading digits is ignored. Error (naming `text`) when there are no digits or more than six.
  static Result<ExperimentNumber> parse(std::string_view text);

  constexpr int value() const { return m_value; }
  /// "001", "042", "1234": at least three digits.
  std::string format() const;

  constexpr auto operator<=>(const ExperimentNumber&) const = default;

private:
  int m_value = 0;
};

/// Where an experiment is; the stored names are "planned", "running", "done", "closed".
enum class ExperimentStatus { planned, running, done, closed };

const char* to_string(ExperimentStatus status);
/// The stored name back; nullopt for any other text.
std::optional<ExperimentStatus> parse_experiment_status(std::string_view text);

/// The verdict of one comparison (verdict::Verdict is this type).
enum class Verdict { keep, maybe, discard, kill, reject, inconclusive };

/// "KEEP", "MAYBE", "DISCARD", "KILL", "REJECT", "INCONCLUSIVE".
const char* to_string(Verdict verdict);
/// The name back; nullopt for any other text.
std::optional<Verdict> parse_verdict(std::string_view text);

/// How an experiment ended: none yet, a verdict, a command that broke (failed), or closed without
/// running (invalid, exists, superseded; invalid also withdraws a decided one).
enum class Outcome { none, keep, maybe, discard, kill, reject, inconclusive, failed, invalid, exists, superseded };

/// The stored names: "" (none), "KEEP", ..., "INCONCLUSIVE", "FAILED", "INVALID", "EXISTS", "SUPERSEDED".
const char* to_string(Outcome outcome);
/// The stored name back; nullopt for any other text.
std::optional<Outcome> parse_outcome(std::string_view text);
/// The outcome a verdict gives.
Outcome outcome_of(Verdict verdict);
/// True for KEEP and MAYBE (the outcomes that may go into a compound test).
inline bool is_improvement(Outcome outcome) { return outcome == Outcome::keep || outcome == Outcome::maybe; }

/// One side's figures of one metric (stats::Summary's, NaN where results.json has null).
struct ResultSummary {
  std::size_t runs = 0;
  double mean = 0;
  double median = 0;
  double stddev = 0;
  double cv = 0;
  double min = 0;
  double max = 0;
};

/// One metric of one input compared.
struct MetricResult {
  std::string metric;                  // "time" (older records: "wall_s"), "memory", a metric's name
  ResultSummary baseline;
  ResultSummary candidate;
  std::optional<double> change;        // candidate / baseline - 1
  std::optional<double> ci_low;        // the deciding interval of the change (sequential: the stopping look's)
  std::optional<double> ci_high;
  std::string interval;                // what that interval is ("95% Fieller", "exact", the sequential rule's)
  std::optional<double> welch_p;
  std::optional<double> mann_whitney_p;
  std::optional<Verdict> verdict;
};

/// One look of the sequential rule (bounds unset while the interval is unbounded).
struct ResultLook {
  int pairs = 0;
  std::optional<double> change;
  std::optional<double> low;
  std::optional<double> high;
};

/// The candidate's GPU figures of one input.
struct ResultGpu {
  int runs = 0;
  double energy_joules_median = 0;
  double memory_peak_bytes = 0;
  int throttled_runs = 0;
};

/// One input's comparison.
struct InputResult {
  std::string input;
  double weight = 1.0;
  std::optional<Verdict> verdict;
  std::string reason;
  std::optional<double> change;        // the primary metric's change
  std::vector<MetricResult> metrics;
  bool sequential = false;             // measured with the sequential rule: stopped_at and trace are set
  std::optional<int> stopped_at;       // pairs when the rule stopped (unset: ran to the limit)
  std::vector<ResultLook> trace;
  std::optional<ResultGpu> gpu;

  /// The metric named `name` ("time" also finds an older record's "wall_s"); nullptr when absent.
  const MetricResult* metric(std::string_view name) const;
};

/// An experiment's results: the decision and every input's figures (results.json).
struct ExperimentResults {
  ExperimentNumber experiment;
  std::string name;
  Outcome verdict = Outcome::none;
  std::string reason;
  std::optional<double> change;        // weighted change of the primary metric
  // Its deciding interval: one input's, or over several the joint interval combine_inputs decided on
  // (the weighted mean of the inputs' log bounds); unset when unbounded. results.json "change_interval":
  // [low, high] (older files: none).
  std::optional<double> change_low;
  std::optional<double> change_high;
  std::string baseline_commit;
  std::string note;
  std::vector<InputResult> inputs;
  std::optional<VerdictCost> cost;     // what the verdict cost (results.json "cost"; older files: none)
};

/// results.json's text (two-space indented, a final newline): the bytes `exp run` has always written.
std::string write_results_json(const ExperimentResults& results);
/// Reads results.json's text, this version's and older ones (missing keys take their defaults, an
/// unknown verdict name is left unset). Error: `text` is not a JSON object.
Result<ExperimentResults> read_results_json(std::string_view text);

/// The results as a JSON value, for embedding (`exp show --json`); the same content as write_results_json.
void to_json(nlohmann::ordered_json& out, const ExperimentResults& results);

} // namespace zkbench::core

/// fmt::format("{}", number) writes "001": the one formatter of an experiment number.
template <>
struct fmt::formatter<zkbench::core::ExperimentNumber> : fmt::formatter<std::string_view> {
  auto format(const zkbench::core::ExperimentNumber& number, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(number.format(), ctx);
  }
};
