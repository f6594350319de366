// PostgresStore's workflow records (baselines, experiments, session links, notes, conflicts): schema
// v4, v6. Same statements as sqlite_workflow.cpp (store_sql.hpp); writers are serialized by row locks
// and an advisory lock instead of SQLite's single writer.
#include <map>

#include <fmt/format.h>

#include "store/postgres_store.hpp"
#include "store/row_codec.hpp"
#include "store/store_sql.hpp"

namespace zkbench::store {

namespace {

// Any two numbers, distinct from the migration lock's: the advisory lock that serializes experiment
// number assignment within one schema.
constexpr int k_experiment_number_lock = 7236;

} // namespace

Result<std::int64_t> PostgresStore::add_baseline(const BaselineRecord& baseline) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("adding a baseline", [&](pqxx::work& tx) -> Result<std::int64_t> {
    const std::int64_t id = pg_insert(tx, sql::k_insert_baseline,
                                      PgParams()
                                          .add(baseline.commit)
                                          .add(baseline.environment_yaml)
                                          .add(baseline.created_at_us)
                                          .add(baseline.machine_class));
    for (std::size_t i = 0; i < baseline.inputs.size(); ++i) {
      const BaselineInput& input = baseline.inputs[i];
      // An error here returns before the commit: the baseline is refused whole.
      ZKBENCH_TRY(require_row(tx, sql::k_find_session_for_key_share, "session", input.session_id));
      pg_exec_shared(tx, sql::k_insert_baseline_input,
                     PgParams()
                         .add(id)
                         .add(static_cast<std::int64_t>(i))
                         .add(input.input)
                         .add(input.output_hash)
                         .add(input.session_id));
    }
    return id;
  });
}

Result<std::vector<BaselineRecord>> PostgresStore::list_baselines() {
  std::lock_guard lock(m_mutex);
  return m_db.transact("listing baselines", [&](pqxx::work& tx) -> Result<std::vector<BaselineRecord>> {
    // One snapshot for both SELECTs: a baseline added meanwhile shows whole or not at all.
    pg_exec_shared(tx, sql::k_pg_read_snapshot);
    std::vector<BaselineRecord> out = read_rows(pg_exec_shared(tx, sql::k_list_baselines), read_baseline<PgRow>);
    std::map<std::int64_t, std::size_t> position_of;
    for (std::size_t i = 0; i < out.size(); ++i) {
      position_of[out[i].id] = i;
    }
    for (const auto& row : pg_exec_shared(tx, sql::k_list_baseline_inputs)) {
      const auto at = position_of.find(pg_int(row[0]));
      if (at != position_of.end()) {
        out[at->second].inputs.push_back(read_baseline_input(PgRow{row}));
      }
    }
    return out;
  });
}

Result<ExperimentRecord> PostgresStore::add_experiment(const ExperimentRecord& experiment) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("adding an experiment", [&](pqxx::work& tx) -> Result<ExperimentRecord> {
    // Held until commit: two `exp new` at once, on any machines, get different numbers, and the check
    // below sees every committed number (no unique violation, which would abort the transaction).
    pg_exec_shared(tx, sql::k_pg_advisory_lock, PgParams().add(k_experiment_number_lock));
    ExperimentRecord stored = experiment;
    if (stored.number == 0) {
      stored.number = static_cast<int>(pg_int(pg_exec_shared(tx, sql::k_next_experiment_number)[0][0]));
    } else if (!pg_exec_shared(tx, sql::k_pg_experiment_number_taken, PgParams().add(stored.number)).empty()) {
      return make_error(fmt::format("store '{}': experiment {} already exists", location(),
                                    core::ExperimentNumber(stored.number)));
    }
    PgParams params;
    stored.id = pg_insert(tx, sql::k_insert_experiment, experiment_params(params, stored));
    return stored;
  });
}

Result<void> PostgresStore::update_experiment(const ExperimentRecord& experiment) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("updating an experiment", [&](pqxx::work& tx) -> Result<void> {
    PgParams params;
    experiment_params(params, experiment).add(experiment.id);
    if (pg_exec_shared(tx, sql::k_update_experiment, params).affected_rows() == 0) {
      return make_error(fmt::format("no experiment with id {} in store '{}'", experiment.id, location()));
    }
    return {};
  });
}

