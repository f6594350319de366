#pragma once
// The folder of the default machine lock: the user's own, so that nobody else can plant a symlink
// where the lock goes (issue 20). default_lock_path() (machine_lock.hpp) is machine.lock in it; both
// are implemented in machine_lock.cpp.

#include <filesystem>

#include "util/error.hpp"

namespace zkbench::project {

/// ${TMPDIR:-/tmp}/zkbench-<uid>. Not $XDG_RUNTIME_DIR: a session without it (cron, a Slurm job, ssh
/// without logind) would lock another file and measure at the same time.
std::filesystem::path lock_folder();

/// Creates `folder` with mode 0700 when missing and checks that it is a folder (not a symlink) owned by
/// this user that nobody else can write: in a shared /tmp, another user could otherwise have made it
/// first and plant a symlink where the lock goes. Errors say what is wrong and what to do.
Result<void> ensure_private_folder(const std::filesystem::path& folder);

} // namespace zkbench::project
