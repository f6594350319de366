#pragma once
// Which sessions belong to an owner, and their runs: the one reader of the store's session links for
// the workflow (a resumed input, a baseline being measured), the baseline's runs the experiments are
// compared with, and the dashboard. A baseline's sessions are linked to "baseline:<commit>"/<number of
// baselines recorded before it> while it is measured (so a killed `zkbench baseline` resumes), and to
// "baseline"/<its id> once recorded; an experiment's to "experiment"/<its id>, both sides in one session,
// and its drift test's (`--baseline stored`) to "experiment-drift"/<its id>.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/run.hpp"
#include "store/store.hpp"
#include "util/error.hpp"

namespace zkbench::project {

/// The sessions linked to `owner`/`owner_id` per input, in the order they were linked (a resumed input
/// has several). Errors: the store fails.
Result<std::map<std::string, std::vector<std::int64_t>>> linked_sessions(store::Store& store, const std::string& owner,
                                                                         std::int64_t owner_id);

/// The side `bench` measured in a session of `owner`: its `side` parameter; benchmarks recorded before
/// sides existed are the candidate's for an experiment or compound and a baseline's own elsewhere.
std::string side_of(const core::Benchmark& bench, const std::string& owner);

/// Every run linked to `owner`/`owner_id` on side `role`, per input (every linked input has an entry,
/// with no runs when none of its sessions measured that side yet), in session order, indexed from 0;
/// the benchmark keeps the command, name and parameters of its last session. Errors: the store fails.
Result<std::map<std::string, core::Benchmark>> linked_runs(store::Store& store, const std::string& owner,
                                                           std::int64_t owner_id, const std::string& role);

/// The same for one input (no runs when none is linked).
Result<core::Benchmark> linked_runs(store::Store& store, const std::string& owner, std::int64_t owner_id,
                                    const std::string& input, const std::string& role);

/// The owner of a drift test's sessions is its command's owner with this suffix ("experiment-drift").
inline constexpr const char* k_drift_owner_suffix = "-drift";

/// The runs earlier attempts of a command kept, by owner name, side ("baseline", "candidate") and input.
using KeptRuns = std::map<std::string, std::map<std::string, std::map<std::string, core::Benchmark>>>;

/// Every run linked to `owner`/`owner_id` and to its drift test (k_drift_owner_suffix), on both sides:
/// what a resumed `exp run` or `compound` starts from, read once before anything is measured. Errors: the
/// store fails.
Result<KeptRuns> kept_runs(store::Store& store, const std::string& owner, std::int64_t owner_id);

/// A recorded baseline's runs per input name, for each of its inputs (named after the input): every
/// session linked to it; a baseline recorded before its sessions were linked, the one session of its
/// record. Errors: the store fails.
Result<std::map<std::string, core::Benchmark>> baseline_benchmarks(store::Store& store,
                                                                   const store::BaselineRecord& baseline);

} // namespace zkbench::project
