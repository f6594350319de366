#pragma once
// One benchmark at a time per machine (seed 002, critical rule 1: never run parallel benchmarks).
//
// A zkbench that is about to measure takes an exclusive flock on a lock file and writes in it who holds
// it (pid, command line with credentials redacted, what it measures, since when); the file is 0600.
// A second zkbench that wants to measure waits,
// told through a callback for what and who holds the machine, or gives up after a timeout. The kernel
// releases the flock when the holder exits, even on kill -9, so a crash never leaves the machine locked.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace zkbench::project {

struct LockHolder {
  int pid = 0;
  std::string command;        // the holder's command line
  std::string purpose;        // what it measures ("baseline, input typical")
  std::string since;          // ISO-8601 UTC
};

/// "pid 1234 (zkbench exp run 001), measuring experiment 001, since 2026-01-16T10:00:00Z".
std::string describe(const LockHolder& holder);
/// The lock file's text, and back (tolerant: missing lines are left empty).
std::string format_lock_holder(const LockHolder& holder);
std::optional<LockHolder> parse_lock_holder(std::string_view text);

/// $ZKBENCH_LOCK_FILE when set, otherwise machine.lock in lock_folder() (project/lock_folder.hpp:
/// ${TMPDIR:-/tmp}/zkbench-<uid>, a folder of the user's own that acquire() creates 0700 and checks).
std::filesystem::path default_lock_path();

struct LockOptions {
  std::filesystem::path path = default_lock_path();
  std::optional<std::chrono::milliseconds> timeout;         // nullopt: wait as long as it takes
  std::chrono::milliseconds poll_interval{200};
  std::chrono::milliseconds report_interval{std::chrono::seconds(30)};
  /// Called when we must wait: first at once (as soon as the holder has written its name), then when the
  /// holder changes or every report_interval.
  std::function<void(const LockHolder& holder, std::chrono::milliseconds waited)> on_wait;
  /// Polled while waiting (every poll_interval); true gives up with "stopped while waiting for the
  /// machine (...)" (Ctrl-C while queued behind another benchmark). Empty: never.
  std::function<bool()> cancelled;
};

/// Holds the machine until destroyed (or release()).
class MachineLock {
public:
  /// Takes the lock for `purpose`, waiting as `options` say. The lock file is never opened through a
  /// symlink (O_NOFOLLOW) and must be a regular file; in lock_folder() that folder is checked first
  /// (ensure_private_folder). Errors: the lock file cannot be opened or is a symlink;
  /// the timeout passed ("the machine is busy: pid 1234 (...) ...; gave up after 5.0 s").
  static Result<MachineLock> acquire(const std::string& purpose, const LockOptions& options);

  MachineLock(MachineLock&& other) noexcept;
  MachineLock& operator=(MachineLock&& other) noexcept;
  MachineLock(const MachineLock&) = delete;
  MachineLock& operator=(const MachineLock&) = delete;
  ~MachineLock();

  /// Clears the holder text and releases the lock; idempotent.
  void release();
  const std::filesystem::path& path() const { return m_path; }
  /// The descriptor holding the flock (-1 once released). A child that inherits it (close-on-exec
  /// cleared) keeps the machine locked until the child and everything that inherited it in turn are
  /// gone, even when this process is killed: the worker hands it to its job this way.
  int descriptor() const { return m_fd; }

private:
  MachineLock(int fd, std::filesystem::path path) : m_fd(fd), m_path(std::move(path)) {}
  int m_fd = -1;
  std::filesystem::path m_path;
};

/// Who holds the lock at `path` now; nullopt when nobody does (checked with a non-blocking flock).
std::optional<LockHolder> current_lock_holder(const std::filesystem::path& path);

} // namespace zkbench::project
