#pragma once
// What every store backend does the same way between rows and zkbench values: status names, the
// parameters JSON, int widths; the readers of the rows that store_sql.hpp's SELECTs return, and the
// parameter lists of its longer statements.
//
// A reader takes a `Row` that offers is_null_at, int_at, optional_int_at, double_at,
// optional_double_at, text_at and optional_text_at (0-based): SqliteRow (sqlite_db.hpp) or PgRow
// (pg_db.hpp). A *_params function fills a `Params` that offers add(value) for each parameter in
// order (a nullopt is NULL): SqliteParams or PgParams.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "core/run.hpp"
#include "store/sql_dialect.hpp"
#include "store/store.hpp"
#include "util/error.hpp"

namespace zkbench::store {

/// The inverse of core::to_string(RunStatus); nullopt for any other text.
std::optional<core::RunStatus> run_status_from_string(std::string_view text);

/// Benchmark parameters as the JSON object stored in benchmarks.parameters.
std::string parameters_to_json(const std::map<std::string, std::string>& parameters);
/// Parses benchmarks.parameters; the error names `where` (store and benchmark id).
Result<std::map<std::string, std::string>> parameters_from_json(const std::string& text, const std::string& where);

/// conflicts.experiments: the experiment numbers of a compound test as a JSON array.
std::string experiment_numbers_to_json(const std::vector<int>& numbers);
/// The inverse of experiment_numbers_to_json; an empty list for text that is not an array of ints.
std::vector<int> experiment_numbers_from_json(const std::string& text);

/// Fails unless `kind` is a note kind the store keeps ("learning" or "idea").
Result<void> check_note_kind(const std::string& kind);

inline std::optional<std::int64_t> widen(const std::optional<int>& value) {
  return value ? std::optional<std::int64_t>(*value) : std::nullopt;
}

inline std::optional<int> narrow(const std::optional<std::int64_t>& value) {
  return value ? std::optional<int>(static_cast<int>(*value)) : std::nullopt;
}

/// Error unless `profile.kind` is "profile" or "diff".
Result<void> check_profile_kind(const ProfileRecord& profile);

// --- rows -------------------------------------------------------------------------------------------

/// A row of sql::k_list_sessions / k_get_session. Error: an unknown status (naming the store at
/// `location`).
template <typename Row>
Result<SessionRecord> read_session(const Row& row, const std::string& location) {
  SessionRecord record;
  record.id = row.int_at(0);
  record.info.kind = row.text_at(1);
  record.info.argv = row.text_at(2);
  record.info.host = row.text_at(3);
  record.info.working_dir = row.text_at(4);
  record.info.started_at_us = row.int_at(5);
  record.finished_at_us = row.optional_int_at(6);
  const std::string status = row.text_at(7);
  const auto parsed = session_status_from_string(status);
  if (!parsed) {
    return make_error(fmt::format("store '{}': session {} has unknown status '{}'", location, record.id, status));
  }
  record.status = *parsed;
  record.info.machine_class = row.text_at(8);
  record.benchmark_count = static_cast<std::size_t>(row.int_at(9));
  record.run_count = static_cast<std::size_t>(row.int_at(10));
  return record;
}

/// A row of sql::k_list_benchmarks, without its runs. Error: parameters that are not a JSON object of
/// strings.
template <typename Row>
Result<core::Benchmark> read_benchmark(const Row& row, const std::string& location) {
  core::Benchmark benchmark;
  benchmark.command = row.text_at(1);
  benchmark.name = row.optional_text_at(2);
  ZKBENCH_TRY_ASSIGN(parameters, parameters_from_json(row.text_at(3), fmt::format("store '{}', benchmark {}",
                                                                                   location, row.int_at(0))));
  benchmark.parameters = std::move(*parameters);
  return benchmark;
}

/// A row of sql::k_list_runs (its metrics come apart; its id is column 0). Error: an unknown status.
template <typename Row>
Result<core::Run> read_run(const Row& row, const std::string& location) {
  core::Run run;
  run.index = static_cast<int>(row.int_at(1));
  run.wall_s = row.double_at(2);
  run.user_s = row.double_at(3);
  run.system_s = row.double_at(4);
  run.peak_rss_bytes = row.int_at(5);
  const std::string status = row.text_at(6);
  const auto parsed = run_status_from_string(status);
  if (!parsed) {
    return make_error(fmt::format("store '{}': run {} has unknown status '{}'", location, row.int_at(0), status));
  }
  run.status = *parsed;
  run.exit_code = narrow(row.optional_int_at(7));
  run.signal = narrow(row.optional_int_at(8));
  run.log_path = row.text_at(9);
  run.started_at_us = row.int_at(10);
  run.finished_at_us = row.int_at(11);
  if (!row.is_null_at(12)) {
    core::GpuRunStats gpu;
    gpu.utilization_mean_pct = row.double_at(13);
    gpu.utilization_max_pct = row.double_at(14);
    gpu.memory_peak_bytes = row.double_at(15);
    gpu.temperature_start_c = row.double_at(16);
    gpu.temperature_max_c = row.double_at(17);
    gpu.energy_joules = row.double_at(18);
    gpu.throttled = row.int_at(19) != 0;
    gpu.throttle_reasons = row.text_at(20);
    run.gpu = std::move(gpu);
  }
  if (const auto containment = row.optional_text_at(21)) { // NULL: stored before schema 7
    const auto way = core::parse_containment(*containment);
    if (!way) {
      return make_error(fmt::format("store '{}': run {} has unknown containment '{}'", location, row.int_at(0),
                                    *containment));
    }
    run.containment = *way;
  }
  if (!row.is_null_at(22)) {
    core::RunContention contention;
    contention.foreign_cores = row.double_at(23);
    contention.limit_cores = row.double_at(24);
    contention.contended = row.int_at(25) != 0;
    contention.top = row.text_at(26);
    contention.gpu_processes = static_cast<int>(row.int_at(27));
    contention.waited_s = row.double_at(28);
    run.contention = std::move(contention);
  }
  run.cpu_wait_s = row.optional_double_at(29); // NULL: not measurable, or stored before schema 10
  return run;
}

/// A row of sql::k_list_baselines, without its inputs.
template <typename Row>
BaselineRecord read_baseline(const Row& row) {
  return {row.int_at(0), row.text_at(1), row.text_at(2), row.int_at(3), {}, row.text_at(4)};
}

/// A row of sql::k_list_baseline_inputs (its baseline's id is column 0).
template <typename Row>
BaselineInput read_baseline_input(const Row& row) {
  return {row.text_at(1), row.text_at(2), row.int_at(3)};
}

/// A row of sql::k_list_experiments.
template <typename Row>
ExperimentRecord read_experiment(const Row& row) {
  ExperimentRecord e;
  e.id = row.int_at(0);
  e.number = static_cast<int>(row.int_at(1));
  e.name = row.text_at(2);
  e.slug = row.text_at(3);
  e.hypothesis = row.text_at(4);
  e.expected = row.optional_double_at(5);
  e.status = row.text_at(6);
  e.verdict = row.text_at(7);
  e.branch = row.text_at(8);
  e.baseline_commit = row.text_at(9);
  e.baseline_id = row.optional_int_at(10);
  e.created_at_us = row.int_at(11);
  e.finished_at_us = row.optional_int_at(12);
  e.close_reason = row.text_at(13);
  e.change = row.optional_double_at(14);
  e.details_json = row.text_at(15);
  return e;
}

/// A row of sql::k_session_links / k_list_session_links.
template <typename Row>
SessionLink read_link(const Row& row) {
  return {row.text_at(0), row.int_at(1), row.text_at(2), row.int_at(3)};
}

/// A row of sql::k_list_notes.
template <typename Row>
NoteRecord read_note(const Row& row) {
  return {row.int_at(0), row.text_at(1), row.text_at(2), row.int_at(3), row.int_at(4) != 0};
}

/// A row of sql::k_list_conflicts.
template <typename Row>
ConflictRecord read_conflict(const Row& row) {
  return {row.int_at(0),          experiment_numbers_from_json(row.text_at(1)), row.optional_double_at(2),
          row.optional_double_at(3), row.int_at(4) != 0, row.text_at(5), row.int_at(6)};
}

/// A row of sql::k_list_profiles or k_get_profile, without the content.
template <typename Row>
ProfileRecord read_profile(const Row& row) {
  ProfileRecord p;
  p.id = row.int_at(0);
  p.created_at_us = row.int_at(1);
  p.kind = row.text_at(2);
  p.zkvm = row.text_at(3);
  p.format = row.text_at(4);
  p.input = row.text_at(5);
  p.title = row.text_at(6);
  p.commit = row.text_at(7);
  p.file_name = row.text_at(8);
  p.experiment_number = narrow(row.optional_int_at(9));
  p.baseline_id = row.optional_int_at(10);
  p.size_bytes = static_cast<std::size_t>(row.int_at(11));
  return p;
}

// --- parameters -------------------------------------------------------------------------------------

/// sql::k_insert_session's parameters.
template <typename Params>
Params& session_params(Params& params, const SessionRecord& record) {
  const SessionInfo& info = record.info;
  return params.add(info.kind)
      .add(info.argv)
      .add(info.host)
      .add(info.working_dir)
      .add(info.started_at_us)
      .add(info.machine_class)
      .add(to_string(record.status))
      .add(record.finished_at_us);
}

/// sql::k_insert_run's parameters.
template <typename Params>
Params& run_params(Params& params, std::int64_t benchmark_id, const core::Run& run) {
  return params.add(benchmark_id)
      .add(run.index)
      .add(run.wall_s)
      .add(run.user_s)
      .add(run.system_s)
      .add(run.peak_rss_bytes)
      .add(core::to_string(run.status))
      .add(widen(run.exit_code))
      .add(widen(run.signal))
      .add(run.log_path)
      .add(run.started_at_us)
      .add(run.finished_at_us)
      .add(run.containment == core::Containment::unknown ? std::optional<std::string>()
                                                          : std::optional<std::string>(core::to_string(run.containment)))
      .add(run.cpu_wait_s);
}

/// sql::k_insert_run_gpu's parameters.
template <typename Params>
Params& gpu_params(Params& params, std::int64_t run_id, const core::GpuRunStats& stats) {
  return params.add(run_id)
      .add(stats.utilization_mean_pct)
      .add(stats.utilization_max_pct)
      .add(stats.memory_peak_bytes)
      .add(stats.temperature_start_c)
      .add(stats.temperature_max_c)
      .add(stats.energy_joules)
      .add(stats.throttled ? 1 : 0)
      .add(stats.throttle_reasons);
}

/// sql::k_insert_run_contention's (and k_update_run_contention's) parameters.
template <typename Params>
Params& contention_params(Params& params, std::int64_t run_id, const core::RunContention& c) {
  return params.add(run_id)
      .add(c.foreign_cores)
      .add(c.limit_cores)
      .add(c.contended ? 1 : 0)
      .add(c.top)
      .add(static_cast<std::int64_t>(c.gpu_processes))
      .add(c.waited_s);
}

/// sql::k_insert_experiment's parameters, and k_update_experiment's but the last (the id).
template <typename Params>
Params& experiment_params(Params& params, const ExperimentRecord& e) {
  return params.add(e.number)
      .add(e.name)
      .add(e.slug)
      .add(e.hypothesis)
      .add(e.expected)
      .add(e.status)
      .add(e.verdict)
      .add(e.branch)
      .add(e.baseline_commit)
      .add(e.baseline_id)
      .add(e.created_at_us)
      .add(e.finished_at_us)
      .add(e.close_reason)
      .add(e.change)
      .add(e.details_json);
}

/// sql::k_insert_conflict's parameters.
template <typename Params>
Params& conflict_params(Params& params, const ConflictRecord& conflict) {
  return params.add(experiment_numbers_to_json(conflict.experiments))
      .add(conflict.combined_change)
      .add(conflict.best_change)
      .add(conflict.conflict ? 1 : 0)
      .add(conflict.note)
      .add(conflict.created_at_us);
}

/// sql::k_insert_profile's parameters.
template <typename Params>
Params& profile_params(Params& params, const ProfileRecord& profile) {
  return params.add(profile.created_at_us)
      .add(profile.kind)
      .add(profile.zkvm)
      .add(profile.format)
      .add(profile.input)
      .add(profile.title)
      .add(profile.commit)
      .add(profile.file_name)
      .add(Blob{profile.content})
      .add(widen(profile.experiment_number))
      .add(profile.baseline_id);
}

} // namespace zkbench::store
