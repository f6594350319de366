#pragma once
// An HTTP server for a report folder (cpp-httplib): static files that cannot escape the folder
// (paths.hpp), plus JSON API routes that the live dashboard registers (/api/status, ...).
// Only GET and HEAD are answered; everything is read-only.

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace zkbench::serve {

/// What an API handler sees: the regex captures of its route (captures[0] is the whole path) and
/// the query parameters.
struct ApiRequest {
  std::vector<std::string> captures;
  std::map<std::string, std::string> query;
};

/// What an API handler returns: an HTTP status and a JSON body.
struct ApiResponse {
  int status = 200;
  nlohmann::json body;
};

/// Handles one API route. Called on a server thread, concurrently with other requests: it must be
/// thread-safe. An exception it throws becomes HTTP 500 {"error": "internal error"}.
using ApiHandler = std::function<ApiResponse(const ApiRequest&)>;

class ReportServer {
public:
  /// A server for `root` (made canonical). Fails when `root` is not an existing folder.
  static Result<std::unique_ptr<ReportServer>> create(const std::filesystem::path& root);
  ~ReportServer();
  ReportServer(const ReportServer&) = delete;
  ReportServer& operator=(const ReportServer&) = delete;

  /// Adds a JSON route for GET requests whose path fully matches `pattern` (ECMAScript regex; it must
  /// start with "/api/", e.g. R"(/api/experiments/(\d+))"). Earlier routes win. Call before bind().
  /// Unmatched /api/ paths answer 404 {"error": "no such API route"}.
  void add_api_route(const std::string& pattern, ApiHandler handler);

  /// Binds `host` ("127.0.0.1", "0.0.0.0", "::1") on `port` (0 picks a free one). Returns the port.
  /// Fails with a message naming host and port when binding fails.
  Result<int> bind(const std::string& host, int port);

  /// Serves until stop() is called (from any thread). Call after a successful bind().
  void run();

  /// Stops run(); safe from any thread, and before run() starts.
  void stop();

  const std::filesystem::path& root() const { return m_root; }

private:
  explicit ReportServer(std::filesystem::path root);
  struct Impl;
  std::filesystem::path m_root;
  std::unique_ptr<Impl> m_impl;
};

} // namespace zkbench::serve
