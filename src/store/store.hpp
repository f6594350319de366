#pragma once
// The store: every session, benchmark and run zkbench measures, kept as soon as it is measured.
// One interface, several backends (SQLite now, PostgreSQL later); callers never see SQL.
//
// Contract for every backend:
// - each add_* call is one transaction: when it returns, the row is durable, so a zkbench killed
//   afterwards loses nothing that was measured;
// - the schema is versioned; opening a store migrates it forward, and refuses a store whose schema
//   is newer than this binary knows.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/run.hpp"
#include "store/run_sink.hpp"
#include "store/profile_record.hpp"
#include "store/workflow_records.hpp"
#include "util/error.hpp"

namespace zkbench::store {

struct SessionRecord {
  std::int64_t id = 0;
  SessionInfo info;
  SessionStatus status = SessionStatus::running;
  std::optional<std::int64_t> finished_at_us;
  std::size_t benchmark_count = 0; // benchmarks added to the session so far
  std::size_t run_count = 0;       // runs added to its benchmarks so far
};

/// Reading measured sessions back (history, export, the workflow's resumes, the dashboard).
class RunHistory {
public:
  virtual ~RunHistory() = default;
  /// Adds a session exactly as recorded elsewhere (status, finish time included), for `zkbench store
  /// copy`; returns its new id. The counts of `record` are ignored.
  virtual Result<std::int64_t> import_session(const SessionRecord& record) = 0;
  /// Sessions, newest first (by start time, then id), at most `limit`, with their counts.
  virtual Result<std::vector<SessionRecord>> list_sessions(std::size_t limit) = 0;
  /// One session with its counts. Error: no such session ("no session 7 in store '...'").
  virtual Result<SessionRecord> get_session(std::int64_t session_id) = 0;
  /// The benchmarks of a session, with all their runs, in the order they were added; every field of
  /// core::Run reads back exactly as it was added. Error: no such session.
  virtual Result<std::vector<core::Benchmark>> load_benchmarks(std::int64_t session_id) = 0;
};

/// The optimization workflow's records (workflow_records.hpp). Each write is one transaction. Every
/// backend keeps them (tests/unit/test_store_workflow_records.cpp runs on SQLite and PostgreSQL).
class WorkflowRecords {
public:
  virtual ~WorkflowRecords() = default;
  /// Adds a baseline with its inputs and machine class; returns its id. Error: an input names an
  /// unknown session (nothing is added).
  virtual Result<std::int64_t> add_baseline(const BaselineRecord& baseline) = 0;
  /// Every baseline, oldest first, inputs included.
  virtual Result<std::vector<BaselineRecord>> list_baselines() = 0;
  /// Adds an experiment. number 0 takes the next free number (max + 1), also between concurrent
  /// writers. Returns the record as stored (id and number set). Error: the number is taken.
  virtual Result<ExperimentRecord> add_experiment(const ExperimentRecord& experiment) = 0;
  /// Replaces every field of the experiment with id `experiment.id`. Error: no such experiment.
  virtual Result<void> update_experiment(const ExperimentRecord& experiment) = 0;
  /// Every experiment, by number.
  virtual Result<std::vector<ExperimentRecord>> list_experiments() = 0;
  /// The experiment numbered `number`; nullopt when there is none.
  virtual Result<std::optional<ExperimentRecord>> get_experiment(core::ExperimentNumber number) = 0;
  /// Records that `link.session_id` measured `link.input` for the owner. Error: no such session.
  virtual Result<void> link_session(const SessionLink& link) = 0;
  /// The links of one owner, in the order they were added.
  virtual Result<std::vector<SessionLink>> session_links(const std::string& owner, std::int64_t owner_id) = 0;
  /// Every link of every owner, in the order they were added (for `zkbench store copy`).
  virtual Result<std::vector<SessionLink>> list_session_links() = 0;
  /// Adds a learning or idea; returns its id.
  virtual Result<std::int64_t> add_note(const NoteRecord& note) = 0;
  /// Marks an idea done (or not). Error: no such note.
  virtual Result<void> set_note_done(std::int64_t note_id, bool done) = 0;
  /// The notes of `kind` ("learning" or "idea"), oldest first.
  virtual Result<std::vector<NoteRecord>> list_notes(const std::string& kind) = 0;
  /// Adds a compound test's outcome; returns its id.
  virtual Result<std::int64_t> add_conflict(const ConflictRecord& conflict) = 0;
  /// Every compound test, oldest first.
  virtual Result<std::vector<ConflictRecord>> list_conflicts() = 0;
};

/// Profiles (profile_record.hpp). Every backend keeps them (SQLite and PostgreSQL).
class ProfileStore {
public:
  virtual ~ProfileStore() = default;
  /// Adds a profile (every field but id and size_bytes); returns its id. Error: kind is neither
  /// "profile" nor "diff".
  virtual Result<std::int64_t> add_profile(const ProfileRecord& profile) = 0;
  /// Every profile, oldest first (by id), without content (size_bytes set).
  virtual Result<std::vector<ProfileRecord>> list_profiles() = 0;
  /// One profile with its content. Error: no such profile ("no profile 7 in store '...'").
  virtual Result<ProfileRecord> get_profile(std::int64_t profile_id) = 0;
};

/// A whole store: every role above, in one database. Callers that need one role take that interface
/// (the run loop takes a RunSink), so they can be tested with a small fake.
class Store : public RunSink, public RunHistory, public WorkflowRecords, public ProfileStore {
public:
  /// The schema version of the open store.
  virtual int schema_version() const = 0;
};

/// The default store location: `.zkbench/zkbench.db` under `project_dir`.
std::filesystem::path default_store_path(const std::filesystem::path& project_dir);

/// True for postgresql:// and postgres:// URLs.
bool is_postgresql_url(std::string_view location);
/// `location` with the password of a URL replaced by "***" (other text unchanged), for messages:
/// util::redact_credentials, the one redaction of URLs and command lines.
std::string redact_location(std::string_view location);

enum class OpenMode {
  create,   // create the store (and its folder) when missing: commands that measure
  existing, // fail with "no store at '...'" when missing: commands that only read
};

/// Opens the store at `location` (creating it as `mode` allows) and migrates it to the latest schema.
/// `location` is a file path for SQLite, or a postgresql:// or postgres:// URL for PostgreSQL (the
/// database must exist; `mode` does not apply). Errors say which file or server and why: a folder that
/// cannot be created, a directory or a non-database file in the way, a store written by a newer
/// zkbench, SQLite's or PostgreSQL's message. A URL's password never appears in a message.
Result<std::unique_ptr<Store>> open_store(const std::string& location, OpenMode mode = OpenMode::create);

} // namespace zkbench::store
