#pragma once
// What `zkbench run` shows while it measures: each benchmark's header and, when it is done, its
// summary (on the report stream: stdout, or stderr under --json), and progress on stderr:
// - live: one line redrawn with \r (run i of N, this run's elapsed time against the expected time =
//   the median so far, ETA for the command), when stderr is a terminal and output is not shown;
// - plain: a line per finished run, at most one per second (plus the last), otherwise.

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "measure/run_loop.hpp"
#include "report/time_unit.hpp"

namespace zkbench::cli {

enum class ProgressStyle { live, plain, none }; // none: no progress lines (--style=none)

class RunProgress : public measure::RunObserver {
public:
  RunProgress(ProgressStyle style, std::FILE* report, report::TimeUnit unit);
  ~RunProgress() override;
  RunProgress(const RunProgress&) = delete;
  RunProgress& operator=(const RunProgress&) = delete;

  void benchmark_started(std::size_t index, std::size_t total, const core::Benchmark& bench) override;
  void warmup_started(std::size_t index, std::size_t total) override;
  void run_started(std::size_t index, std::optional<std::size_t> total, std::optional<double> expected_s) override;
  void run_finished(const core::Benchmark& bench, const core::Run& run, std::size_t total) override;
  void metric_missing(const core::Run& run, const std::string& metric) override;
  void benchmark_finished(const core::Benchmark& bench) override;

  /// Erases the live line (before zkbench prints an error).
  void clear();

private:
  using Clock = std::chrono::steady_clock;

  void ticker();
  void draw_locked();
  void clear_locked();
  std::string live_text_locked() const;

  ProgressStyle m_style;
  std::FILE* m_report;
  report::TimeUnit m_unit;

  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_quit = false;
  bool m_line_shown = false;
  // What is running now (live style).
  std::string m_phase;                  // "Warmup" / "Run" / "" when idle
  std::size_t m_index = 0;
  std::optional<std::size_t> m_total;
  std::optional<double> m_expected_s;
  double m_done_s = 0;                  // wall time of the runs finished in this benchmark
  Clock::time_point m_started;
  Clock::time_point m_last_plain;
  std::string m_current;                // display name of the current benchmark
  std::thread m_thread;
};

} // namespace zkbench::cli
