#include "project/machine_lock.hpp"
#include "project/lock_folder.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "util/strings.hpp"
#include "project/probe.hpp"

namespace zkbench::project {

namespace {

std::string one_line(std::string text) {
  for (char& c : text) {
    c = (c == '\n' || c == '\r') ? ' ' : c;
  }
  return text;
}

/// The holder's text as written in the file (read through our own descriptor).
LockHolder read_holder(int fd) {
  std::string text;
  char buffer[4096];
  ssize_t n = 0;
  off_t offset = 0;
  while ((n = ::pread(fd, buffer, sizeof buffer, offset)) > 0) {
    text.append(buffer, static_cast<std::size_t>(n));
    offset += n;
  }
  return parse_lock_holder(text).value_or(LockHolder{});
}

} // namespace

std::string describe(const LockHolder& holder) {
  if (holder.pid == 0) {
    return "another zkbench (it has not written its name yet)";
  }
  std::string text = fmt::format("pid {}", holder.pid);
  if (!holder.command.empty()) {
    text += fmt::format(" ({})", util::redact_credentials(holder.command)); // a file older than the redaction
  }
  if (!holder.purpose.empty()) {
    text += ", measuring " + holder.purpose;
  }
  if (!holder.since.empty()) {
    text += ", since " + holder.since;
  }
  return text;
}

std::string format_lock_holder(const LockHolder& holder) {
  return fmt::format("pid: {}\ncommand: {}\npurpose: {}\nsince: {}\n", holder.pid, one_line(holder.command),
                     one_line(holder.purpose), holder.since);
}

std::optional<LockHolder> parse_lock_holder(std::string_view text) {
  LockHolder holder;
  bool any = false;
  for (const std::string& line : util::split(text, '\n')) {
    const auto colon = line.find(": ");
    if (colon == std::string::npos) {
      continue;
    }
    const std::string key = line.substr(0, colon);
    const std::string value = line.substr(colon + 2);
    if (key == "pid") {
      holder.pid = util::parse_int(value).value_or(0);
    } else if (key == "command") {
      holder.command = value;
    } else if (key == "purpose") {
      holder.purpose = value;
    } else if (key == "since") {
      holder.since = value;
    } else {
      continue;
    }
    any = true;
  }
  return any ? std::optional<LockHolder>(holder) : std::nullopt;
}

std::filesystem::path lock_folder() {
  const char* tmp = std::getenv("TMPDIR");
  const std::filesystem::path base = tmp != nullptr && *tmp == '/' ? tmp : "/tmp";
  return base / fmt::format("zkbench-{}", ::getuid());
}

std::filesystem::path default_lock_path() {
  if (const char* path = std::getenv("ZKBENCH_LOCK_FILE"); path != nullptr && *path != '\0') {
    return path;
  }
  return lock_folder() / "machine.lock";
}

Result<void> ensure_private_folder(const std::filesystem::path& folder) {
  if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) {
    return make_error(fmt::format("cannot create the folder of the machine lock '{}': {}", folder.string(),
                                  std::strerror(errno)));
  }
  struct stat info {};
  if (::lstat(folder.c_str(), &info) != 0) {
    return make_error(fmt::format("cannot read the folder of the machine lock '{}': {}", folder.string(),
                                  std::strerror(errno)));
  }
  const char* hint = "remove it (or set ZKBENCH_LOCK_FILE to a file in a folder only you can write)";
  if (S_ISLNK(info.st_mode) || !S_ISDIR(info.st_mode)) {
    return make_error(fmt::format("the folder of the machine lock '{}' is {}, not a folder of yours: {}",
                                  folder.string(), S_ISLNK(info.st_mode) ? "a symlink" : "a file", hint));
  }
  if (info.st_uid != ::getuid() || (info.st_mode & 077) != 0) {
    return make_error(fmt::format("the folder of the machine lock '{}' belongs to uid {} with mode {:04o}, not to "
                                  "you (uid {}) with mode 0700: someone else could replace the lock there; {}",
                                  folder.string(), info.st_uid, info.st_mode & 07777, ::getuid(), hint));
  }
  return {};
}

