// Default implementations of the Store's workflow and profile methods for backends that do not keep
// those records yet: each fails, naming the store, so a command that needs them says why instead of
// misbehaving.
#include <fmt/format.h>

#include "store/store.hpp"

namespace zkbench::store {

namespace {

tl::unexpected<Error> unsupported(const Store& store) {
  return make_error(fmt::format("store '{}' does not keep workflow records (baselines, experiments) yet",
                                store.location()));
}

tl::unexpected<Error> no_profiles(const Store& store) {
  return make_error(fmt::format("store '{}' does not keep profiles", store.location()));
}

} // namespace

Result<std::int64_t> Store::add_baseline(const BaselineRecord&) { return unsupported(*this); }
Result<std::vector<BaselineRecord>> Store::list_baselines() { return unsupported(*this); }
Result<ExperimentRecord> Store::add_experiment(const ExperimentRecord&) { return unsupported(*this); }
Result<void> Store::update_experiment(const ExperimentRecord&) { return unsupported(*this); }
Result<std::vector<ExperimentRecord>> Store::list_experiments() { return unsupported(*this); }
Result<void> Store::link_session(const SessionLink&) { return unsupported(*this); }
Result<std::vector<SessionLink>> Store::session_links(const std::string&, std::int64_t) { return unsupported(*this); }
Result<std::int64_t> Store::add_note(const NoteRecord&) { return unsupported(*this); }
Result<void> Store::set_note_done(std::int64_t, bool) { return unsupported(*this); }
Result<std::vector<NoteRecord>> Store::list_notes(const std::string&) { return unsupported(*this); }
Result<std::int64_t> Store::add_conflict(const ConflictRecord&) { return unsupported(*this); }
Result<std::vector<ConflictRecord>> Store::list_conflicts() { return unsupported(*this); }

Result<std::int64_t> Store::add_profile(const ProfileRecord&) { return no_profiles(*this); }
Result<std::vector<ProfileRecord>> Store::list_profiles() { return no_profiles(*this); }
Result<ProfileRecord> Store::get_profile(std::int64_t) { return no_profiles(*this); }

} // namespace zkbench::store
