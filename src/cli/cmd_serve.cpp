// `zkbench serve [DIR] [--port 8080] [--bind 127.0.0.1] [--config zkbench.yaml]`: serves the live
// dashboard until Ctrl-C. In a project (zkbench.yaml present) it writes the report from the store into
// DIR (default benchmarks/report), reloads the store every 2 s and rewrites the report when something
// changed, and answers /api/status, /api/experiments and /api/experiments/NNN. Without a project it
// serves DIR as it is. Loopback by default: a report can hold paths, hostnames and timings worth
// keeping private.
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <pthread.h>

#include "cli/app.hpp"
#include "dashboard/live_dashboard.hpp"
#include "serve/server.hpp"
#include "util/error.hpp"
#include "project/workspace.hpp"

namespace zkbench::cli {

namespace {

constexpr auto k_reload_interval = std::chrono::seconds(2);

struct ServeOptions {
  std::string dir;                    // default: benchmarks/report (of the project, when there is one)
  int port = 8080;
  std::string bind = "127.0.0.1";
  std::string config = "zkbench.yaml";
};

// Reloads the dashboard every k_reload_interval until stopped, on its own thread (the store connection
// belongs to it). A failed reload keeps the last good dashboard and says so once per failure streak.
class Reloader {
public:
  explicit Reloader(dashboard::LiveDashboard& live) : m_live(live), m_thread([this] { loop(); }) {}
  ~Reloader() {
    {
      std::lock_guard lock(m_mutex);
      m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
  }
  Reloader(const Reloader&) = delete;
  Reloader& operator=(const Reloader&) = delete;

private:
  void loop() {
    bool failing = false;
    std::unique_lock lock(m_mutex);
    while (!m_wake.wait_for(lock, k_reload_interval, [this] { return m_stop; })) {
      lock.unlock();
      auto refreshed = m_live.refresh();
      if (!refreshed && !failing) {
        fmt::print(stderr, "warning: cannot refresh the dashboard: {}\n", refreshed.error().message);
      }
      failing = !refreshed;
      lock.lock();
    }
  }

  dashboard::LiveDashboard& m_live;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stop = false;
  std::thread m_thread; // last: started once the members above exist
};

std::unique_ptr<dashboard::LiveDashboard> open_live(const ServeOptions& options) {
  project::Workspace ws = value_or_fatal(project::open_workspace(options.config));
  const verdict::Policy policy = value_or_fatal(project::project_policy(ws.project.config));
  const std::filesystem::path dir = options.dir.empty() ? ws.benchmarks_dir() / "report" : std::filesystem::path(options.dir);
  auto live = std::make_unique<dashboard::LiveDashboard>(std::move(ws.store), dashboard::DashboardSource{ws.root(), policy.primary_metric, ws.store_location}, dir);
  value_or_fatal(live->refresh());
  return live;
}

int run_serve(const ServeOptions& options) {
  std::unique_ptr<dashboard::LiveDashboard> live;
  if (std::filesystem::exists(options.config)) {
    live = open_live(options);
  }
  const std::filesystem::path dir = live ? live->report_dir() : std::filesystem::path(options.dir.empty() ? "benchmarks/report" : options.dir);
  auto server = value_or_fatal(serve::ReportServer::create(dir));
  server->add_api_route(R"(/api/health)", [](const serve::ApiRequest&) {
    return serve::ApiResponse{200, {{"ok", true}, {"version", ZKBENCH_VERSION}}};
  });
  if (live) {
    live->add_routes(*server);
  }
  const int port = value_or_fatal(server->bind(options.bind, options.port));

  // Block SIGINT/SIGTERM/SIGHUP before any server thread exists so that they all inherit the mask and this
  // thread alone receives the signal, synchronously, through sigwait: no async handler needed.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::thread serving([&server] { server->run(); });
  std::unique_ptr<Reloader> reloader = live ? std::make_unique<Reloader>(*live) : nullptr;
  const std::string host = options.bind.find(':') != std::string::npos ? "[" + options.bind + "]" : options.bind;
  fmt::print("serving {} at http://{}:{}/ ({}; Ctrl-C to stop)\n", server->root().string(), host, port,
             live ? "live from the store" : "static folder");
  std::fflush(stdout);

  int received = 0;
  sigwait(&signals, &received);
  reloader.reset();
  server->stop();
  serving.join();
  pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
  return static_cast<int>(ExitCode::success);
}

} // namespace

CommandMain setup_serve(CLI::App& sub) {
  auto options = std::make_shared<ServeOptions>();
  sub.add_option("dir", options->dir, "Report folder (default: benchmarks/report)");
  sub.add_option("-p,--port", options->port, "Port (0 picks a free one and prints it)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  sub.add_option("--bind", options->bind, "Address to listen on (0.0.0.0 exposes it to the network)")
      ->capture_default_str();
  sub.add_option("--config", options->config, "The project's zkbench.yaml (serves a static folder when absent)")
      ->capture_default_str();
  return [options] { return run_serve(*options); };
}

} // namespace zkbench::cli
