// SqliteStore's workflow records (baselines, experiments, session links, notes, conflicts): schema v4, v6.
#include <fmt/format.h>

#include "store/row_codec.hpp"
#include "store/sqlite_store.hpp"

namespace zkbench::store {

namespace {

constexpr const char* k_experiment_columns =
    "number, name, slug, hypothesis, expected, status, verdict, branch, baseline_commit, baseline_id, "
    "created_at_us, finished_at_us, close_reason, change, details";

ExperimentRecord read_experiment(const Statement& row) {
  ExperimentRecord e;
  e.id = row.column_int(0);
  e.number = static_cast<int>(row.column_int(1));
  e.name = row.column_text(2);
  e.slug = row.column_text(3);
  e.hypothesis = row.column_text(4);
  e.expected = row.column_optional_double(5);
  e.status = row.column_text(6);
  e.verdict = row.column_text(7);
  e.branch = row.column_text(8);
  e.baseline_commit = row.column_text(9);
  e.baseline_id = row.column_optional_int(10);
  e.created_at_us = row.column_int(11);
  e.finished_at_us = row.column_optional_int(12);
  e.close_reason = row.column_text(13);
  e.change = row.column_optional_double(14);
  e.details_json = row.column_text(15);
  return e;
}

} // namespace

Result<std::int64_t> SqliteStore::add_baseline(const BaselineRecord& baseline) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(transaction, Transaction::begin(m_db));
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(
      "INSERT INTO baselines (commit_sha, environment, created_at_us, machine_class) VALUES (?, ?, ?, ?)"));
  ZKBENCH_TRY(stmt->bind(1, std::string_view(baseline.commit)));
  ZKBENCH_TRY(stmt->bind(2, std::string_view(baseline.environment_yaml)));
  ZKBENCH_TRY(stmt->bind(3, baseline.created_at_us));
  ZKBENCH_TRY(stmt->bind(4, std::string_view(baseline.machine_class)));
  ZKBENCH_TRY(stmt->run());
  const std::int64_t id = m_db.last_insert_id();
  ZKBENCH_TRY_ASSIGN(input, m_db.prepare(
      "INSERT INTO baseline_inputs (baseline_id, position, input, output_hash, session_id) VALUES (?, ?, ?, ?, ?)"));
  for (std::size_t i = 0; i < baseline.inputs.size(); ++i) {
    const BaselineInput& in = baseline.inputs[i];
    ZKBENCH_TRY(require_row("sessions", "session", in.session_id));
    input->reset();
    ZKBENCH_TRY(input->bind(1, id));
    ZKBENCH_TRY(input->bind(2, static_cast<std::int64_t>(i)));
    ZKBENCH_TRY(input->bind(3, std::string_view(in.input)));
    ZKBENCH_TRY(input->bind(4, std::string_view(in.output_hash)));
    ZKBENCH_TRY(input->bind(5, in.session_id));
    ZKBENCH_TRY(input->run());
  }
  ZKBENCH_TRY(transaction->commit());
  return id;
}

Result<std::vector<BaselineRecord>> SqliteStore::list_baselines() {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(transaction, Transaction::begin(m_db, TransactionKind::read));
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(
      "SELECT id, commit_sha, environment, created_at_us, machine_class FROM baselines ORDER BY created_at_us, id"));
  std::vector<BaselineRecord> out;
  for (;;) {
    ZKBENCH_TRY_ASSIGN(row, stmt->step());
    if (!*row) {
      break;
    }
    out.push_back({stmt->column_int(0), stmt->column_text(1), stmt->column_text(2), stmt->column_int(3), {},
                   stmt->column_text(4)});
  }
  ZKBENCH_TRY_ASSIGN(inputs, m_db.prepare(
      "SELECT input, output_hash, session_id FROM baseline_inputs WHERE baseline_id = ? ORDER BY position"));
  for (BaselineRecord& baseline : out) {
    inputs->reset();
    ZKBENCH_TRY(inputs->bind(1, baseline.id));
    for (;;) {
      ZKBENCH_TRY_ASSIGN(row, inputs->step());
      if (!*row) {
        break;
      }
      baseline.inputs.push_back({inputs->column_text(0), inputs->column_text(1), inputs->column_int(2)});
    }
  }
  return out;
}

