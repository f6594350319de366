#pragma once
// Where the commands that take --store (store, submit, queue, worker, task, run, history) find the
// store: project::find_store_location, the one finder every command uses, with the zkbench.yaml of the
// current folder.

#include <string>

#include "util/error.hpp"
#include "project/store_location.hpp"

namespace zkbench::cli {

/// `option` when given, else $ZKBENCH_STORE, else the `store:` of `config` (a command's --config, else
/// ./zkbench.yaml) when it exists, else .zkbench/zkbench.db beside it. Throws Fatal when it cannot be read.
inline std::string store_location(const std::string& option, const std::string& config = "zkbench.yaml") {
  return value_or_fatal(project::find_store_location(option, config));
}

inline constexpr const char* k_store_help =
    "The store: an SQLite file or a postgresql:// URL (default: $ZKBENCH_STORE, else zkbench.yaml's store:, else "
    ".zkbench/zkbench.db)";

} // namespace zkbench::cli
