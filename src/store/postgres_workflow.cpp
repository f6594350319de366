// PostgresStore's workflow records (baselines, experiments, session links, notes, conflicts): schema
// v4, v6. Same semantics as sqlite_workflow.cpp; the SQL differs in placeholders and in how writers
// are serialized (row locks and an advisory lock instead of SQLite's single writer).
#include <map>

#include <fmt/format.h>

#include "store/postgres_store.hpp"
#include "store/row_codec.hpp"

namespace zkbench::store {

namespace {

// Any two numbers, distinct from the migration lock's: the advisory lock that serializes experiment
// number assignment within one schema.
constexpr int k_experiment_number_lock = 7236;

constexpr const char* k_experiment_columns =
    "number, name, slug, hypothesis, expected, status, verdict, branch, baseline_commit, baseline_id, "
    "created_at_us, finished_at_us, close_reason, change, details";

PgParams experiment_params(const ExperimentRecord& e) {
  PgParams params;
  params.add(e.number)
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
  return params;
}

ExperimentRecord read_experiment(const pqxx::row& row) {
  ExperimentRecord e;
  e.id = pg_int(row[0]);
  e.number = static_cast<int>(pg_int(row[1]));
  e.name = pg_text(row[2]);
  e.slug = pg_text(row[3]);
  e.hypothesis = pg_text(row[4]);
  e.expected = pg_optional_double(row[5]);
  e.status = pg_text(row[6]);
  e.verdict = pg_text(row[7]);
  e.branch = pg_text(row[8]);
  e.baseline_commit = pg_text(row[9]);
  e.baseline_id = pg_optional_int(row[10]);
  e.created_at_us = pg_int(row[11]);
  e.finished_at_us = pg_optional_int(row[12]);
  e.close_reason = pg_text(row[13]);
  e.change = pg_optional_double(row[14]);
  e.details_json = pg_text(row[15]);
  return e;
}

std::vector<SessionLink> read_links(const pqxx::result& rows) {
  std::vector<SessionLink> out;
  for (const auto& row : rows) {
    out.push_back({pg_text(row[0]), pg_int(row[1]), pg_text(row[2]), pg_int(row[3])});
  }
  return out;
}

/// Fails (naming the store) unless session `id` exists; the key-share lock keeps it from being deleted
/// before the transaction ends (what the foreign key would take), without blocking other writers.
Result<void> require_session(pqxx::work& tx, std::int64_t id, const std::string& location) {
  if (pg_exec(tx, "SELECT 1 FROM sessions WHERE id = $1 FOR KEY SHARE", PgParams().add(id)).empty()) {
    return make_error(fmt::format("no session {} in store '{}'", id, location));
  }
  return {};
}

} // namespace

Result<std::int64_t> PostgresStore::add_baseline(const BaselineRecord& baseline) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("adding a baseline", [&](pqxx::work& tx) -> Result<std::int64_t> {
    const std::int64_t id = pg_int(pg_exec(tx,
                                           "INSERT INTO baselines (commit_sha, environment, created_at_us, "
                                           "machine_class) VALUES ($1, $2, $3, $4) RETURNING id",
                                           PgParams()
                                               .add(baseline.commit)
                                               .add(baseline.environment_yaml)
                                               .add(baseline.created_at_us)
                                               .add(baseline.machine_class))[0][0]);
    for (std::size_t i = 0; i < baseline.inputs.size(); ++i) {
      const BaselineInput& input = baseline.inputs[i];
      // An error here returns before the commit: the baseline is refused whole.
      ZKBENCH_TRY(require_session(tx, input.session_id, location()));
      pg_exec(tx,
              "INSERT INTO baseline_inputs (baseline_id, position, input, output_hash, session_id) "
              "VALUES ($1, $2, $3, $4, $5)",
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
    tx.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
    std::vector<BaselineRecord> out;
    std::map<std::int64_t, std::size_t> position_of;
    for (const auto& row : tx.exec("SELECT id, commit_sha, environment, created_at_us, machine_class FROM baselines "
                                   "ORDER BY created_at_us, id")) {
      position_of[pg_int(row[0])] = out.size();
      out.push_back({pg_int(row[0]), pg_text(row[1]), pg_text(row[2]), pg_int(row[3]), {}, pg_text(row[4])});
    }
    for (const auto& row : tx.exec("SELECT baseline_id, input, output_hash, session_id FROM baseline_inputs "
                                   "ORDER BY baseline_id, position")) {
      const auto at = position_of.find(pg_int(row[0]));
      if (at != position_of.end()) {
        out[at->second].inputs.push_back({pg_text(row[1]), pg_text(row[2]), pg_int(row[3])});
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
    tx.exec(fmt::format("SELECT pg_advisory_xact_lock({}, hashtext(current_schema()))", k_experiment_number_lock));
    ExperimentRecord stored = experiment;
    if (stored.number == 0) {
      stored.number = static_cast<int>(pg_int(tx.exec1("SELECT COALESCE(MAX(number), 0) + 1 FROM experiments")[0]));
    } else if (!pg_exec(tx, "SELECT 1 FROM experiments WHERE number = $1", PgParams().add(stored.number)).empty()) {
      return make_error(fmt::format("store '{}': experiment {} already exists", location(),
                                    core::ExperimentNumber(stored.number)));
    }
    stored.id = pg_int(pg_exec(tx,
                               fmt::format("INSERT INTO experiments ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                                           "$10, $11, $12, $13, $14, $15) RETURNING id",
                                           k_experiment_columns),
                               experiment_params(stored))[0][0]);
    return stored;
  });
}

Result<void> PostgresStore::update_experiment(const ExperimentRecord& experiment) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("updating an experiment", [&](pqxx::work& tx) -> Result<void> {
    PgParams params = experiment_params(experiment);
    params.add(experiment.id);
    const pqxx::result done = pg_exec(
        tx,
        "UPDATE experiments SET number = $1, name = $2, slug = $3, hypothesis = $4, expected = $5, status = $6, "
        "verdict = $7, branch = $8, baseline_commit = $9, baseline_id = $10, created_at_us = $11, "
        "finished_at_us = $12, close_reason = $13, change = $14, details = $15 WHERE id = $16",
        params);
    if (done.affected_rows() == 0) {
      return make_error(fmt::format("no experiment with id {} in store '{}'", experiment.id, location()));
    }
    return {};
  });
}

Result<std::vector<ExperimentRecord>> PostgresStore::list_experiments() {
  std::lock_guard lock(m_mutex);
  return m_db.transact("listing experiments", [&](pqxx::work& tx) -> Result<std::vector<ExperimentRecord>> {
    std::vector<ExperimentRecord> out;
    for (const auto& row : tx.exec(fmt::format("SELECT id, {} FROM experiments ORDER BY number", k_experiment_columns))) {
      out.push_back(read_experiment(row));
    }
    return out;
  });
}

Result<std::optional<ExperimentRecord>> PostgresStore::get_experiment(core::ExperimentNumber number) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("reading an experiment", [&](pqxx::work& tx) -> Result<std::optional<ExperimentRecord>> {
    const pqxx::result rows = pg_exec(tx, fmt::format("SELECT id, {} FROM experiments WHERE number = $1",
                                                      k_experiment_columns),
                                      PgParams().add(number.value()));
    if (rows.empty()) {
      return std::nullopt;
    }
    return read_experiment(rows[0]);
  });
}

Result<void> PostgresStore::link_session(const SessionLink& link) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("linking a session", [&](pqxx::work& tx) -> Result<void> {
    ZKBENCH_TRY(require_session(tx, link.session_id, location()));
    pg_exec(tx, "INSERT INTO session_links (owner, owner_id, input, session_id) VALUES ($1, $2, $3, $4)",
            PgParams().add(link.owner).add(link.owner_id).add(link.input).add(link.session_id));
    return {};
  });
}

