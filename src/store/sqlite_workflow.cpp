// SqliteStore's workflow records (baselines, experiments, session links, notes, conflicts): schema v4, v6.
#include <map>

#include <fmt/format.h>

#include "store/row_codec.hpp"
#include "store/sqlite_store.hpp"
#include "store/store_sql.hpp"

namespace zkbench::store {

Result<std::int64_t> SqliteStore::add_baseline(const BaselineRecord& baseline) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(transaction, Transaction::begin(m_db));
  ZKBENCH_TRY_ASSIGN(stmt, prepare(sql::k_insert_baseline));
  ZKBENCH_TRY(SqliteParams(*stmt)
                  .add(baseline.commit)
                  .add(baseline.environment_yaml)
                  .add(baseline.created_at_us)
                  .add(baseline.machine_class)
                  .done());
  ZKBENCH_TRY(stmt->run());
  const std::int64_t id = m_db.last_insert_id();
  ZKBENCH_TRY_ASSIGN(input, prepare(sql::k_insert_baseline_input));
  for (std::size_t i = 0; i < baseline.inputs.size(); ++i) {
    const BaselineInput& in = baseline.inputs[i];
    ZKBENCH_TRY(require_row(sql::k_find_session_for_key_share, "session", in.session_id));
    input->reset();
    ZKBENCH_TRY(SqliteParams(*input)
                    .add(id)
                    .add(static_cast<std::int64_t>(i))
                    .add(in.input)
                    .add(in.output_hash)
                    .add(in.session_id)
                    .done());
    ZKBENCH_TRY(input->run());
  }
  ZKBENCH_TRY(transaction->commit());
  return id;
}

Result<std::vector<BaselineRecord>> SqliteStore::list_baselines() {
  std::lock_guard lock(m_mutex);
  // One snapshot for both SELECTs: a baseline added meanwhile shows whole or not at all.
  ZKBENCH_TRY_ASSIGN(transaction, Transaction::begin(m_db, TransactionKind::read));
  ZKBENCH_TRY_ASSIGN(stmt, prepare(sql::k_list_baselines));
  ZKBENCH_TRY_ASSIGN(out, read_rows(*stmt, read_baseline<SqliteRow>));
  std::map<std::int64_t, std::size_t> position_of;
  for (std::size_t i = 0; i < out->size(); ++i) {
    position_of[(*out)[i].id] = i;
  }
  ZKBENCH_TRY_ASSIGN(inputs, prepare(sql::k_list_baseline_inputs));
  for (;;) {
    ZKBENCH_TRY_ASSIGN(row, inputs->step());
    if (!*row) {
      break;
    }
    const auto at = position_of.find(inputs->column_int(0));
    if (at != position_of.end()) {
      (*out)[at->second].inputs.push_back(read_baseline_input(SqliteRow{*inputs}));
    }
  }
  return out;
}

Result<ExperimentRecord> SqliteStore::add_experiment(const ExperimentRecord& experiment) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(transaction, Transaction::begin(m_db));
  ExperimentRecord stored = experiment;
  if (stored.number == 0) {
    // Under the write lock: two `exp new` at once get different numbers.
    ZKBENCH_TRY_ASSIGN(next, prepare(sql::k_next_experiment_number));
    ZKBENCH_TRY_ASSIGN(number, next->single_int());
    stored.number = static_cast<int>(*number);
  }
  ZKBENCH_TRY_ASSIGN(stmt, prepare(sql::k_insert_experiment));
  SqliteParams params(*stmt);
  ZKBENCH_TRY(experiment_params(params, stored).done());
  if (auto inserted = stmt->run(); !inserted) {
    if (inserted.error().message.find("UNIQUE constraint failed") != std::string::npos) {
      return make_error(fmt::format("store '{}': experiment {} already exists", location(),
                                    core::ExperimentNumber(stored.number)));
    }
    return tl::unexpected(inserted.error());
  }
  stored.id = m_db.last_insert_id();
  ZKBENCH_TRY(transaction->commit());
  return stored;
}

