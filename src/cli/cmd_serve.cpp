// `zkbench serve [DIR] [--port 8080] [--bind 127.0.0.1]`: serves a report folder over HTTP until
// Ctrl-C. Loopback by default: a report can hold paths, hostnames and timings worth keeping private.
#include <csignal>
#include <cstdio>
#include <memory>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <pthread.h>

#include "cli/app.hpp"
#include "serve/server.hpp"
#include "util/error.hpp"

namespace zkbench::cli {

namespace {

struct ServeOptions {
  std::string dir = "benchmarks/report";
  int port = 8080;
  std::string bind = "127.0.0.1";
};

int run_serve(const ServeOptions& options) {
  auto server = value_or_fatal(serve::ReportServer::create(options.dir));
  server->add_api_route(R"(/api/health)", [](const serve::ApiRequest&) {
    return serve::ApiResponse{200, {{"ok", true}, {"version", ZKBENCH_VERSION}}};
  });
  const int port = value_or_fatal(server->bind(options.bind, options.port));

  // Block SIGINT/SIGTERM before any server thread exists so that they all inherit the mask and this
  // thread alone receives the signal, synchronously, through sigwait: no async handler needed.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::thread serving([&server] { server->run(); });
  const std::string host = options.bind.find(':') != std::string::npos ? "[" + options.bind + "]" : options.bind;
  fmt::print("serving {} at http://{}:{}/ (Ctrl-C to stop)\n", server->root().string(), host, port);
  std::fflush(stdout);

  int received = 0;
  sigwait(&signals, &received);
  server->stop();
  serving.join();
  pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
  return static_cast<int>(ExitCode::success);
}

} // namespace

CommandMain setup_serve(CLI::App& sub) {
  auto options = std::make_shared<ServeOptions>();
  sub.add_option("dir", options->dir, "Report folder to serve")->capture_default_str();
  sub.add_option("-p,--port", options->port, "Port (0 picks a free one and prints it)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  sub.add_option("--bind", options->bind, "Address to listen on (0.0.0.0 exposes it to the network)")
      ->capture_default_str();
  return [options] { return run_serve(*options); };
}

} // namespace zkbench::cli