Result<void> SqliteStore::bind_experiment(Statement& stmt, const ExperimentRecord& e) {
  ZKBENCH_TRY(stmt.bind(1, std::int64_t{e.number}));
  ZKBENCH_TRY(stmt.bind(2, std::string_view(e.name)));
  ZKBENCH_TRY(stmt.bind(3, std::string_view(e.slug)));
  ZKBENCH_TRY(stmt.bind(4, std::string_view(e.hypothesis)));
  ZKBENCH_TRY(stmt.bind(5, e.expected));
  ZKBENCH_TRY(stmt.bind(6, std::string_view(e.status)));
  ZKBENCH_TRY(stmt.bind(7, std::string_view(e.verdict)));
  ZKBENCH_TRY(stmt.bind(8, std::string_view(e.branch)));
  ZKBENCH_TRY(stmt.bind(9, std::string_view(e.baseline_commit)));
  ZKBENCH_TRY(stmt.bind(10, e.baseline_id));
  ZKBENCH_TRY(stmt.bind(11, e.created_at_us));
  ZKBENCH_TRY(stmt.bind(12, e.finished_at_us));
  ZKBENCH_TRY(stmt.bind(13, std::string_view(e.close_reason)));
  ZKBENCH_TRY(stmt.bind(14, e.change));
  ZKBENCH_TRY(stmt.bind(15, std::string_view(e.details_json)));
  return {};
}

Result<ExperimentRecord> SqliteStore::add_experiment(const ExperimentRecord& experiment) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(transaction, Transaction::begin(m_db));
  ExperimentRecord stored = experiment;
  if (stored.number == 0) {
    // Under the write lock: two `exp new` at once get different numbers.
    ZKBENCH_TRY_ASSIGN(next, m_db.prepare("SELECT COALESCE(MAX(number), 0) + 1 FROM experiments"));
    ZKBENCH_TRY_ASSIGN(number, next->single_int());
    stored.number = static_cast<int>(*number);
  }
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(fmt::format(
      "INSERT INTO experiments ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", k_experiment_columns)));
  ZKBENCH_TRY(bind_experiment(*stmt, stored));
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
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(
      "UPDATE experiments SET number = ?, name = ?, slug = ?, hypothesis = ?, expected = ?, status = ?, "
      "verdict = ?, branch = ?, baseline_commit = ?, baseline_id = ?, created_at_us = ?, finished_at_us = ?, "
      "close_reason = ?, change = ?, details = ? WHERE id = ?"));
  ZKBENCH_TRY(bind_experiment(*stmt, experiment));
  ZKBENCH_TRY(stmt->bind(16, experiment.id));
  ZKBENCH_TRY(stmt->run());
  if (m_db.changes() == 0) {
    return make_error(fmt::format("no experiment with id {} in store '{}'", experiment.id, location()));
  }
  return {};
}

Result<std::vector<ExperimentRecord>> SqliteStore::list_experiments() {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(fmt::format("SELECT id, {} FROM experiments ORDER BY number",
                                                    k_experiment_columns)));
  std::vector<ExperimentRecord> out;
  for (;;) {
    ZKBENCH_TRY_ASSIGN(row, stmt->step());
    if (!*row) {
      break;
    }
    out.push_back(read_experiment(*stmt));
  }
  return out;
}

Result<std::optional<ExperimentRecord>> SqliteStore::get_experiment(core::ExperimentNumber number) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(fmt::format("SELECT id, {} FROM experiments WHERE number = ?",
                                                    k_experiment_columns)));
  ZKBENCH_TRY(stmt->bind(1, std::int64_t{number.value()}));
  ZKBENCH_TRY_ASSIGN(row, stmt->step());
  if (!*row) {
    return std::nullopt;
  }
  return read_experiment(*stmt);
}

Result<void> SqliteStore::link_session(const SessionLink& link) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(transaction, Transaction::begin(m_db));
  ZKBENCH_TRY(require_row("sessions", "session", link.session_id));
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(
      "INSERT INTO session_links (owner, owner_id, input, session_id) VALUES (?, ?, ?, ?)"));
  ZKBENCH_TRY(stmt->bind(1, std::string_view(link.owner)));
  ZKBENCH_TRY(stmt->bind(2, link.owner_id));
  ZKBENCH_TRY(stmt->bind(3, std::string_view(link.input)));
  ZKBENCH_TRY(stmt->bind(4, link.session_id));
  ZKBENCH_TRY(stmt->run());
  ZKBENCH_TRY(transaction->commit());
  return {};
}

Result<std::vector<SessionLink>> SqliteStore::read_links(Statement& stmt) {
  std::vector<SessionLink> out;
  for (;;) {
    ZKBENCH_TRY_ASSIGN(row, stmt.step());
    if (!*row) {
      break;
    }
    out.push_back({stmt.column_text(0), stmt.column_int(1), stmt.column_text(2), stmt.column_int(3)});
  }
  return out;
}

