#pragma once
// The dashboard that `zkbench serve` keeps up to date: reloads it from the store, rewrites the report
// folder when something changed, and answers the JSON API (/api/status, /api/experiments,
// /api/experiments/NNN, /api/bisections) from the last loaded copy, so requests never touch the database.

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "dashboard/dashboard_loader.hpp"
#include "report/dashboard_model.hpp"
#include "serve/server.hpp"
#include "store/store.hpp"
#include "util/error.hpp"

namespace zkbench::dashboard {

class LiveDashboard {
public:
  LiveDashboard(std::unique_ptr<store::Store> store, DashboardSource source, std::filesystem::path report_dir);

  /// Reloads the dashboard when the store or the status file changed on disk (their sizes and times,
  /// WAL file included), or 30 s after the last load (the elapsed time moves), and, when it differs from
  /// the last one (the generation time aside), writes the report folder again (pages reload themselves
  /// every 30 s). Returns whether the report was rewritten. Call from one thread at a time (the store
  /// connection is not shared). Errors: the store's, writing the report; the last good copy stays.
  Result<bool> refresh();

  /// The last loaded dashboard (never null after a successful refresh()). Thread-safe.
  std::shared_ptr<const report::Dashboard> current() const;

  /// Registers the API routes on `server` (before bind()). They read current() only.
  void add_routes(serve::ReportServer& server);

  const std::filesystem::path& report_dir() const { return m_report_dir; }

private:
  std::unique_ptr<store::Store> m_store;
  StoredProfiles m_profiles; // reads m_store; keeps the profile charts between reloads
  DashboardSource m_source;
  std::filesystem::path m_report_dir;
  std::string m_fingerprint; // what the last written report showed
  std::string m_files_stamp; // sizes and times of the files a change would show in
  std::chrono::steady_clock::time_point m_loaded_at{};
  mutable std::mutex m_mutex;
  std::shared_ptr<const report::Dashboard> m_current;
};

} // namespace zkbench::dashboard
