#include "project/linked_runs.hpp"

namespace zkbench::project {

namespace {

// Appends the runs of `session` measured on side `role` to `into`.
Result<void> add_runs(store::Store& store, std::int64_t session, const std::string& owner, const std::string& role,
                      core::Benchmark& into) {
  ZKBENCH_TRY_ASSIGN(benches, store.load_benchmarks(session));
  for (const core::Benchmark& bench : *benches) {
    if (side_of(bench, owner) != role) {
      continue;
    }
    into.command = bench.command;
    into.name = bench.name;
    into.parameters = bench.parameters;
    for (core::Run run : bench.runs) {
      run.index = static_cast<int>(into.runs.size());
      into.runs.push_back(std::move(run));
    }
  }
  return {};
}

} // namespace

Result<std::map<std::string, std::vector<std::int64_t>>> linked_sessions(store::Store& store, const std::string& owner,
                                                                         std::int64_t owner_id) {
  ZKBENCH_TRY_ASSIGN(links, store.session_links(owner, owner_id));
  std::map<std::string, std::vector<std::int64_t>> sessions;
  for (const store::SessionLink& link : *links) {
    sessions[link.input].push_back(link.session_id);
  }
  return sessions;
}

std::string side_of(const core::Benchmark& bench, const std::string& owner) {
  if (const auto it = bench.parameters.find("side"); it != bench.parameters.end()) {
    return it->second;
  }
  return owner == "experiment" || owner == "compound" ? "candidate" : "baseline";
}

Result<std::map<std::string, core::Benchmark>> linked_runs(store::Store& store, const std::string& owner,
                                                           std::int64_t owner_id, const std::string& role) {
  ZKBENCH_TRY_ASSIGN(sessions, linked_sessions(store, owner, owner_id));
  std::map<std::string, core::Benchmark> runs;
  for (const auto& [input, ids] : *sessions) {
    core::Benchmark& into = runs[input];
    for (const std::int64_t session : ids) {
      ZKBENCH_TRY(add_runs(store, session, owner, role, into));
    }
  }
  return runs;
}

Result<core::Benchmark> linked_runs(store::Store& store, const std::string& owner, std::int64_t owner_id,
                                    const std::string& input, const std::string& role) {
  ZKBENCH_TRY_ASSIGN(sessions, linked_sessions(store, owner, owner_id));
  core::Benchmark runs;
  if (const auto found = sessions->find(input); found != sessions->end()) {
    for (const std::int64_t session : found->second) {
      ZKBENCH_TRY(add_runs(store, session, owner, role, runs));
    }
  }
  return runs;
}

Result<KeptRuns> kept_runs(store::Store& store, const std::string& owner, std::int64_t owner_id) {
  KeptRuns kept;
  for (const std::string& name : {owner, owner + k_drift_owner_suffix}) {
    for (const char* role : {"baseline", "candidate"}) {
      ZKBENCH_TRY_ASSIGN(runs, linked_runs(store, name, owner_id, role));
      kept[name][role] = std::move(*runs);
    }
  }
  return kept;
}

Result<std::map<std::string, core::Benchmark>> baseline_benchmarks(store::Store& store,
                                                                   const store::BaselineRecord& baseline) {
  ZKBENCH_TRY_ASSIGN(linked, linked_runs(store, "baseline", baseline.id, "baseline"));
  std::map<std::string, core::Benchmark> out;
  for (const store::BaselineInput& input : baseline.inputs) {
    core::Benchmark runs;
    if (auto found = linked->find(input.input); found != linked->end()) {
      runs = std::move(found->second);
    } else {
      ZKBENCH_TRY(add_runs(store, input.session_id, "baseline", "baseline", runs));
    }
    runs.name = input.input;
    out[input.input] = std::move(runs);
  }
  return out;
}

} // namespace zkbench::project
