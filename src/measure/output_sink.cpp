#include "measure/output_sink.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <filesystem>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "util/new_files.hpp"

namespace zkbench::measure {
namespace {

// Writes everything, retrying short writes and EINTR. Returns false with errno set on failure.
bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

} // namespace

OutputSink::OutputSink(const ExecutionOptions& options)
    : m_log_limit(options.log_limit_bytes), m_capture(options.capture_output),
      m_capture_limit(options.capture_limit_bytes), m_show(options.show_output) {
  if (options.log_path) {
    m_log_path = options.log_path->string();
    m_keep = m_log_limit;
  }
  if (m_capture) {
    m_keep = std::max(m_keep, m_capture_limit);
  }
}

Result<OutputSink> OutputSink::open(const ExecutionOptions& options) {
  OutputSink sink(options);
  if (options.log_path) {
    // The file itself is created on the first output (see open_log): a run with no output costs no
    // inode, which on ext4 was most of zkbench's own time per run of a short command. An unwritable
    // folder is still an error before the run.
    // The folder found writable last is not asked again: a run loop logs every run into one folder,
    // and the path lookup was a system call per run (issue 23); a folder that turns unwritable later is
    // still reported, by finish().
    thread_local std::string writable_folder;
    const std::filesystem::path parent = options.log_path->parent_path();
    const std::string folder = parent.empty() ? std::string(".") : parent.string();
    if (folder != writable_folder) {
      if (::access(folder.c_str(), W_OK | X_OK) != 0) {
        return make_error(
            fmt::format("cannot write log '{}': {}", sink.m_log_path, std::strerror(errno)));
      }
      writable_folder = folder;
    }
  }
  return sink;
}

bool OutputSink::open_log() {
  if (m_log_fd >= 0) {
    return true;
  }
  if (m_log_path.empty() || m_log_error) {
    return false;
  }
  m_log_fd = util::open_new_file(m_log_path, 0644); // never through a symlink planted where the log goes
  if (m_log_fd < 0) {
    note_log_error("create");
    return false;
  }
  m_log_created = true;
  return true;
}

OutputSink::OutputSink(OutputSink&& other) noexcept
    : m_log_fd(std::exchange(other.m_log_fd, -1)), m_log_path(std::move(other.m_log_path)),
      m_log_limit(other.m_log_limit), m_log_created(other.m_log_created), m_log_streaming(other.m_log_streaming),
      m_log_error(std::move(other.m_log_error)), m_capture(other.m_capture),
      m_capture_limit(other.m_capture_limit), m_show(other.m_show), m_keep(other.m_keep),
      m_tail(std::move(other.m_tail)), m_total(other.m_total) {}

OutputSink::~OutputSink() {
  if (m_log_fd >= 0) {
    ::close(m_log_fd);
  }
}

void OutputSink::note_log_error(const char* what) {
  if (!m_log_error) {
    m_log_error = fmt::format("cannot {} log '{}': {}", what, m_log_path, std::strerror(errno));
  }
}

void OutputSink::write(std::string_view bytes) {
  if (bytes.empty()) {
    return;
  }
  m_total += bytes.size();
  if (m_show) {
    // Best effort: zkbench's stdout going away must not disturb the measurement.
    write_all(STDOUT_FILENO, bytes);
  }
  if (m_log_streaming && open_log()) {
    if (m_total <= m_log_limit) {
      if (!write_all(m_log_fd, bytes)) {
        note_log_error("write");
      }
    } else {
      m_log_streaming = false; // finish() rewrites the log from the tail
    }
  }
  if (m_keep == 0) {
    return;
  }
  m_tail.append(bytes);
  // Trim only when twice the limit is reached, so trimming costs O(1) amortized per byte.
  if (m_tail.size() > 2 * m_keep) {
    m_tail.erase(0, m_tail.size() - m_keep);
  }
}

std::optional<std::string> OutputSink::finish() {
  if (m_log_fd < 0) {
    return m_log_error;
  }
  if (!m_log_streaming) {
    const std::size_t kept = std::min<std::size_t>(m_log_limit, m_tail.size());
    const std::string header =
        fmt::format("[zkbench: the first {} bytes of output were cut; the last {} bytes follow]\n",
                    m_total - kept, kept);
    if (::ftruncate(m_log_fd, 0) != 0 || ::lseek(m_log_fd, 0, SEEK_SET) < 0 ||
        !write_all(m_log_fd, header) ||
        !write_all(m_log_fd, std::string_view(m_tail).substr(m_tail.size() - kept))) {
      note_log_error("rewrite");
    }
  }
  if (::close(m_log_fd) != 0) {
    note_log_error("close");
  }
  m_log_fd = -1;
  return m_log_error;
}

std::string OutputSink::take_capture() {
  if (!m_capture) {
    return {};
  }
  if (m_tail.size() > m_capture_limit) {
    m_tail.erase(0, m_tail.size() - m_capture_limit);
  }
  return std::move(m_tail);
}

} // namespace zkbench::measure
