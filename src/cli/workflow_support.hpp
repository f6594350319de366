#pragma once
// What the workflow commands (baseline, exp, compound, learn, ...) share: opening the project, taking
// the machine lock (saying who holds it while waiting), the pre-benchmark checks, detaching into the
// background, and regenerating the tracker files after every event. Throws Fatal on errors.

#include <optional>
#include <string>
#include <vector>

#include "util/error.hpp"
#include "project/machine_lock.hpp"
#include "project/workspace.hpp"

namespace CLI {
class App;
}

namespace zkbench::cli {

/// Adds --config (default zkbench.yaml) to `sub`, storing into `path`.
void add_config_option(CLI::App& sub, std::string& path);

/// Opens the project and store, and regenerates the tracker files (they are views: a deleted one
/// comes back with any workflow command).
project::Workspace open_workspace_or_fatal(const std::string& config_path);

/// Rewrites the tracker files; a failure is a warning (the store already has the event).
void refresh_tracker(project::Workspace& ws, bool final_report = false);

/// Marks the sessions of this host that are still "running" as interrupted: call while holding the machine
/// lock, which no other measuring zkbench here can hold at the same time (their processes are gone).
void close_stale_sessions(store::Store& store);

/// Takes the machine lock for `purpose`, printing on stderr who holds it while waiting
/// (cli::lock_for_measuring, the one acquisition of the measuring commands).
project::MachineLock lock_machine_or_fatal(const std::string& purpose);

/// The exit code of a measuring workflow command that failed: ExitCode::interrupted (130, as
/// documented) when SIGINT/SIGTERM stopped it, else ExitCode::error.
ExitCode failure_exit_code();

/// Prints the pre-benchmark checks' warnings (never stops).
void print_prechecks();

/// Forks into the background (setsid, double fork) with stdout/stderr to `log`; the foreground process
/// prints where to follow it and exits 0. Returns in the background process only.
void detach_to(const std::filesystem::path& log, const std::string& what);

/// Prints a progress line on stdout at once (the workflow's `say` callbacks).
void print_line(const std::string& line);
/// Prints "warning: <warning>" on stderr.
void print_warning(const std::string& warning);
/// Prints each warning on stderr as "warning: ...".
void print_warnings(const std::vector<std::string>& warnings);

} // namespace zkbench::cli