Result<std::vector<ExperimentRecord>> PostgresStore::list_experiments() {
  std::lock_guard lock(m_mutex);
  return m_db.transact("listing experiments", [&](pqxx::work& tx) -> Result<std::vector<ExperimentRecord>> {
    return read_rows(pg_exec_shared(tx, sql::k_list_experiments), read_experiment<PgRow>);
  });
}

Result<std::optional<ExperimentRecord>> PostgresStore::get_experiment(core::ExperimentNumber number) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("reading an experiment", [&](pqxx::work& tx) -> Result<std::optional<ExperimentRecord>> {
    std::vector<ExperimentRecord> found = read_rows(
        pg_exec_shared(tx, sql::k_get_experiment, PgParams().add(number.value())), read_experiment<PgRow>);
    if (found.empty()) {
      return std::nullopt;
    }
    return std::move(found.front());
  });
}

Result<void> PostgresStore::link_session(const SessionLink& link) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("linking a session", [&](pqxx::work& tx) -> Result<void> {
    ZKBENCH_TRY(require_row(tx, sql::k_find_session_for_key_share, "session", link.session_id));
    pg_exec_shared(tx, sql::k_insert_session_link,
                   PgParams().add(link.owner).add(link.owner_id).add(link.input).add(link.session_id));
    return {};
  });
}

Result<std::vector<SessionLink>> PostgresStore::session_links(const std::string& owner, std::int64_t owner_id) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("reading session links", [&](pqxx::work& tx) -> Result<std::vector<SessionLink>> {
    return read_rows(pg_exec_shared(tx, sql::k_session_links, PgParams().add(owner).add(owner_id)), read_link<PgRow>);
  });
}

Result<std::vector<SessionLink>> PostgresStore::list_session_links() {
  std::lock_guard lock(m_mutex);
  return m_db.transact("listing session links", [&](pqxx::work& tx) -> Result<std::vector<SessionLink>> {
    return read_rows(pg_exec_shared(tx, sql::k_list_session_links), read_link<PgRow>);
  });
}

Result<std::int64_t> PostgresStore::add_note(const NoteRecord& note) {
  ZKBENCH_TRY(check_note_kind(note.kind));
  std::lock_guard lock(m_mutex);
  return m_db.transact("adding a note", [&](pqxx::work& tx) -> Result<std::int64_t> {
    return pg_insert(tx, sql::k_insert_note,
                     PgParams().add(note.kind).add(note.text).add(note.created_at_us).add(note.done ? 1 : 0));
  });
}

Result<void> PostgresStore::set_note_done(std::int64_t note_id, bool done) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("marking a note", [&](pqxx::work& tx) -> Result<void> {
    if (pg_exec_shared(tx, sql::k_set_note_done, PgParams().add(done ? 1 : 0).add(note_id)).affected_rows() == 0) {
      return make_error(fmt::format("no note {} in store '{}'", note_id, location()));
    }
    return {};
  });
}

Result<std::vector<NoteRecord>> PostgresStore::list_notes(const std::string& kind) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("listing notes", [&](pqxx::work& tx) -> Result<std::vector<NoteRecord>> {
    return read_rows(pg_exec_shared(tx, sql::k_list_notes, PgParams().add(kind)), read_note<PgRow>);
  });
}

Result<std::int64_t> PostgresStore::add_conflict(const ConflictRecord& conflict) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("adding a compound test", [&](pqxx::work& tx) -> Result<std::int64_t> {
    PgParams params;
    return pg_insert(tx, sql::k_insert_conflict, conflict_params(params, conflict));
  });
}

Result<std::vector<ConflictRecord>> PostgresStore::list_conflicts() {
  std::lock_guard lock(m_mutex);
  return m_db.transact("listing compound tests", [&](pqxx::work& tx) -> Result<std::vector<ConflictRecord>> {
    return read_rows(pg_exec_shared(tx, sql::k_list_conflicts), read_conflict<PgRow>);
  });
}

} // namespace zkbench::store