Result<std::vector<SessionLink>> PostgresStore::session_links(const std::string& owner, std::int64_t owner_id) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("reading session links", [&](pqxx::work& tx) -> Result<std::vector<SessionLink>> {
    return read_links(pg_exec(tx,
                              "SELECT owner, owner_id, input, session_id FROM session_links "
                              "WHERE owner = $1 AND owner_id = $2 ORDER BY id",
                              PgParams().add(owner).add(owner_id)));
  });
}

Result<std::vector<SessionLink>> PostgresStore::list_session_links() {
  std::lock_guard lock(m_mutex);
  return m_db.transact("listing session links", [&](pqxx::work& tx) -> Result<std::vector<SessionLink>> {
    return read_links(tx.exec("SELECT owner, owner_id, input, session_id FROM session_links ORDER BY id"));
  });
}

Result<std::int64_t> PostgresStore::add_note(const NoteRecord& note) {
  ZKBENCH_TRY(check_note_kind(note.kind));
  std::lock_guard lock(m_mutex);
  return m_db.transact("adding a note", [&](pqxx::work& tx) -> Result<std::int64_t> {
    return pg_int(pg_exec(tx, "INSERT INTO notes (kind, text, created_at_us, done) VALUES ($1, $2, $3, $4) RETURNING id",
                          PgParams().add(note.kind).add(note.text).add(note.created_at_us).add(note.done ? 1 : 0))[0][0]);
  });
}

