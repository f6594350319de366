#pragma once
// The optimization workflow's records (issue 4, seed 002 phases 3–5 and 8): baselines, experiments,
// the links from measuring sessions to them, learnings, ideas and conflicts. Plain values kept by the
// Store next to the sessions they refer to; the tracker files (PLAN.md, TRACKER.md, HISTORY.yaml) are
// views generated from them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/experiment.hpp"

namespace zkbench::store {

/// The correctness hash and measuring session of one input of a baseline.
struct BaselineInput {
  std::string input;        // the input's name in inputs.yaml
  std::string output_hash;  // sha256 of the correctness command's stdout (or listed output files)
  std::int64_t session_id = 0; // the session that measured it
};

/// One established baseline (`zkbench baseline`), recorded once every input is measured. Baselines are
/// per machine class: the newest one of the measuring machine's class is "the" baseline there.
struct BaselineRecord {
  std::int64_t id = 0;                 // assigned by the store
  std::string commit;                  // git commit measured
  std::string environment_yaml;        // environment.yaml text at the time
  std::int64_t created_at_us = 0;
  std::vector<BaselineInput> inputs;   // in inputs.yaml order
  std::string machine_class;           // "h100", ... ("" = not recorded: a machine without a class)
};

/// One experiment (`zkbench exp new`), from hypothesis to verdict. The columns hold the stored text;
/// the typed views (number(), state(), outcome(), results()) are how code reads and sets them.
struct ExperimentRecord {
  std::int64_t id = 0;                 // assigned by the store
  int number = 0;                      // core::ExperimentNumber's value; assigned by the store when 0
  std::string name;
  std::string slug;                    // "mpt-hash-cache"
  std::string hypothesis;
  std::optional<double> expected;      // expected improvement as a fraction (0.05 = 5%)
  std::string status;                  // core::ExperimentStatus's name: "planned", "running", "done", "closed"
  std::string verdict;                 // core::Outcome's name: "", "KEEP", "DISCARD", ..., "FAILED", "INVALID", ...
  std::string branch;                  // current git branch name
  std::string baseline_commit;
  std::optional<std::int64_t> baseline_id;
  std::int64_t created_at_us = 0;
  std::optional<std::int64_t> finished_at_us;
  std::string close_reason;            // why it was closed without running, or the verdict's reason
  std::optional<double> change;        // weighted change of the primary metric (-0.05 = 5% faster)
  std::string details_json;            // core::write_results_json's text (results.json), "" when none

  core::ExperimentNumber experiment_number() const { return core::ExperimentNumber(number); }
  /// The status; nullopt for text that names none (never written by zkbench).
  std::optional<core::ExperimentStatus> state() const { return core::parse_experiment_status(status); }
  void set_state(core::ExperimentStatus value) { status = core::to_string(value); }
  /// The outcome (Outcome::none while undecided); nullopt for text that names none.
  std::optional<core::Outcome> outcome() const { return core::parse_outcome(verdict); }
  void set_outcome(core::Outcome value) { verdict = core::to_string(value); }
  /// The results (nullopt when none are recorded). Error: details_json is not results.json's form.
  Result<std::optional<core::ExperimentResults>> results() const {
    if (details_json.empty()) {
      return std::nullopt;
    }
    auto read = core::read_results_json(details_json);
    if (!read) {
      return tl::unexpected(read.error());
    }
    return std::optional<core::ExperimentResults>(std::move(*read));
  }
  void set_results(const core::ExperimentResults& value) { details_json = core::write_results_json(value); }
};

/// Links a measuring session to what it measured (a baseline, an experiment or a compound test).
struct SessionLink {
  std::string owner;                   // "baseline", "experiment", "compound"
  std::int64_t owner_id = 0;           // the record's id
  std::string input;                   // the input measured
  std::int64_t session_id = 0;
};

/// A learning (`zkbench learn`) or a backlog idea (`zkbench idea`).
struct NoteRecord {
  std::int64_t id = 0;                 // assigned by the store
  std::string kind;                    // "learning" or "idea"
  std::string text;
  std::int64_t created_at_us = 0;
  bool done = false;                   // ideas: tested or dropped
};

/// A compound test (`zkbench compound 001 004`) and whether the experiments conflict.
struct ConflictRecord {
  std::int64_t id = 0;                 // assigned by the store
  std::vector<int> experiments;        // the experiment numbers combined
  std::optional<double> combined_change; // measured change of the combination (nullopt: not measured)
  std::optional<double> best_change;   // the best single experiment's change
  bool conflict = false;               // combined improves less than the best alone
  std::string note;                    // e.g. "merge conflict in state_demo.cpp"
  std::int64_t created_at_us = 0;
};

} // namespace zkbench::store