Result<std::vector<SessionLink>> SqliteStore::session_links(const std::string& owner, std::int64_t owner_id) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(
      "SELECT owner, owner_id, input, session_id FROM session_links WHERE owner = ? AND owner_id = ? ORDER BY id"));
  ZKBENCH_TRY(stmt->bind(1, std::string_view(owner)));
  ZKBENCH_TRY(stmt->bind(2, owner_id));
  return read_links(*stmt);
}

Result<std::vector<SessionLink>> SqliteStore::list_session_links() {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare("SELECT owner, owner_id, input, session_id FROM session_links ORDER BY id"));
  return read_links(*stmt);
}

Result<std::int64_t> SqliteStore::add_note(const NoteRecord& note) {
  ZKBENCH_TRY(check_note_kind(note.kind));
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare("INSERT INTO notes (kind, text, created_at_us, done) VALUES (?, ?, ?, ?)"));
  ZKBENCH_TRY(stmt->bind(1, std::string_view(note.kind)));
  ZKBENCH_TRY(stmt->bind(2, std::string_view(note.text)));
  ZKBENCH_TRY(stmt->bind(3, note.created_at_us));
  ZKBENCH_TRY(stmt->bind(4, std::int64_t{note.done ? 1 : 0}));
  ZKBENCH_TRY(stmt->run());
  return m_db.last_insert_id();
}

Result<void> SqliteStore::set_note_done(std::int64_t note_id, bool done) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare("UPDATE notes SET done = ? WHERE id = ?"));
  ZKBENCH_TRY(stmt->bind(1, std::int64_t{done ? 1 : 0}));
  ZKBENCH_TRY(stmt->bind(2, note_id));
  ZKBENCH_TRY(stmt->run());
  if (m_db.changes() == 0) {
    return make_error(fmt::format("no note {} in store '{}'", note_id, location()));
  }
  return {};
}

Result<std::vector<NoteRecord>> SqliteStore::list_notes(const std::string& kind) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(
      "SELECT id, kind, text, created_at_us, done FROM notes WHERE kind = ? ORDER BY created_at_us, id"));
  ZKBENCH_TRY(stmt->bind(1, std::string_view(kind)));
  std::vector<NoteRecord> out;
  for (;;) {
    ZKBENCH_TRY_ASSIGN(row, stmt->step());
    if (!*row) {
      break;
    }
    out.push_back({stmt->column_int(0), stmt->column_text(1), stmt->column_text(2), stmt->column_int(3),
                   stmt->column_int(4) != 0});
  }
  return out;
}

Result<std::int64_t> SqliteStore::add_conflict(const ConflictRecord& conflict) {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(
      "INSERT INTO conflicts (experiments, combined_change, best_change, conflict, note, created_at_us) "
      "VALUES (?, ?, ?, ?, ?, ?)"));
  ZKBENCH_TRY(stmt->bind(1, std::string_view(experiment_numbers_to_json(conflict.experiments))));
  ZKBENCH_TRY(stmt->bind(2, conflict.combined_change));
  ZKBENCH_TRY(stmt->bind(3, conflict.best_change));
  ZKBENCH_TRY(stmt->bind(4, std::int64_t{conflict.conflict ? 1 : 0}));
  ZKBENCH_TRY(stmt->bind(5, std::string_view(conflict.note)));
  ZKBENCH_TRY(stmt->bind(6, conflict.created_at_us));
  ZKBENCH_TRY(stmt->run());
  return m_db.last_insert_id();
}

Result<std::vector<ConflictRecord>> SqliteStore::list_conflicts() {
  std::lock_guard lock(m_mutex);
  ZKBENCH_TRY_ASSIGN(stmt, m_db.prepare(
      "SELECT id, experiments, combined_change, best_change, conflict, note, created_at_us FROM conflicts "
      "ORDER BY created_at_us, id"));
  std::vector<ConflictRecord> out;
  for (;;) {
    ZKBENCH_TRY_ASSIGN(row, stmt->step());
    if (!*row) {
      break;
    }
    out.push_back({stmt->column_int(0), experiment_numbers_from_json(stmt->column_text(1)), stmt->column_optional_double(2),
                   stmt->column_optional_double(3), stmt->column_int(4) != 0, stmt->column_text(5),
                   stmt->column_int(6)});
  }
  return out;
}

} // namespace zkbench::store