Result<void> SqliteStore::update_experiment(const ExperimentRecord& experiment) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, prepare(sql::k_update_experiment));
  SqliteParams params(*stmt);
  ZKBENCH_TRY(experiment_params(params, experiment).add(experiment.id).done());
  ZKBENCH_TRY(stmt->run());
  if (m_db.changes() == 0) {
    return make_error(fmt::format("no experiment with id {} in store '{}'", experiment.id, location()));
  }
  return {};
}

Result<std::vector<ExperimentRecord>> SqliteStore::list_experiments() {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, prepare(sql::k_list_experiments));
  return read_rows(*stmt, read_experiment<SqliteRow>);
}

Result<std::optional<ExperimentRecord>> SqliteStore::get_experiment(core::ExperimentNumber number) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, prepare(sql::k_get_experiment));
  ZKBENCH_TRY(SqliteParams(*stmt).add(number.value()).done());
  ZKBENCH_TRY_ASSIGN(found, read_rows(*stmt, read_experiment<SqliteRow>));
  if (found->empty()) {
    return std::nullopt;
  }
  return std::move(found->front());
}

Result<void> SqliteStore::link_session(const SessionLink& link) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(transaction, Transaction::begin(m_db));
  ZKBENCH_TRY(require_row(sql::k_find_session_for_key_share, "session", link.session_id));
  ZKBENCH_TRY_ASSIGN(stmt, prepare(sql::k_insert_session_link));
  ZKBENCH_TRY(SqliteParams(*stmt).add(link.owner).add(link.owner_id).add(link.input).add(link.session_id).done());
  ZKBENCH_TRY(stmt->run());
  ZKBENCH_TRY(transaction->commit());
  return {};
}

Result<std::vector<SessionLink>> SqliteStore::session_links(const std::string& owner, std::int64_t owner_id) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, prepare(sql::k_session_links));
  ZKBENCH_TRY(SqliteParams(*stmt).add(owner).add(owner_id).done());
  return read_rows(*stmt, read_link<SqliteRow>);
}

Result<std::vector<SessionLink>> SqliteStore::list_session_links() {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, prepare(sql::k_list_session_links));
  return read_rows(*stmt, read_link<SqliteRow>);
}

Result<std::int64_t> SqliteStore::add_note(const NoteRecord& note) {
  ZKBENCH_TRY(check_note_kind(note.kind));
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, prepare(sql::k_insert_note));
  ZKBENCH_TRY(SqliteParams(*stmt).add(note.kind).add(note.text).add(note.created_at_us).add(note.done ? 1 : 0).done());
  ZKBENCH_TRY(stmt->run());
  return m_db.last_insert_id();
}

Result<void> SqliteStore::set_note_done(std::int64_t note_id, bool done) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, prepare(sql::k_set_note_done));
  ZKBENCH_TRY(SqliteParams(*stmt).add(done ? 1 : 0).add(note_id).done());
  ZKBENCH_TRY(stmt->run());
  if (m_db.changes() == 0) {
    return make_error(fmt::format("no note {} in store '{}'", note_id, location()));
  }
  return {};
}

Result<std::vector<NoteRecord>> SqliteStore::list_notes(const std::string& kind) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, prepare(sql::k_list_notes));
  ZKBENCH_TRY(stmt->bind(1, std::string_view(kind)));
  return read_rows(*stmt, read_note<SqliteRow>);
}

Result<std::int64_t> SqliteStore::add_conflict(const ConflictRecord& conflict) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, prepare(sql::k_insert_conflict));
  SqliteParams params(*stmt);
  ZKBENCH_TRY(conflict_params(params, conflict).done());
  ZKBENCH_TRY(stmt->run());
  return m_db.last_insert_id();
}

Result<std::vector<ConflictRecord>> SqliteStore::list_conflicts() {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, prepare(sql::k_list_conflicts));
  return read_rows(*stmt, read_conflict<SqliteRow>);
}

} // namespace zkbench::store
