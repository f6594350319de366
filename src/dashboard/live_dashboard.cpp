// The live dashboard behind `zkbench serve`.
#include "dashboard/live_dashboard.hpp"

#include <fmt/format.h>

#include "report/html_report.hpp"
#include "project/status_file.hpp"
#include "util/text.hpp"

namespace zkbench::dashboard {

namespace {

constexpr auto k_max_age = std::chrono::seconds(30);

// Every commit to a WAL-mode SQLite store grows or rewrites the -wal file (a checkpoint rewrites the
// main file), so sizes and modification times tell, without a query, whether anything was written.
std::string files_stamp(const std::vector<std::filesystem::path>& paths) {
  std::string stamp;
  for (const auto& path : paths) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    const auto time = std::filesystem::last_write_time(path, ec);
    stamp += ec ? std::string("-;") : fmt::format("{}:{};", size, time.time_since_epoch().count());
  }
  return stamp;
}

} // namespace

LiveDashboard::LiveDashboard(std::unique_ptr<store::Store> store, DashboardSource source,
                             std::filesystem::path report_dir)
    : m_store(std::move(store)), m_profiles(*m_store), m_source(std::move(source)),
      m_report_dir(std::move(report_dir)) {}

Result<bool> LiveDashboard::refresh() {
  const std::string location = m_store->location();
  std::vector<std::filesystem::path> watched{location, location + "-wal", project::status_path(m_source.project_dir),
                                             m_source.project_dir / "benchmarks" / "bisect"};
  for (std::filesystem::path& bisection : bisection_files(m_source.project_dir)) {
    watched.push_back(std::move(bisection)); // written after each step of a running bisection
  }
  std::string stamp = files_stamp(watched);
  const auto now = std::chrono::steady_clock::now();
  if (m_current && stamp == m_files_stamp && now - m_loaded_at < k_max_age) {
    return false;
  }
  m_files_stamp = std::move(stamp);
  m_loaded_at = now;
  ZKBENCH_TRY_ASSIGN(loaded, load_dashboard(*m_store, m_source, &m_profiles));
  auto dashboard = std::make_shared<const report::Dashboard>(std::move(*loaded));
  // The generation time and the elapsed time change on every load; only new data is worth a rewrite.
  nlohmann::json shown = report::to_json(*dashboard, report::ExperimentDetail::full);
  shown["overview"].erase("generated_at");
  shown["overview"].erase("elapsed_s");
  std::string fingerprint = util::json_text(shown);
  const bool changed = fingerprint != m_fingerprint;
  if (changed) {
    ZKBENCH_TRY(report::write_report(report::render_report(*dashboard, report::AutoRefresh::every_30s),
                                     m_report_dir));
    m_fingerprint = std::move(fingerprint);
  }
  std::lock_guard lock(m_mutex);
  m_current = std::move(dashboard);
  return changed;
}

std::shared_ptr<const report::Dashboard> LiveDashboard::current() const {
  std::lock_guard lock(m_mutex);
  return m_current;
}

void LiveDashboard::add_routes(serve::ReportServer& server) {
  server.add_api_route("/api/status", [this](const serve::ApiRequest&) {
    return serve::ApiResponse{200, report::status_json(*current())};
  });
  server.add_api_route("/api/experiments", [this](const serve::ApiRequest&) {
    nlohmann::json list = nlohmann::json::array();
    for (const report::Experiment& experiment : current()->experiments) {
      list.push_back(report::to_json(experiment, report::ExperimentDetail::summary));
    }
    return serve::ApiResponse{200, std::move(list)};
  });
  server.add_api_route("/api/bisections", [this](const serve::ApiRequest&) {
    nlohmann::json list = nlohmann::json::array();
    for (const core::BisectRecord& bisection : current()->bisections) {
      list.push_back(nlohmann::json(core::to_json(bisection)));
    }
    return serve::ApiResponse{200, std::move(list)};
  });
  server.add_api_route(R"(/api/experiments/(\d{1,9}))", [this](const serve::ApiRequest& request) {
    const core::ExperimentNumber number(std::stoi(request.captures.at(1)));
    const auto dashboard = current();
    for (const report::Experiment& experiment : dashboard->experiments) {
      if (experiment.number == number) {
        return serve::ApiResponse{200, report::to_json(experiment, report::ExperimentDetail::full)};
      }
    }
    return serve::ApiResponse{404, {{"error", "no experiment " + number.format()}}};
  });
}

} // namespace zkbench::dashboard
