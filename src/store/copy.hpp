#pragma once
// `zkbench store copy`: every session of one store into another (SQLite <-> PostgreSQL), losslessly,
// with the optimization workflow's records that refer to them.

#include <cstddef>

#include "store/store.hpp"

namespace zkbench::store {

struct CopySummary {
  std::size_t sessions = 0;
  std::size_t benchmarks = 0;
  std::size_t runs = 0;
  std::size_t baselines = 0;
  std::size_t experiments = 0;
  std::size_t session_links = 0;
  std::size_t notes = 0;     // learnings and ideas
  std::size_t conflicts = 0; // compound tests
  std::size_t profiles = 0;  // profiler outputs and profile diffs, bytes as stored
};

/// Appends every session of `from` to `to`, oldest first, each with its benchmarks in order and its
/// runs with every field (metrics, GPU figures); session status, times and machine class are kept.
/// Then the workflow's records: baselines (inputs, machine class), experiments (numbers kept),
/// session links, learnings and ideas, compound tests, profiles (content byte for byte), each list
/// in its order. Ids are new in `to`;
/// every reference between records (a baseline input's session, an experiment's baseline, a link's
/// session and experiment, a profile's baseline) is mapped to the new ids. Owner ids that are not store ids (the negative
/// ids of baseline and compound measurements) are kept. Stops at the first error, e.g. an experiment
/// number already taken in `to` (what was copied so far stays in `to`).
Result<CopySummary> copy_store(Store& from, Store& to);

} // namespace zkbench::store
