#pragma once
// `zkbench store copy`: every session of one store into another (SQLite <-> PostgreSQL), losslessly.

#include <cstddef>

#include "store/store.hpp"

namespace zkbench::store {

struct CopySummary {
  std::size_t sessions = 0;
  std::size_t benchmarks = 0;
  std::size_t runs = 0;
};

/// Appends every session of `from` to `to`, oldest first, each with its benchmarks in order and its
/// runs with every field (metrics, GPU figures); session status, times and machine class are kept.
/// Ids are new in `to`, but the order of sessions, benchmarks and runs is the same. Stops at the first
/// error (the sessions copied so far stay in `to`).
Result<CopySummary> copy_store(Store& from, Store& to);

} // namespace zkbench::store
