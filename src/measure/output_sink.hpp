#pragma once
// Where a run's output goes while it runs: the log file (streamed, tail-bounded), the in-memory copy
// for metrics (tail-bounded), and zkbench's own stdout with --show-output. Used by ProcessExecutor.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "measure/executor.hpp"
#include "util/error.hpp"

namespace zkbench::measure {

class OutputSink {
public:
  /// Prepares the log at options.log_path when set: the file is created (or truncated) on the first
  /// byte of output, so a run that writes nothing leaves no file (log_created() stays false).
  /// Errors: the log's folder cannot be written ("cannot write log 'x': Permission denied"); a
  /// failure to create the file later is reported by finish().
  static Result<OutputSink> open(const ExecutionOptions& options);

  OutputSink(OutputSink&& other) noexcept;
  OutputSink& operator=(OutputSink&&) = delete;
  OutputSink(const OutputSink&) = delete;
  OutputSink& operator=(const OutputSink&) = delete;
  ~OutputSink();

  /// Takes the next bytes of output. The log is streamed until it reaches log_limit_bytes; past that
  /// only the tail is kept in memory and written by finish().
  void write(std::string_view bytes);

  /// Completes the log: when the output exceeded the limit, the log is rewritten as one header line
  /// ("[zkbench: the first N bytes of output were cut; the last M bytes follow]") and the last
  /// log_limit_bytes of the output. Closes the log. Returns the first log write error, if any.
  std::optional<std::string> finish();

  /// The last capture_limit_bytes of the output when capture_output, else empty.
  std::string take_capture();

  std::uint64_t total_bytes() const { return m_total; }

  /// True once the log file exists (the run wrote output and the file could be created).
  bool log_created() const { return m_log_created; }

private:
  explicit OutputSink(const ExecutionOptions& options);
  void note_log_error(const char* what);
  bool open_log(); // creates the log file on first use; false when there is none or it failed

  int m_log_fd = -1;
  std::string m_log_path;
  std::size_t m_log_limit = 0;
  bool m_log_created = false;
  bool m_log_streaming = true; // false once the output passed the log limit
  std::optional<std::string> m_log_error;
  bool m_capture = false;
  std::size_t m_capture_limit = 0;
  bool m_show = false;
  std::size_t m_keep = 0; // how much of the tail to keep in memory
  std::string m_tail;
  std::uint64_t m_total = 0;
};

} // namespace zkbench::measure
