// `zkbench history`: look into the store. Lists sessions, or shows one session's benchmarks and runs,
// as text for people or JSON for scripts.
#include <algorithm>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "cli/store_location.hpp"
#include "store/store.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/text.hpp"

namespace zkbench::cli {

namespace {

struct HistoryOptions {
  std::string store;
  std::size_t limit = 20;
  bool json = false;
  std::int64_t session_id = 0;
};

std::unique_ptr<store::Store> open_for_reading(const HistoryOptions& options) {
  const std::string location = store_location(options.store);
  auto opened = store::open_store(location, store::OpenMode::existing);
  if (!opened) {
    // The hint is for a store that is not there yet; a corrupt or foreign file has its own message.
    std::error_code ec;
    const bool missing = !store::is_postgresql_url(location) && !std::filesystem::exists(location, ec);
    throw Fatal(opened.error().message, missing ? "run a measuring command here first, or pass --store PATH" : "");
  }
  return std::move(*opened);
}

/// "2026-11-20 23:30:01" in local time.
std::string format_time(std::int64_t unix_us) {
  const auto seconds = static_cast<std::time_t>(unix_us / 1'000'000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &local);
  return buffer;
}

/// Seconds for people: "812.4 s", "1.234 s", "42.1 ms".
std::string format_seconds(double seconds) {
  if (seconds >= 100) {
    return fmt::format("{:.1f} s", seconds);
  }
  if (seconds >= 1) {
    return fmt::format("{:.3f} s", seconds);
  }
  return fmt::format("{:.1f} ms", seconds * 1e3);
}

std::string format_exit(const core::Run& run) {
  if (run.signal) {
    const char* name = sigabbrev_np(*run.signal);
    return name != nullptr ? fmt::format("SIG{}", name) : fmt::format("signal {}", *run.signal);
  }
  return run.exit_code ? std::to_string(*run.exit_code) : "-";
}

/// Prints rows as left-aligned columns (right-aligned where `right` is set), two spaces apart.
void print_table(const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& right,
                 const std::string& indent = "") {
  std::vector<std::size_t> widths(right.size(), 0);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  for (const auto& row : rows) {
    std::string line = indent;
    for (std::size_t i = 0; i < row.size(); ++i) {
      const std::size_t pad = widths[i] - row[i].size();
      const bool last = i + 1 == row.size();
      line += right[i] ? std::string(pad, ' ') + row[i] : row[i] + (last ? "" : std::string(pad, ' '));
      line += last ? "" : "  ";
    }
    fmt::print("{}\n", line);
  }
}

nlohmann::json session_json(const store::SessionRecord& session) {
  return {{"id", session.id},
          {"kind", session.info.kind},
          {"argv", util::redact_credentials(session.info.argv)}, // rows older than the redaction
          {"host", session.info.host},
          {"working_dir", session.info.working_dir},
          {"started_at_us", session.info.started_at_us},
          {"finished_at_us", session.finished_at_us ? nlohmann::json(*session.finished_at_us) : nlohmann::json()},
          {"status", store::to_string(session.status)},
          {"benchmarks", session.benchmark_count},
          {"runs", session.run_count}};
}

template <typename T>
nlohmann::json optional_json(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

nlohmann::json run_json(const core::Run& run) {
  nlohmann::json metrics = nlohmann::json::object();
  for (const auto& [name, value] : run.metrics) {
    metrics[name] = optional_json(value);
  }
  nlohmann::json gpu;
  if (run.gpu) {
    gpu = {{"utilization_mean_pct", run.gpu->utilization_mean_pct},
           {"utilization_max_pct", run.gpu->utilization_max_pct},
           {"memory_peak_bytes", run.gpu->memory_peak_bytes},
           {"temperature_start_c", run.gpu->temperature_start_c},
           {"temperature_max_c", run.gpu->temperature_max_c},
           {"energy_joules", run.gpu->energy_joules},
           {"throttled", run.gpu->throttled},
           {"throttle_reasons", run.gpu->throttle_reasons}};
  }
  return {{"index", run.index},
          {"wall_s", run.wall_s},
          {"user_s", run.user_s},
          {"system_s", run.system_s},
          {"peak_rss_bytes", run.peak_rss_bytes},
          {"status", core::to_string(run.status)},
          {"exit_code", optional_json(run.exit_code)},
          {"signal", optional_json(run.signal)},
          {"metrics", metrics},
          {"gpu", gpu},
          {"contention", run.contention ? nlohmann::json{{"foreign_cores", run.contention->foreign_cores},
                                                         {"limit_cores", run.contention->limit_cores},
                                                         {"contended", run.contention->contended},
                                                         {"top", run.contention->top},
                                                         {"gpu_processes", run.contention->gpu_processes},
                                                         {"waited_s", run.contention->waited_s}}
                                        : nlohmann::json()},
          {"log_path", run.log_path},
          {"started_at_us", run.started_at_us},
          {"finished_at_us", run.finished_at_us},
          {"containment", core::to_string(run.containment)},
          {"cpu_wait_s", run.cpu_wait_s ? nlohmann::json(*run.cpu_wait_s) : nlohmann::json()}};
}

int list_sessions(const HistoryOptions& options) {
  auto store = open_for_reading(options);
  const auto sessions = value_or_fatal(store->list_sessions(options.limit));
  if (options.json) {
    nlohmann::json out = {{"store", store->location()}, {"sessions", nlohmann::json::array()}};
    for (const auto& session : sessions) {
      out["sessions"].push_back(session_json(session));
    }
    fmt::print("{}\n", util::json_text(out, 2));
    return static_cast<int>(ExitCode::success);
  }
  if (sessions.empty()) {
    fmt::print("no sessions in store '{}'\n", store->location());
    return static_cast<int>(ExitCode::success);
  }
  std::vector<std::vector<std::string>> rows = {
      {"ID", "STARTED", "KIND", "STATUS", "HOST", "BENCHMARKS", "RUNS", "COMMAND"}};
  for (const auto& session : sessions) {
    rows.push_back({std::to_string(session.id), format_time(session.info.started_at_us), session.info.kind,
                    store::to_string(session.status), session.info.host, std::to_string(session.benchmark_count),
                    std::to_string(session.run_count), util::redact_credentials(session.info.argv)});
  }
  print_table(rows, {true, false, false, false, false, true, true, false});
  return static_cast<int>(ExitCode::success);
}

void print_benchmark(const core::Benchmark& benchmark, std::size_t position, std::size_t count) {
  fmt::print("\nbenchmark {}/{}: {}\n", position, count, benchmark.display_name());
  if (benchmark.name) {
    fmt::print("  command     {}\n", benchmark.command);
  }
  if (!benchmark.parameters.empty()) {
    std::vector<std::string> pairs;
    for (const auto& [name, value] : benchmark.parameters) {
      pairs.push_back(name + "=" + value);
    }
    fmt::print("  parameters  {}\n", util::join(pairs, ", "));
  }
  if (const std::string ways = benchmark.containments(); !ways.empty()) {
    // Runs contained two ways (a cgroup, a process group) were measured differently: say so.
    fmt::print("  contained   {}{}\n", ways,
               ways.find(',') != std::string::npos ? " (mixed: times and peak memory measured differently)" : "");
  }
  if (benchmark.runs.empty()) {
    fmt::print("  no runs\n");
    return;
  }
  const std::vector<std::string> metric_names = benchmark.metric_names();
  std::vector<std::string> header = {"#", "WALL", "USER", "SYS", "PEAK RSS", "STATUS", "EXIT"};
  std::vector<bool> right = {true, true, true, true, true, false, true};
  for (const auto& name : metric_names) {
    header.push_back(name);
    right.push_back(true);
  }
  // The contention gate's figure: the other processes' CPU load during the run, "!" when contended.
  const bool gated = std::any_of(benchmark.runs.begin(), benchmark.runs.end(),
                                 [](const core::Run& run) { return run.contention.has_value(); });
  if (gated) {
    header.emplace_back("FOREIGN");
    right.push_back(true);
  }
  header.emplace_back("LOG");
  right.push_back(false);
  std::vector<std::vector<std::string>> rows = {header};
  for (const core::Run& run : benchmark.runs) {
    std::vector<std::string> row = {std::to_string(run.index), format_seconds(run.wall_s), format_seconds(run.user_s),
                                    format_seconds(run.system_s),
                                    util::format_bytes(static_cast<double>(run.peak_rss_bytes)),
                                    core::to_string(run.status), format_exit(run)};
    for (const auto& name : metric_names) {
      const auto it = run.metrics.find(name);
      row.push_back(it != run.metrics.end() && it->second ? fmt::format("{:.15g}", *it->second) : "missing");
    }
    if (gated) {
      row.push_back(!run.contention ? "-"
                                    : fmt::format("{:.2f}{}", run.contention->foreign_cores,
                                                  run.contention->contended ? " contended" : ""));
    }
    row.push_back(run.log_path.empty() ? "-" : run.log_path);
    rows.push_back(std::move(row));
  }
  print_table(rows, right, "  ");
  for (const core::Run& run : benchmark.runs) {
    if (run.contended() && !run.contention->top.empty()) {
      fmt::print("  run {} contended: {}\n", run.index, run.contention->top);
    }
  }
}

int show_session(const HistoryOptions& options) {
  auto store = open_for_reading(options);
  auto session = store->get_session(options.session_id);
  if (!session) {
    throw Fatal(session.error().message, "`zkbench history` lists the sessions and their ids");
  }
  const auto benchmarks = value_or_fatal(store->load_benchmarks(options.session_id));
  if (options.json) {
    nlohmann::json out = {{"session", session_json(*session)}, {"benchmarks", nlohmann::json::array()}};
    for (const auto& benchmark : benchmarks) {
      nlohmann::json runs = nlohmann::json::array();
      for (const auto& run : benchmark.runs) {
        runs.push_back(run_json(run));
      }
      out["benchmarks"].push_back({{"command", benchmark.command},
                                   {"name", optional_json(benchmark.name)},
                                   {"parameters", benchmark.parameters},
                                   {"runs", runs}});
    }
    fmt::print("{}\n", util::json_text(out, 2));
    return static_cast<int>(ExitCode::success);
  }
  fmt::print("session {}: {}, {}\n", session->id, session->info.kind, store::to_string(session->status));
  fmt::print("  started   {}", format_time(session->info.started_at_us));
  if (session->finished_at_us) {
    fmt::print(" (finished {}, after {})", format_time(*session->finished_at_us),
               format_seconds(static_cast<double>(*session->finished_at_us - session->info.started_at_us) / 1e6));
  }
  fmt::print("\n  host      {}\n  folder    {}\n  command   {}\n", session->info.host, session->info.working_dir,
             util::redact_credentials(session->info.argv));
  if (benchmarks.empty()) {
    fmt::print("\nno benchmarks\n");
  }
  for (std::size_t i = 0; i < benchmarks.size(); ++i) {
    print_benchmark(benchmarks[i], i + 1, benchmarks.size());
  }
  return static_cast<int>(ExitCode::success);
}

} // namespace

CommandMain setup_history(CLI::App& sub) {
  auto options = std::make_shared<HistoryOptions>();
  const std::string store_help = k_store_help;
  sub.add_option("--store", options->store, store_help);
  sub.add_option("--limit", options->limit, "List at most N sessions, newest first (default 20)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
  sub.add_flag("--json", options->json, "Print JSON instead of a table");
  sub.require_subcommand(0, 1);

  CLI::App* show = sub.add_subcommand("show", "Print one session's benchmarks with every run's figures");
  show->add_option("id", options->session_id, "The session id (from `zkbench history`)")->required();
  show->add_option("--store", options->store, store_help);
  show->add_flag("--json", options->json, "Print JSON instead of tables");

  return [options, show] { return show->parsed() ? show_session(*options) : list_sessions(*options); };
}

} // namespace zkbench::cli
