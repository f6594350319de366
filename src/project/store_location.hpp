#pragma once
// Where the store is, for every command (the workflow's, the team's: store, submit, queue, worker,
// task, run, history): one order of sources, so `exp new` and `submit` never use two stores.

#include <filesystem>
#include <optional>
#include <string>

#include "util/error.hpp"

namespace zkbench::project {

/// The store's location: `option` (--store) when given, else $ZKBENCH_STORE (what a worker or sbatch
/// passes on to the jobs it runs), else `configured` (zkbench.yaml's `store:`; a relative SQLite path
/// is relative to `project_dir`), else .zkbench/zkbench.db in `project_dir`.
std::string store_location(const std::string& option, const std::optional<std::string>& configured,
                           const std::filesystem::path& project_dir);

/// store_location for a command given `option` and the project's zkbench.yaml at `config_path`: its
/// `store:` when the file exists, its folder as the project's. Errors: the file's own (located).
Result<std::string> find_store_location(const std::string& option, const std::filesystem::path& config_path);

} // namespace zkbench::project
