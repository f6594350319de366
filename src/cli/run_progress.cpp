#include "cli/run_progress.hpp"

#include <fmt/format.h>

#include "report/terminal.hpp"

namespace zkbench::cli {

namespace {

constexpr auto k_redraw_interval = std::chrono::milliseconds(200);
constexpr auto k_plain_interval = std::chrono::seconds(1);

std::string short_time(double seconds) {
  if (seconds >= 3600) {
    return fmt::format("{}h{:02}m", static_cast<long>(seconds / 3600), static_cast<long>(seconds / 60) % 60);
  }
  if (seconds >= 60) {
    return fmt::format("{}m{:02}s", static_cast<long>(seconds / 60), static_cast<long>(seconds) % 60);
  }
  return fmt::format("{:.1f} s", seconds);
}

} // namespace

RunProgress::RunProgress(ProgressStyle style, std::FILE* report, report::TimeUnit unit)
    : m_style(style), m_report(report), m_unit(unit) {
  if (m_style == ProgressStyle::live) {
    m_thread = std::thread([this] { ticker(); });
  }
}

RunProgress::~RunProgress() {
  {
    std::lock_guard lock(m_mutex);
    m_quit = true;
    clear_locked();
  }
  m_wake.notify_all();
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

void RunProgress::ticker() {
  std::unique_lock lock(m_mutex);
  while (!m_quit) {
    m_wake.wait_for(lock, k_redraw_interval);
    if (!m_quit && !m_phase.empty()) {
      draw_locked();
    }
  }
}

std::string RunProgress::live_text_locked() const {
  const double elapsed = std::chrono::duration<double>(Clock::now() - m_started).count();
  if (m_phase == "Warmup") {
    return fmt::format("  Warmup {}/{} · {}", m_index + 1, m_total.value_or(0), short_time(elapsed));
  }
  std::string text = m_total ? fmt::format("  Run {}/{}", m_index + 1, *m_total)
                             : fmt::format("  Run {} (estimating the number of runs)", m_index + 1);
  if (m_expected_s) {
    text += fmt::format(" · {} of ~{}", short_time(elapsed), short_time(*m_expected_s));
    if (m_total) {
      const double this_run_left = std::max(0.0, *m_expected_s - elapsed);
      const double later = static_cast<double>(*m_total - m_index - 1) * *m_expected_s;
      text += fmt::format(" · ETA {}", short_time(this_run_left + later));
    }
  } else {
    text += fmt::format(" · {}", short_time(elapsed));
  }
  return text;
}

void RunProgress::draw_locked() {
  std::fprintf(stderr, "\r\x1b[K%s", live_text_locked().c_str());
  std::fflush(stderr);
  m_line_shown = true;
}

void RunProgress::clear_locked() {
  if (m_line_shown) {
    std::fputs("\r\x1b[K", stderr);
    std::fflush(stderr);
    m_line_shown = false;
  }
}

void RunProgress::clear() {
  std::lock_guard lock(m_mutex);
  m_phase.clear();
  clear_locked();
}

void RunProgress::benchmark_started(std::size_t index, std::size_t /*total*/, const core::Benchmark& bench) {
  std::lock_guard lock(m_mutex);
  clear_locked();
  m_current = bench.display_name();
  m_done_s = 0;
  m_last_plain = Clock::time_point{};
  fmt::print(m_report, "{}\n", report::format_benchmark_header(index, bench));
  std::fflush(m_report);
}

void RunProgress::warmup_started(std::size_t index, std::size_t total) {
  std::lock_guard lock(m_mutex);
  m_phase = "Warmup";
  m_index = index;
  m_total = total;
  m_started = Clock::now();
  if (m_style == ProgressStyle::live) {
    draw_locked();
  }
}

void RunProgress::run_started(std::size_t index, std::optional<std::size_t> total, std::optional<double> expected_s) {
  std::lock_guard lock(m_mutex);
  m_phase = "Run";
  m_index = index;
  m_total = total;
  m_expected_s = expected_s;
  m_started = Clock::now();
  if (m_style == ProgressStyle::live) {
    draw_locked();
  }
}

void RunProgress::run_finished(const core::Benchmark& bench, const core::Run& run, std::size_t total) {
  std::lock_guard lock(m_mutex);
  m_total = total;
  m_done_s += run.wall_s;
  if (m_style == ProgressStyle::plain) {
    const auto now = Clock::now();
    const bool last = static_cast<std::size_t>(run.index) + 1 == total;
    if (last || now - m_last_plain >= k_plain_interval) {
      m_last_plain = now;
      const std::string status = run.succeeded() ? "" : fmt::format(" ({})", core::to_string(run.status));
      fmt::print(stderr, "  run {}/{}: {}{}\n", run.index + 1, total, report::format_time(run.wall_s, m_unit),
                 status);
      std::fflush(stderr);
    }
  }
  (void)bench;
}

void RunProgress::metric_missing(const core::Run& run, const std::string& metric) {
  std::lock_guard lock(m_mutex);
  clear_locked();
  fmt::print(stderr, "warning: metric '{}' not found in the output of run {} of '{}'; recorded as missing\n", metric,
             run.index + 1, m_current);
  std::fflush(stderr);
}

void RunProgress::benchmark_finished(const core::Benchmark& bench) {
  std::lock_guard lock(m_mutex);
  m_phase.clear();
  clear_locked();
  if (bench.runs.empty()) {
    return; // stopped before its first run: the error or the interrupt message says why
  }
  fmt::print(m_report, "{}\n", report::format_benchmark_summary(bench, m_unit));
  std::fflush(m_report);
}

} // namespace zkbench::cli
