#pragma once
// The machine lock as every measuring command takes it (run, ab, baseline, exp, compound): one
// benchmark at a time per machine (seed 002, critical rule 1). Waiting is said on stderr, naming
// who holds the machine; Ctrl-C while waiting ends the command with the interrupt code (130).

#include <optional>
#include <string>

#include "project/machine_lock.hpp"

namespace zkbench::cli {

/// The help text of --no-lock (run, ab).
inline constexpr const char* k_no_lock_help =
    "Measure without taking the machine lock (do not wait for another zkbench that is measuring)";

enum class SkipLock { no, yes };

/// "zkbench baseline (pid 1234)": the holder's program name, its subcommand and its pid.
std::string holder_name(const project::LockHolder& holder);

/// Waits for the machine lock and takes it for `purpose` (credentials in it are redacted), printing
/// "waiting for the machine: zkbench baseline (pid N) holds it (...)" on stderr at once and then every
/// 30 s. Returns nullopt without locking when `skip` is yes (--no-lock). Throws Fatal when the lock file
/// cannot be opened, and Fatal with ExitCode::interrupted when SIGINT/SIGTERM came while waiting (the
/// caller must have called measure::install_interrupt_handlers(), else the signal just ends zkbench).
std::optional<project::MachineLock> lock_for_measuring(const std::string& purpose, SkipLock skip = SkipLock::no);

} // namespace zkbench::cli
