#include "store/copy.hpp"

#include <limits>
#include <map>

#include <fmt/format.h>

namespace zkbench::store {

namespace {

using IdMap = std::map<std::int64_t, std::int64_t>;

/// The id in `to` of the record whose id in `from` is `id`. Error: a dangling reference in `from`.
Result<std::int64_t> mapped(const IdMap& ids, std::int64_t id, const char* what, const Store& from) {
  const auto found = ids.find(id);
  if (found == ids.end()) {
    return make_error(fmt::format("store '{}' refers to {} {}, which it does not hold", from.location(), what, id));
  }
  return found->second;
}

Result<IdMap> copy_sessions(Store& from, Store& to, CopySummary& summary) {
  ZKBENCH_TRY_ASSIGN(sessions, from.list_sessions(std::numeric_limits<std::size_t>::max()));
  IdMap ids;
  // list_sessions is newest first; appending oldest first keeps the order (start time, then id).
  for (auto session = sessions->rbegin(); session != sessions->rend(); ++session) {
    ZKBENCH_TRY_ASSIGN(benchmarks, from.load_benchmarks(session->id));
    ZKBENCH_TRY_ASSIGN(session_id, to.import_session(*session));
    ids[session->id] = *session_id;
    for (const core::Benchmark& benchmark : *benchmarks) {
      ZKBENCH_TRY_ASSIGN(benchmark_id, to.add_benchmark(*session_id, benchmark));
      for (const core::Run& run : benchmark.runs) {
        ZKBENCH_TRY(to.add_run(*benchmark_id, run));
        ++summary.runs;
      }
      ++summary.benchmarks;
    }
    ++summary.sessions;
  }
  return ids;
}

Result<IdMap> copy_baselines(Store& from, Store& to, const IdMap& sessions, CopySummary& summary) {
  ZKBENCH_TRY_ASSIGN(baselines, from.list_baselines());
  IdMap ids;
  for (BaselineRecord baseline : *baselines) {
    for (BaselineInput& input : baseline.inputs) {
      ZKBENCH_TRY_ASSIGN(session_id, mapped(sessions, input.session_id, "session", from));
      input.session_id = *session_id;
    }
    ZKBENCH_TRY_ASSIGN(id, to.add_baseline(baseline));
    ids[baseline.id] = *id;
    ++summary.baselines;
  }
  return ids;
}

Result<IdMap> copy_experiments(Store& from, Store& to, const IdMap& baselines, CopySummary& summary) {
  ZKBENCH_TRY_ASSIGN(experiments, from.list_experiments());
  IdMap ids;
  for (ExperimentRecord experiment : *experiments) {
    if (experiment.baseline_id) {
      ZKBENCH_TRY_ASSIGN(baseline_id, mapped(baselines, *experiment.baseline_id, "baseline", from));
      experiment.baseline_id = *baseline_id;
    }
    ZKBENCH_TRY_ASSIGN(stored, to.add_experiment(experiment)); // number kept: it is not 0
    ids[experiment.id] = stored->id;
    ++summary.experiments;
  }
  return ids;
}

Result<void> copy_links(Store& from, Store& to, const IdMap& sessions, const IdMap& experiments,
                        CopySummary& summary) {
  ZKBENCH_TRY_ASSIGN(links, from.list_session_links());
  for (SessionLink link : *links) {
    ZKBENCH_TRY_ASSIGN(session_id, mapped(sessions, link.session_id, "session", from));
    link.session_id = *session_id;
    // Only an experiment's links name a record by its id; the other owners' ids are not store ids.
    if (link.owner == "experiment") {
      ZKBENCH_TRY_ASSIGN(owner_id, mapped(experiments, link.owner_id, "experiment", from));
      link.owner_id = *owner_id;
    }
    ZKBENCH_TRY(to.link_session(link));
    ++summary.session_links;
  }
  return {};
}

Result<void> copy_notes_and_conflicts(Store& from, Store& to, CopySummary& summary) {
  for (const char* kind : {"learning", "idea"}) {
    ZKBENCH_TRY_ASSIGN(notes, from.list_notes(kind));
    for (const NoteRecord& note : *notes) {
      ZKBENCH_TRY(to.add_note(note));
      ++summary.notes;
    }
  }
  ZKBENCH_TRY_ASSIGN(conflicts, from.list_conflicts());
  for (const ConflictRecord& conflict : *conflicts) {
    ZKBENCH_TRY(to.add_conflict(conflict));
    ++summary.conflicts;
  }
  return {};
}

Result<void> copy_profiles(Store& from, Store& to, const IdMap& baselines, CopySummary& summary) {
  ZKBENCH_TRY_ASSIGN(listed, from.list_profiles()); // without content: one at a time below
  for (const ProfileRecord& entry : *listed) {
    ZKBENCH_TRY_ASSIGN(profile, from.get_profile(entry.id));
    // baseline_id is a plain value, not a foreign key: a baseline not copied keeps the number it had.
    if (profile->baseline_id) {
      if (const auto found = baselines.find(*profile->baseline_id); found != baselines.end()) {
        profile->baseline_id = found->second;
      }
    }
    ZKBENCH_TRY(to.add_profile(*profile));
    ++summary.profiles;
  }
  return {};
}

} // namespace

Result<CopySummary> copy_store(Store& from, Store& to) {
  CopySummary summary;
  ZKBENCH_TRY_ASSIGN(sessions, copy_sessions(from, to, summary));
  ZKBENCH_TRY_ASSIGN(baselines, copy_baselines(from, to, *sessions, summary));
  ZKBENCH_TRY_ASSIGN(experiments, copy_experiments(from, to, *baselines, summary));
  ZKBENCH_TRY(copy_links(from, to, *sessions, *experiments, summary));
  ZKBENCH_TRY(copy_notes_and_conflicts(from, to, summary));
  ZKBENCH_TRY(copy_profiles(from, to, *baselines, summary));
  return summary;
}

} // namespace zkbench::store
