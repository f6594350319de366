#pragma once
// Where the commands of a team (store, submit, queue, worker, task) find the store.

#include <cstdlib>
#include <filesystem>
#include <string>

#include "store/store.hpp"

namespace zkbench::cli {

/// `option` when given, else $ZKBENCH_STORE, else .zkbench/zkbench.db under the current folder.
inline std::string store_location(const std::string& option) {
  if (!option.empty()) {
    return option;
  }
  if (const char* env = std::getenv("ZKBENCH_STORE"); env != nullptr && *env != '\0') {
    return env;
  }
  return store::default_store_path(std::filesystem::current_path()).string();
}

inline constexpr const char* k_store_help =
    "The store: an SQLite file or a postgresql:// URL (default: $ZKBENCH_STORE, else .zkbench/zkbench.db)";

} // namespace zkbench::cli