Result<void> PostgresStore::set_note_done(std::int64_t note_id, bool done) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("marking a note", [&](pqxx::work& tx) -> Result<void> {
    if (pg_exec(tx, "UPDATE notes SET done = $1 WHERE id = $2", PgParams().add(done ? 1 : 0).add(note_id))
            .affected_rows() == 0) {
      return make_error(fmt::format("no note {} in store '{}'", note_id, location()));
    }
    return {};
  });
}

Result<std::vector<NoteRecord>> PostgresStore::list_notes(const std::string& kind) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("listing notes", [&](pqxx::work& tx) -> Result<std::vector<NoteRecord>> {
    std::vector<NoteRecord> out;
    for (const auto& row : pg_exec(tx,
                                   "SELECT id, kind, text, created_at_us, done FROM notes WHERE kind = $1 "
                                   "ORDER BY created_at_us, id",
                                   PgParams().add(kind))) {
      out.push_back({pg_int(row[0]), pg_text(row[1]), pg_text(row[2]), pg_int(row[3]), pg_int(row[4]) != 0});
    }
    return out;
  });
}

Result<std::int64_t> PostgresStore::add_conflict(const ConflictRecord& conflict) {
  std::lock_guard lock(m_mutex);
  return m_db.transact("adding a compound test", [&](pqxx::work& tx) -> Result<std::int64_t> {
    return pg_int(pg_exec(tx,
                          "INSERT INTO conflicts (experiments, combined_change, best_change, conflict, note, "
                          "created_at_us) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                          PgParams()
                              .add(experiment_numbers_to_json(conflict.experiments))
                              .add(conflict.combined_change)
                              .add(conflict.best_change)
                              .add(conflict.conflict ? 1 : 0)
                              .add(conflict.note)
                              .add(conflict.created_at_us))[0][0]);
  });
}

Result<std::vector<ConflictRecord>> PostgresStore::list_conflicts() {
  std::lock_guard lock(m_mutex);
  return m_db.transact("listing compound tests", [&](pqxx::work& tx) -> Result<std::vector<ConflictRecord>> {
    std::vector<ConflictRecord> out;
    for (const auto& row : tx.exec("SELECT id, experiments, combined_change, best_change, conflict, note, "
                                   "created_at_us FROM conflicts ORDER BY created_at_us, id")) {
      out.push_back({pg_int(row[0]), experiment_numbers_from_json(pg_text(row[1])), pg_optional_double(row[2]),
                     pg_optional_double(row[3]), pg_int(row[4]) != 0, pg_text(row[5]), pg_int(row[6])});
    }
    return out;
  });
}

} // namespace zkbench::store
