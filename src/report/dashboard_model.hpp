#pragma once
// The dashboard's data (seed 002 phase 6): one plain value holding everything the report page and the
// live server's JSON API show. Built from the store by dashboard_loader (cli side), or by hand in tests
// and benchmarks; rendered by html_report.hpp; serialised to data.json and /api/* by to_json below.
// Percent figures are signed changes of the primary metric: -6.5 means 6.5 % faster (lower is better).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/bisect_record.hpp"
#include "core/experiment.hpp"
#include "report/svg/charts.hpp"

namespace zkbench::report {

/// A mean with its 95 % confidence interval (bounds absent when fewer than two runs).
struct Estimate {
  double mean = 0;
  std::optional<double> median; // of the runs, when known (the figure the terminal prints for a baseline)
  std::optional<double> ci_low;
  std::optional<double> ci_high;
  std::size_t n = 0; // runs behind it
};

/// The mean of `values` with its 95 % Student t interval (mean ± t(0.975, n-1)·s/√n) and their median;
/// no interval for fewer than two values, mean 0 and no median for none.
Estimate estimate_of(std::span<const double> values);

/// One metric of one input: "wall_s" 262.0 s [258.5, 265.5], n = 10.
struct MetricEstimate {
  std::string metric;
  std::string unit; // "s", "cycles", "" when unknown
  Estimate estimate;
};

struct Overview {
  std::string project;          // the project folder's name
  std::string primary_metric;   // "wall_s"
  std::string unit;             // the primary metric's unit
  bool running = false;         // an experiment (or baseline) is being measured now
  int experiments_done = 0;     // with a verdict
  int experiments_total = 0;    // planned + running + done
  std::optional<double> best_change_pct; // most negative Δ among KEEPs (nullopt: none yet)
  std::optional<int> best_experiment;
  double elapsed_s = 0;         // from the first baseline to the last result (or now, when running)
  std::string generated_at;     // "2026-11-21T00:24:38Z"
};

struct BaselineSection {
  std::string commit;
  std::vector<std::pair<std::string, std::string>> environment; // key, value in display order
  struct Input {
    std::string input;
    std::vector<MetricEstimate> metrics; // the primary metric first
  };
  std::vector<Input> inputs;
  std::optional<Estimate> primary; // the primary metric over all inputs (the trend's baseline line)
};

/// The candidate's GPU figures of one input (results.json `gpu`), when its runs had GPU telemetry.
using GpuFigures = core::ResultGpu;

/// One input of an experiment: baseline against candidate.
struct InputResult {
  std::string input;
  Estimate baseline;
  Estimate candidate;
  std::optional<double> change_pct;
  std::optional<double> change_ci_low_pct;
  std::optional<double> change_ci_high_pct;
  core::Outcome verdict = core::Outcome::none; // this input's own verdict
  std::vector<double> baseline_runs;   // the primary metric of each run, in run order
  std::vector<double> candidate_runs;
  std::optional<GpuFigures> gpu;
};

struct StoppingPoint {
  int pairs = 0;
  double estimate_pct = 0;
  double low_pct = 0;
  double high_pct = 0;
};

struct FunctionChange {
  std::string function;
  double change_pct = 0; // positive: the function grew (slower)
};

struct Experiment {
  core::ExperimentNumber number;
  std::string name;
  core::ExperimentStatus status = core::ExperimentStatus::planned;
  core::Outcome verdict = core::Outcome::none;
  std::optional<double> change_pct;    // weighted Δ of the primary metric
  std::optional<double> change_ci_low_pct;
  std::optional<double> change_ci_high_pct;
  std::optional<Estimate> primary;     // the candidate's primary metric over all inputs (trend point)
  int runs_used = 0;                   // candidate runs over all inputs
  std::optional<core::VerdictCost> cost; // what the verdict cost (results.json), when recorded
  std::vector<InputResult> inputs;
  std::vector<StoppingPoint> stopping; // empty unless measured sequentially
  std::optional<int> stopped_at;       // pairs when the sequential run stopped
  std::vector<FunctionChange> profile_up;   // top functions that grew, largest first
  std::vector<FunctionChange> profile_down; // top functions that shrank, largest first
  std::string reasoning;               // the verdict's explanation
  std::string hypothesis;
  std::string patch;                   // the diff, as text
  std::string branch;
};

struct CurrentRun {
  int experiment = 0;   // 0: the baseline
  std::string name;
  int runs_done = 0;
  int runs_total = 0;
  std::vector<std::string> log_tail; // at most the last 50 lines
  // Set when a scheduler runs it ({} initializers: aggregates that stop at log_tail stay complete).
  std::string scheduler_job{};       // "Slurm job 12"
  std::string node{};                // where the scheduler runs it (empty while pending)
  std::string state{};               // the scheduler's state: "RUNNING", "PENDING (Dependency)"
  std::string waiting{};             // the contention gate's line while it waits for a quiet machine
};

struct Note {
  std::string text;
  std::string date; // "2026-11-20"
  bool done = false; // ideas: tested or dropped
};

/// A compound test of several experiments.
struct Conflict {
  std::vector<int> experiments;
  std::optional<double> combined_change_pct;
  std::optional<double> best_change_pct;
  bool conflict = false;
  std::string note;
};

struct Dashboard {
  Overview overview;
  std::optional<BaselineSection> baseline;
  std::vector<Experiment> experiments; // by number
  std::optional<CurrentRun> current;
  std::vector<Note> learnings;
  std::vector<Note> backlog;
  std::vector<Conflict> conflicts;
  std::vector<core::BisectRecord> bisections; // benchmarks/bisect/<id>/results.json, by id
  /// What the store holds that could not be shown ("experiment 003: its stored results cannot be read:
  /// ..."): `report` prints them, data.json and the API carry them.
  std::vector<std::string> warnings;
};

/// The most lines CurrentRun::log_tail keeps.
inline constexpr std::size_t k_log_tail_lines = 50;

/// How a verdict is coloured: KEEP improvement; KILL/REJECT and a DISCARD whose slowdown was established
/// (`regression`) regression; other DISCARDs no change, whatever the sign of their change;
/// MAYBE/INCONCLUSIVE (and FAILED or a close status) inconclusive; none yet: running.
svg::Verdict verdict_kind(core::Outcome verdict, bool regression);
/// An experiment's slowdown is established when its change's whole interval lies above zero.
bool established_regression(std::optional<double> change_ci_low_pct);

/// Fills overview.experiments_done/_total and best_change_pct/best_experiment from `experiments`.
void summarise(Dashboard& dashboard);

/// data.json and /api/status: the whole dashboard (`experiments` without runs, patches or traces when
/// `detail` is ExperimentDetail::summary).
enum class ExperimentDetail { summary, full };
nlohmann::json to_json(const Dashboard& dashboard, ExperimentDetail detail = ExperimentDetail::full);
nlohmann::json to_json(const Experiment& experiment, ExperimentDetail detail);
/// /api/status: overview, baseline summary and the current run.
nlohmann::json status_json(const Dashboard& dashboard);

/// The trend chart of a dashboard: one point per experiment with a primary estimate, the baseline line.
svg::TrendChart trend_chart(const Dashboard& dashboard);

} // namespace zkbench::report