Result<MachineLock> MachineLock::acquire(const std::string& purpose, const LockOptions& options) {
  if (options.path.parent_path() == lock_folder()) {
    ZKBENCH_TRY(ensure_private_folder(options.path.parent_path()));
  }
  // Owner-only: the holder's command line is redacted, but who measures what is nobody else's business.
  // O_NOFOLLOW: a symlink planted where the lock goes would have its target truncated and chmod'ed.
  const int fd = ::open(options.path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == ELOOP) {
      return make_error(fmt::format("the machine lock '{}' is a symlink: zkbench does not open its lock through "
                                    "one (remove it)",
                                    options.path.string()));
    }
    return make_error(fmt::format("cannot open the machine lock '{}': {}", options.path.string(), std::strerror(errno)));
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return make_error(fmt::format("the machine lock '{}' is not a regular file (remove it)", options.path.string()));
  }
  if (info.st_uid == ::getuid() && ::fchmod(fd, 0600) != 0) {
    // ignored: ours is created 0600; a lock file of another user (a shared ZKBENCH_LOCK_FILE) keeps its mode
  }
  const auto started = std::chrono::steady_clock::now();
  auto last_report = started;
  std::optional<LockHolder> reported;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) {
      continue;
    }
    if (errno != EWOULDBLOCK) {
      const int error = errno;
      ::close(fd);
      return make_error(fmt::format("cannot lock '{}': {}", options.path.string(), std::strerror(error)));
    }
    const auto now = std::chrono::steady_clock::now();
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(now - started);
    const LockHolder holder = read_holder(fd);
    if (options.timeout && waited >= *options.timeout) {
      ::close(fd);
      return make_error(fmt::format("the machine is busy: {} (lock '{}'); gave up after {:.1f} s waiting to measure {}",
                                    describe(holder), options.path.string(), static_cast<double>(waited.count()) / 1000.0,
                                    purpose));
    }
    if (options.cancelled && options.cancelled()) {
      ::close(fd);
      return make_error(fmt::format("stopped while waiting for the machine ({} holds it)", describe(holder)));
    }
    // An empty holder is a lock being taken or released this instant: report on a later poll.
    const bool known = holder.pid != 0;
    const bool changed = !reported || reported->pid != holder.pid || reported->purpose != holder.purpose;
    if (options.on_wait && known && (changed || now - last_report >= options.report_interval)) {
      options.on_wait(holder, waited);
      reported = holder;
      last_report = now;
    }
    auto sleep = options.poll_interval;
    if (options.timeout) {
      sleep = std::min(sleep, *options.timeout - waited);
    }
    std::this_thread::sleep_for(std::max(sleep, std::chrono::milliseconds(1)));
  }
  LockHolder me{static_cast<int>(::getpid()), util::own_command_line(), purpose, utc_now_iso8601()};
  const std::string text = format_lock_holder(me);
  // Best effort: the lock itself is the flock; the text only tells waiters who we are.
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, text.data(), text.size(), 0) < 0) {
    // ignored on purpose
  }
  return MachineLock(fd, options.path);
}

MachineLock::MachineLock(MachineLock&& other) noexcept : m_fd(other.m_fd), m_path(std::move(other.m_path)) {
  other.m_fd = -1;
}

MachineLock& MachineLock::operator=(MachineLock&& other) noexcept {
  if (this != &other) {
    release();
    m_fd = other.m_fd;
    m_path = std::move(other.m_path);
    other.m_fd = -1;
  }
  return *this;
}

MachineLock::~MachineLock() {
  release();
}

void MachineLock::release() {
  if (m_fd < 0) {
    return;
  }
  // Clear our name first so nobody reads a stale holder once the lock is free.
  if (::ftruncate(m_fd, 0) != 0) {
    // ignored: the next holder truncates anyway
  }
  ::flock(m_fd, LOCK_UN);
  ::close(m_fd);
  m_fd = -1;
}

std::optional<LockHolder> current_lock_holder(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    return std::nullopt;
  }
  std::optional<LockHolder> holder;
  if (::flock(fd, LOCK_SH | LOCK_NB) == 0) {
    ::flock(fd, LOCK_UN);
  } else {
    holder = read_holder(fd);
  }
  ::close(fd);
  return holder;
}

} // namespace zkbench::project
